"""Run model-written Python in a throwaway, resource-limited, network-less sandbox.

On Linux as root each run gets fresh mount/PID/network/IPC/UTS namespaces, a tmpfs working
folder, an unprivileged per-run uid and rlimits (see launch.py). Elsewhere
`sandbox_status()` says isolation is unavailable and runs are refused unless the caller passes
`allow_unisolated=True` (the MINI_AGENT_SANDBOX_ALLOW_UNISOLATED setting).
"""

from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass
from pathlib import PurePosixPath

from agent.errors import MiniAgentError
from agent.sandbox.process import Limits, RunResult, launch
from agent.sandbox.pytest_run import (
    CaseOutcome,
    PytestResult,
    parse_pytest,
    pytest_argv,
    pytest_files,
)

__all__ = [
    "CaseOutcome",
    "Limits",
    "PytestResult",
    "RunResult",
    "SandboxStatus",
    "SandboxUnavailable",
    "run_pytest",
    "run_python",
    "sandbox_status",
]

# Runs the user's main.py as __main__ with its folder on sys.path: `-I` leaves the script's
# folder off sys.path (so helper files could not be imported) and ignores PYTHON* variables.
_RUN_MAIN = (
    "import sys, types\n"
    "m = types.ModuleType('__main__'); m.__file__ = 'main.py'; sys.modules['__main__'] = m\n"
    "sys.path.insert(0, ''); sys.argv[0] = 'main.py'\n"
    "c = compile(open('main.py', 'rb').read(), 'main.py', 'exec')\n"
    "del sys, types\n"
    "exec(c, m.__dict__)\n"
)


class SandboxUnavailable(MiniAgentError, RuntimeError):
    """Code cannot be run safely here; the message says why and what to do."""


@dataclass(frozen=True)
class SandboxStatus:
    """Whether isolated runs work on this machine, and why not when they don't."""

    available: bool
    network_isolated: bool
    reason: str


@functools.lru_cache(maxsize=1)
def sandbox_status() -> SandboxStatus:
    """Probe once whether isolated runs work here, by doing one."""
    if sys.platform != "linux":
        return SandboxStatus(False, False, f"no Linux namespaces on {sys.platform}")
    if os.geteuid() != 0:
        return SandboxStatus(
            False,
            False,
            f"the sandbox needs root to create namespaces and switch to a throwaway uid "
            f"(running as uid {os.geteuid()})",
        )
    probe, _ = launch(["-I", "-c", "pass"], files={}, timeout_s=10, limits=Limits(), isolated=True)
    if probe.exit_code != 0:
        detail = probe.stderr.strip() or f"exit code {probe.exit_code}"
        return SandboxStatus(False, False, f"namespaces were refused: {detail}")
    return SandboxStatus(True, True, "isolated: namespaces, throwaway uid, rlimits, no network")


def _check_isolation(allow_unisolated: bool) -> bool:
    """Return whether the run will be isolated; refuse when it can't be and that isn't allowed."""
    status = sandbox_status()
    if status.available:
        return True
    if allow_unisolated:
        return False
    raise SandboxUnavailable(
        f"Running code is disabled: no sandbox on this machine ({status.reason}). "
        "Run Mini-Agent as root on Linux, or set MINI_AGENT_SANDBOX_ALLOW_UNISOLATED=true "
        "to run code without isolation (only for code you trust)."
    )


def _checked_files(files: dict[str, str | bytes] | None, reserved: set[str]) -> dict[str, bytes]:
    """Encode extra files, rejecting names that would leave the working folder."""
    checked: dict[str, bytes] = {}
    for name, content in (files or {}).items():
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts or not path.parts or name in reserved:
            raise ValueError(f"invalid sandbox file name: {name!r}")
        checked[str(path)] = content.encode() if isinstance(content, str) else content
    return checked


def run_python(
    code: str,
    *,
    timeout_s: float = 10.0,
    files: dict[str, str | bytes] | None = None,
    argv: list[str] | None = None,
    limits: Limits | None = None,
    allow_unisolated: bool = False,
) -> RunResult:
    """Run `code` as main.py in a fresh sandbox folder holding `files`, with `argv` after it."""
    isolated = _check_isolation(allow_unisolated)
    all_files = _checked_files(files, {"main.py"}) | {"main.py": code.encode()}
    result, _ = launch(
        ["-I", "-c", _RUN_MAIN, *(argv or [])],
        files=all_files,
        timeout_s=timeout_s,
        limits=limits or Limits(),
        isolated=isolated,
    )
    return result


def run_pytest(
    code: str,
    tests: str,
    *,
    timeout_s: float = 30.0,
    limits: Limits | None = None,
    allow_unisolated: bool = False,
) -> PytestResult:
    """Run pytest on `tests` (test_solution.py) against `code` (solution.py) in a sandbox."""
    isolated = _check_isolation(allow_unisolated)
    result, report = launch(
        pytest_argv(),
        files=pytest_files(code, tests),
        timeout_s=timeout_s,
        limits=limits or Limits(),
        isolated=isolated,
        env_extra={"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        want_report=True,
    )
    return parse_pytest(result, report)
