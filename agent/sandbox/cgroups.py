"""Totals per run: one cgroup v2 per run, where a cgroup with the controllers is delegated to us.

The app never creates or changes cgroups it was not given. It uses a folder only when the
folder is writable by the app's user and already enables `cpu`, `memory` and `pids` for its
children (`cgroup.subtree_control`): the app's own cgroup (possible only at the root of a
hierarchy, since a cgroup holding processes cannot enable controllers for children), or its
parent when systemd marked that parent delegated (`Delegate=yes`: the `trusted.delegate` or
`user.delegate` attribute) and the app runs in a leaf below it. Elsewhere (cgroup v1, a hybrid,
a read-only cgroupfs as in containers) runs get no cgroup and the total comes from per-process
limits times the process limit. Every path is taken relative to `cgroupfs`, so the logic can be
exercised against a folder that only looks like one.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import secrets
import signal
import time
from dataclasses import dataclass

CGROUPFS = "/sys/fs/cgroup"
CONTROLLERS = ("cpu", "memory", "pids")
RUN_PREFIX = "mini-agent-run-"
CPU_PERIOD_US = 100_000
DELEGATE_ATTRS = ("trusted.delegate", "user.delegate")
REMOVE_WAIT_S = 2.0

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delegation:
    """Where run cgroups go (`parent`), or None; `reason` says why, for sandbox_status()."""

    parent: str | None
    reason: str


@dataclass(frozen=True)
class RunLimits:
    """The totals of one run's cgroup."""

    memory_bytes: int
    pids: int
    cpus: float


def own_cgroup(proc_self_cgroup: str) -> str | None:
    """The cgroup v2 path in a /proc/<pid>/cgroup text (its `0::/path` line), or None."""
    for line in proc_self_cgroup.splitlines():
        if line.startswith("0::"):
            return line[3:].split(" ")[0] or "/"
    return None


def _read(path: str) -> str:
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def _enabled(folder: str) -> set[str]:
    return set(_read(os.path.join(folder, "cgroup.subtree_control")).split())


def _writable(folder: str) -> bool:
    return os.access(folder, os.W_OK | os.X_OK) and os.access(
        os.path.join(folder, "cgroup.procs"), os.W_OK)


def _delegated(folder: str) -> bool:
    """Whether systemd marked `folder` as delegated (Delegate=yes) to the process inside."""
    for name in DELEGATE_ATTRS:
        with contextlib.suppress(OSError):
            if os.getxattr(folder, name):
                return True
    return False


def find_delegation(cgroupfs: str = CGROUPFS, own: str | None = None) -> Delegation:
    """Detect a cgroup v2 folder the app may make run cgroups in; `own` is the app's cgroup."""
    if not os.path.isfile(os.path.join(cgroupfs, "cgroup.controllers")):
        return Delegation(None, f"{cgroupfs} is not a cgroup v2 hierarchy (cgroup v1 or a "
                          "hybrid)")
    if own is None:
        own = own_cgroup(_read("/proc/self/cgroup"))
    if own is None:
        return Delegation(None, "this process is in no cgroup v2")
    mine = os.path.normpath(os.path.join(cgroupfs, own.lstrip("/")))
    candidates = [mine]
    if mine != os.path.normpath(cgroupfs) and _delegated(os.path.dirname(mine)):
        candidates.append(os.path.dirname(mine))
    missing = ""
    for folder in candidates:
        lacking = [c for c in CONTROLLERS if c not in _enabled(folder)]
        if lacking:
            missing = (f"{folder} does not enable {', '.join(lacking)} for its children "
                       "(cgroup.subtree_control)")
        elif not _writable(folder):
            missing = f"{folder} is not writable by this user"
        else:
            return Delegation(folder, f"cgroup v2: one cgroup per run under {folder}")
    return Delegation(None, f"no delegated cgroup v2: {missing}")


def run_limits(memory_mb: int, processes: int, cpus: float) -> RunLimits:
    """A run's totals; the launcher is in the cgroup too, hence one more task."""
    return RunLimits(memory_mb * 2**20, processes + 1, cpus)


def create(parent: str, limits: RunLimits) -> str:
    """Make one run's cgroup under `parent` with its totals set; return its path."""
    path = os.path.join(parent, RUN_PREFIX + secrets.token_hex(6))
    os.mkdir(path, 0o755)
    try:
        _write(path, "memory.max", str(limits.memory_bytes))
        _write(path, "pids.max", str(limits.pids))
        _write(path, "cpu.max", f"{round(limits.cpus * CPU_PERIOD_US)} {CPU_PERIOD_US}")
        # Not in every kernel configuration: without swap accounting there is nothing to cap.
        for name, value in (("memory.swap.max", "0"), ("memory.oom.group", "1")):
            if os.path.exists(os.path.join(path, name)):
                _write(path, name, value)
    except OSError:
        remove(path)
        raise
    return path


def _write(folder: str, name: str, value: str) -> None:
    with open(os.path.join(folder, name), "w") as f:
        f.write(value)


def join(path: str, pid: int) -> None:
    """Move process `pid` (and the children it will have) into the run's cgroup."""
    _write(path, "cgroup.procs", str(pid))


def remove(path: str) -> None:
    """Kill every process left in the run's cgroup, then delete it."""
    if os.path.exists(os.path.join(path, "cgroup.kill")):
        with contextlib.suppress(OSError):
            _write(path, "cgroup.kill", "1")
    deadline = time.monotonic() + REMOVE_WAIT_S
    while True:
        try:
            os.rmdir(path)
            return
        except OSError as exc:
            # EBUSY: processes are still in it. Anything else will not pass with waiting.
            if exc.errno != errno.EBUSY or time.monotonic() > deadline:
                log.warning("could not remove the run's cgroup %s: %s", path, exc)
                return
        _kill_listed(path)
        time.sleep(0.01)


def _kill_listed(path: str) -> None:
    """SIGKILL each process the cgroup lists (kernels before 5.14 have no cgroup.kill)."""
    for pid in _read(os.path.join(path, "cgroup.procs")).split():
        with contextlib.suppress(ProcessLookupError, ValueError, PermissionError):
            if int(pid) > 1:
                os.kill(int(pid), signal.SIGKILL)
