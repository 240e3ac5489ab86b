"""Start the sandbox launcher, feed it a plan, read its output with caps and a deadline."""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.sandbox import cgroups
from agent.sandbox.plan import ISOLATED_WORKDIR, Limits, build_plan, child_env

LAUNCHER = Path(__file__).with_name("launch.py")
SETUP_FAILED = 125
NAMESPACE_MODES = ("root", "userns")


@dataclass(frozen=True)
class RunResult:
    """How a sandboxed run ended; output beyond the cap is cut off and `truncated` is set."""

    stdout: str
    stderr: str
    exit_code: int | None
    timed_out: bool
    duration_ms: float
    truncated: bool
    killed_reason: str | None
    isolated: bool

    @property
    def ok(self) -> bool:
        """True when the code ran to completion and exited 0."""
        return self.exit_code == 0 and not self.timed_out


def launch(
    argv: list[str],
    *,
    files: dict[str, bytes],
    timeout_s: float,
    limits: Limits,
    mode: str,
    env_extra: dict[str, str] | None = None,
    want_report: bool = False,
    cgroup_parent: str | None = None,
) -> tuple[RunResult, bytes]:
    """Run `argv` (argv[0] is this interpreter) in launcher `mode`; return result and report.

    With `cgroup_parent` (a delegated cgroup v2 folder) the run gets a cgroup of its own
    there, holding its totals, and everything in it is killed at the end.
    """
    in_namespaces = mode in NAMESPACE_MODES
    start = time.monotonic()
    group = None
    if cgroup_parent:
        group = cgroups.create(cgroup_parent, cgroups.run_limits(
            limits.memory_mb, limits.max_processes, limits.cpus))
    tmp = None if in_namespaces else tempfile.mkdtemp(prefix="mini-agent-sandbox-")
    workdir = ISOLATED_WORKDIR if in_namespaces else str(tmp)
    report_r, report_w = os.pipe() if want_report else (None, None)
    plan = build_plan(mode, argv, files=files, workdir=workdir, timeout_s=timeout_s,
                      limits=limits, env_extra=env_extra, report_fd=report_w, cgroup=group)
    try:
        proc = subprocess.Popen(
            [sys.executable, "-I", "-S", str(LAUNCHER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=() if report_w is None else (report_w,),
            start_new_session=True,
            env=child_env(workdir),
        )
        if report_w is not None:
            os.close(report_w)
        return _supervise(proc, plan, report_r, start + timeout_s, limits, start, mode != "none")
    finally:
        if group is not None:
            cgroups.remove(group)
        if report_r is not None:
            os.close(report_r)
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _supervise(
    proc: subprocess.Popen[bytes],
    plan: dict[str, Any],
    report_fd: int | None,
    deadline: float,
    limits: Limits,
    start: float,
    isolated: bool,
) -> tuple[RunResult, bytes]:
    """Send the plan, drain the pipes within caps and the deadline, and kill on overrun."""
    assert proc.stdin and proc.stdout and proc.stderr
    try:
        proc.stdin.write(json.dumps(plan).encode())
        proc.stdin.close()
    except BrokenPipeError:
        pass  # the launcher already died; its status and stderr tell why
    caps = {
        proc.stdout.fileno(): limits.max_output_bytes,
        proc.stderr.fileno(): limits.max_output_bytes,
    }
    if report_fd is not None:
        caps[report_fd] = 4 * limits.max_output_bytes
    chunks: dict[int, bytearray] = {fd: bytearray() for fd in caps}
    killed_reason: str | None = None
    with selectors.DefaultSelector() as sel:
        for fd in caps:
            sel.register(fd, selectors.EVENT_READ)
        while sel.get_map() and killed_reason is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                killed_reason = "timeout"
                break
            for key, _ in sel.select(remaining):
                fd = int(key.fd)
                data = os.read(fd, 65536)
                if not data:
                    sel.unregister(fd)
                    continue
                room = caps[fd] - len(chunks[fd])
                chunks[fd] += data[:room]
                if len(data) > room:
                    # Stop a flood at once instead of draining a gigabyte we would throw away.
                    killed_reason = "output_limit"
    if killed_reason is None:
        try:
            proc.wait(max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            killed_reason = "timeout"
    if killed_reason is not None:
        _kill(proc)
    # The launcher has already killed the run's processes; this catches any it could not.
    _killpg(proc.pid)
    exit_code = proc.returncode
    stdout, stderr = (chunks[f.fileno()] for f in (proc.stdout, proc.stderr))
    proc.stdout.close()
    proc.stderr.close()
    if killed_reason is None:
        killed_reason = _reason(exit_code, bytes(stderr))
    result = RunResult(
        stdout=stdout.decode("utf-8", "replace"),
        stderr=stderr.decode("utf-8", "replace"),
        exit_code=exit_code,
        timed_out=killed_reason == "timeout",
        duration_ms=(time.monotonic() - start) * 1000,
        truncated=killed_reason == "output_limit",
        killed_reason=killed_reason,
        isolated=isolated,
    )
    return result, bytes(chunks[report_fd]) if report_fd is not None else b""


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Stop the run: the launcher kills the namespace's init; the group kill is the backstop."""
    try:
        proc.send_signal(signal.SIGTERM)
        proc.wait(2)
    except subprocess.TimeoutExpired:
        pass
    _killpg(proc.pid)
    proc.wait()


def _killpg(pgid: int) -> None:
    """SIGKILL a process group that may already be gone."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


def _reason(exit_code: int | None, stderr: bytes) -> str | None:
    """Name the limit that ended the run, when one did."""
    if exit_code == -signal.SIGXCPU:
        return "cpu_time"
    if exit_code == SETUP_FAILED and stderr.startswith(b"mini-agent sandbox: setup failed"):
        return "setup_failed"
    if b"MemoryError" in stderr[-2000:] or b"Cannot allocate memory" in stderr[-2000:]:
        return "memory"
    if exit_code is not None and exit_code < 0:
        return f"signal {signal.Signals(-exit_code).name}"
    return None
