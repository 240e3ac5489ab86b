"""Run model-written Python in a throwaway, resource-limited, network-less sandbox.

The child sees nothing of the host but an allowlist: its own folder, the Python runtime
(read-only) and /dev/null, /dev/zero, /dev/urandom. The mode is the strongest this machine
allows (see `sandbox_status`): namespaces with a fresh root (as root, or as an ordinary user
through a user namespace), else Landlock + seccomp, else none, in which case runs are refused
unless the caller passes `allow_unisolated=True` (MINI_AGENT_SANDBOX_ALLOW_UNISOLATED).
"""

from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass
from pathlib import PurePosixPath

from agent.errors import MiniAgentError
from agent.sandbox.cgroups import CGROUPFS, Delegation, find_delegation
from agent.sandbox.filters import landlock_abi
from agent.sandbox.plan import Limits
from agent.sandbox.process import RunResult, launch
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
    "SANDBOX_MODES",
    "SandboxUnavailable",
    "run_pytest",
    "run_python",
    "run_worker",
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


SANDBOX_MODES = ("auto", "namespaces", "landlock", "off")
# What each launcher mode gives, in the words sandbox_status() uses.
DESCRIPTIONS = {
    "root": "namespaces as root: a fresh root with only the runtime, a throwaway uid, "
    "no network",
    "userns": "user namespaces: a fresh root with only the runtime, no network",
    "landlock": "Landlock + seccomp: only the runtime and its folder readable, socket() refused",
}


class SandboxUnavailable(MiniAgentError, RuntimeError):
    """Code cannot be run safely here; the message says why and what to do."""


@dataclass(frozen=True)
class SandboxStatus:
    """Whether isolated runs work here, in which mode, why, and which totals bound a run.

    `cgroup` is the folder runs get their own cgroup v2 in, when one is delegated to the app.
    """

    available: bool
    network_isolated: bool
    reason: str
    mode: str = "none"
    memory: str = ""
    cgroup: str | None = None


def _candidates(requested: str) -> list[str]:
    """The launcher modes to try for a MINI_AGENT_SANDBOX_MODE value, strongest first."""
    if requested not in SANDBOX_MODES:
        raise ValueError(f"unknown sandbox mode {requested!r}; use one of {SANDBOX_MODES}")
    namespaces = (["root"] if os.geteuid() == 0 else []) + ["userns"]
    return {"auto": namespaces + ["landlock"], "namespaces": namespaces,
            "landlock": ["landlock"], "off": []}[requested]


def memory_total(limits: Limits, delegation: Delegation) -> str:
    """Which kind of total applies to a run, in one sentence."""
    if delegation.parent:
        return (
            f"cgroup v2 total per run: memory.max {limits.memory_mb} MB (files in its "
            f"private folders count), pids.max {limits.max_processes + 1} (the launcher "
            f"included), cpu.max {limits.cpus:g} CPU; every process in the run's cgroup is "
            f"killed at the end ({delegation.reason})"
        )
    return (
        f"per-process limits x process limit: {limits.max_processes} processes x "
        f"{limits.process_memory_mb} MB of private memory, plus {limits.disk_mb} MB of files, "
        f"each process at most its CPU-time limit (no cgroup per run: {delegation.reason})"
    )


def sandbox_status(mode: str = "auto", cgroupfs: str = CGROUPFS) -> SandboxStatus:
    """Probe once, by doing a run, which mode works here; `mode` is MINI_AGENT_SANDBOX_MODE.

    `cgroupfs` is where cgroup v2 would be mounted; runs get a cgroup each only when one is
    delegated to the app there (see cgroups.py) and the probe run could use it.
    """
    return _probed_status(mode, cgroupfs)


@functools.lru_cache(maxsize=8)
def _probed_status(mode: str, cgroupfs: str) -> SandboxStatus:
    """sandbox_status(), cached by its arguments however they were passed."""
    if sys.platform != "linux":
        return SandboxStatus(False, False, f"no Linux namespaces or Landlock on {sys.platform}")
    failures = []
    for candidate in _candidates(mode):
        if candidate == "landlock" and landlock_abi() < 1:
            failures.append("landlock: not available in this kernel")
            continue
        delegation = find_delegation(cgroupfs)
        probe = _probe(candidate, delegation.parent)
        if probe.exit_code != 0 and delegation.parent:
            detail = _last_line(probe)
            delegation = Delegation(None, f"a run could not use {delegation.parent}: {detail}")
            probe = _probe(candidate, None)
        if probe.exit_code == 0:
            why = f"; {'; '.join(failures)}" if failures else ""
            return SandboxStatus(True, True, f"isolated: {DESCRIPTIONS[candidate]}{why}",
                                 candidate, memory_total(Limits(), delegation),
                                 delegation.parent)
        failures.append(f"{candidate}: {_why_not(candidate, probe)}")
    if not failures:
        return SandboxStatus(False, False, "MINI_AGENT_SANDBOX_MODE is off")
    return SandboxStatus(False, False, "no isolation works here (" + "; ".join(failures) + ")")


def _probe(mode: str, cgroup_parent: str | None) -> RunResult:
    """A trivial run in `mode`, to see whether it works here."""
    result, _ = launch(["-I", "-c", "pass"], files={}, timeout_s=10, limits=Limits(), mode=mode,
                       cgroup_parent=cgroup_parent)
    return result


def _last_line(result: RunResult) -> str:
    lines = result.stderr.strip().splitlines()
    return lines[-1] if lines else f"exit code {result.exit_code}"


def _why_not(mode: str, probe: RunResult) -> str:
    """Why a probe run in `mode` failed, naming the usual cause of a refused namespace."""
    why = _last_line(probe).removeprefix("mini-agent sandbox: setup failed: ")
    if mode in ("root", "userns") and "unshare: Operation not permitted" in why:
        return (f"namespaces refused ({why}), as a container's default seccomp profile or "
                "AppArmor's restriction on unprivileged user namespaces does")
    return why


def _launcher_mode(allow_unisolated: bool, mode: str, cgroupfs: str) -> tuple[str, str | None]:
    """The launcher mode and cgroup parent a run gets; refuse when it can't be isolated."""
    status = sandbox_status(mode, cgroupfs)
    if status.available:
        return status.mode, status.cgroup
    if allow_unisolated:
        return "none", None
    raise SandboxUnavailable(
        f"Running code is disabled: no sandbox on this machine ({status.reason}). "
        "On Linux, allow user namespaces or use a kernel with Landlock, or set "
        "MINI_AGENT_SANDBOX_ALLOW_UNISOLATED=true to run code without isolation "
        "(only for code you trust)."
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
    mode: str = "auto",
    cgroupfs: str = CGROUPFS,
) -> RunResult:
    """Run `code` as main.py in a fresh sandbox folder holding `files`, with `argv` after it."""
    launcher_mode, cgroup = _launcher_mode(allow_unisolated, mode, cgroupfs)
    all_files = _checked_files(files, {"main.py"}) | {"main.py": code.encode()}
    result, _ = launch(
        ["-I", "-c", _RUN_MAIN, *(argv or [])],
        files=all_files,
        timeout_s=timeout_s,
        limits=limits or Limits(),
        mode=launcher_mode,
        cgroup_parent=cgroup,
    )
    return result


def run_pytest(
    code: str,
    tests: str,
    *,
    timeout_s: float = 30.0,
    limits: Limits | None = None,
    allow_unisolated: bool = False,
    mode: str = "auto",
    cgroupfs: str = CGROUPFS,
) -> PytestResult:
    """Run pytest on `tests` (test_solution.py) against `code` (solution.py) in a sandbox."""
    launcher_mode, cgroup = _launcher_mode(allow_unisolated, mode, cgroupfs)
    result, report = launch(
        pytest_argv(),
        files=pytest_files(code, tests),
        timeout_s=timeout_s,
        limits=limits or Limits(),
        mode=launcher_mode,
        env_extra={"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        want_report=True,
        cgroup_parent=cgroup,
    )
    return parse_pytest(result, report)


def run_worker(
    source: str,
    args: list[str],
    *,
    files: dict[str, bytes],
    read_only: list[str],
    writable: list[str],
    timeout_s: float,
    limits: Limits,
    mode: str = "auto",
    cgroupfs: str = CGROUPFS,
    landlock_read: list[str] | None = None,
) -> RunResult:
    """Run one of our own worker scripts (`source`) on hostile input, in the sandbox.

    Besides the runtime it sees `read_only` (say, the one CSV a query reads) and `writable`
    (its spill folder, which the app made for this run) at their own paths, and nothing else;
    in the Landlock mode also `landlock_read`, read-only. Raises SandboxUnavailable where no
    isolating mode works.
    """
    status = sandbox_status(mode, cgroupfs)
    if not status.available:
        raise SandboxUnavailable(f"no sandbox on this machine ({status.reason})")
    if status.mode == "landlock" and os.geteuid() == 0 and read_only:
        # Its throwaway uid could not read the app's files, and Landlock cannot remap them.
        raise SandboxUnavailable("a Landlock run as root cannot be lent the app's files")
    result, _ = launch(["-I", "-c", source, *args], files=files, timeout_s=timeout_s,
                       limits=limits, mode=status.mode, cgroup_parent=status.cgroup,
                       read_only=read_only, writable=writable, landlock_read=landlock_read)
    return result
