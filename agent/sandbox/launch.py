"""Sandbox launcher: isolate, limit and drop privileges, then exec the child Python.

Run by agent/sandbox/process.py as `python -I -S launch.py` with a JSON plan on stdin.
It is a script, not an import: it must start fast and use nothing but the standard library
(and its two neighbours, filters.py and rootfs.py). It stays outside the child's PID
namespace (or, without one, is the run's subreaper) as the child's parent, so it can always
kill every process of the run and report how the run ended.

Modes (see __init__.py for how one is chosen):
- root:     new mount/PID/net/IPC/UTS namespaces, a fresh root, a throwaway uid.
- userns:   the same inside a new user namespace, as an ordinary user.
- landlock: no namespaces; Landlock allows only the runtime (read) and the run's folder,
            seccomp refuses socket(); processes left behind are swept at the end.
- none:     no isolation (only when the settings allow unisolated runs).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import resource
import signal
import sys
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import filters  # noqa: E402  # type: ignore[import-not-found]
import rootfs  # noqa: E402  # type: ignore[import-not-found]

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
SETUP_FAILED = 125
NAMESPACE_MODES = ("root", "userns")


def _enter_namespaces(plan: dict[str, Any]) -> None:
    """Unshare every namespace (and the user one as an ordinary user), then build the root."""
    userns = plan["mode"] == "userns"
    uid, gid = os.getuid(), os.getgid()
    flags = filters.CLONE_NEWNS | filters.CLONE_NEWNET | filters.CLONE_NEWPID
    flags |= filters.CLONE_NEWIPC | filters.CLONE_NEWUTS
    filters.call("unshare", flags | (filters.CLONE_NEWUSER if userns else 0))
    if userns:
        # The same uid inside: capabilities last until exec, then a non-root uid loses them.
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"),
                           ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w") as f:
                f.write(text)
        owner = (uid, gid)
    else:
        owner = (plan["uid"], plan["gid"])
    rootfs.build(plan, owner)


def _set_limits(limits: dict[str, int], strict: bool) -> None:
    """Set soft and hard limits alike, so the child cannot raise them back."""
    for name, value in limits.items():
        try:
            resource.setrlimit(getattr(resource, f"RLIMIT_{name.upper()}"), (value, value))
        except (ValueError, OSError, AttributeError):
            # macOS refuses some (RLIMIT_AS); only the unisolated mode tolerates that.
            if strict:
                raise


def _tasks_of(uid: int) -> int:
    """How many tasks (threads count) run as `uid`: RLIMIT_NPROC counts them all."""
    total = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, StopIteration, ValueError):
                with open(f"/proc/{entry}/status") as f:
                    fields = dict(line.split(":", 1) for line in f if ":" in line)
                if int(fields["Uid"].split()[0]) == uid:
                    total += int(fields["Threads"])
    return total


def _become_child(plan: dict[str, Any]) -> None:
    """In the forked child: finish the setup, drop privileges and exec; never returns."""
    mode = plan["mode"]
    try:
        if mode in NAMESPACE_MODES:
            rootfs.enter()
        _set_limits(plan["limits"], strict=mode != "none")
        if plan["uid"] is not None and mode in ("root", "landlock"):
            os.setgroups([])
            os.setgid(plan["gid"])
            os.setuid(plan["uid"])
        if mode != "none":
            filters.call("prctl", PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            # Needed by Landlock and seccomp alike; setuid binaries could undo both.
            filters.call("prctl", filters.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
        if mode == "landlock":
            devices = [f"/dev/{d}" for d in rootfs.DEVICES]
            filters.restrict_filesystem(plan["binds"], [plan["workdir"]], devices)
        if mode != "none":
            filters.install_seccomp(deny_sockets=mode == "landlock")
        os.umask(0o077)
        os.makedirs(plan["workdir"], exist_ok=True)
        os.chdir(plan["workdir"])
        for name, data in plan["files"].items():
            os.makedirs(os.path.dirname(name) or ".", exist_ok=True)
            with open(name, "wb") as f:
                f.write(base64.b64decode(data))
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        if plan["report_fd"] is not None:
            os.dup2(plan["report_fd"], 3)
        os.closerange(3 if plan["report_fd"] is None else 4, 1024)
        os.execve(plan["argv"][0], plan["argv"], plan["env"])
    except BaseException as exc:
        # Never unwind into the launcher's code from the fork; the parent learns why from 125.
        os.write(2, f"mini-agent sandbox: setup failed: {exc}\n".encode())
    os._exit(SETUP_FAILED)


def _children() -> list[int]:
    """This process's children (orphans of the run are reparented here: we are subreaper)."""
    me = os.getpid()
    try:
        with open(f"/proc/{me}/task/{me}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        kids = []
        for entry in filter(str.isdigit, os.listdir("/proc")):
            with contextlib.suppress(OSError, IndexError, ValueError), open(
                f"/proc/{entry}/stat"
            ) as f:
                if int(f.read().rsplit(")", 1)[1].split()[1]) == me:
                    kids.append(int(entry))
        return kids


def _sweep() -> None:
    """Kill and reap every process the run left behind, however it detached itself."""
    while kids := _children():
        for pid in kids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for _ in kids:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(-1, 0)


def _exit_like(status: int, rusage: resource.struct_rusage, cpu_limit: int) -> None:
    """End this launcher the way the child ended, so the parent sees one status."""
    if os.WIFEXITED(status):
        os._exit(os.WEXITSTATUS(status))
    sig = os.WTERMSIG(status)
    # The CPU limit's hard end is SIGKILL (init ignores SIGXCPU); say which limit it was.
    if sig == signal.SIGKILL and rusage.ru_utime + rusage.ru_stime >= cpu_limit - 0.5:
        sig = signal.SIGXCPU
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if sig != signal.SIGKILL:  # SIGKILL's action cannot be set, and is already fatal
        signal.signal(sig, signal.SIG_DFL)
    os.kill(os.getpid(), sig)
    os._exit(128 + sig)


def _setup(plan: dict[str, Any]) -> None:
    """Everything before the fork: die with the app, be first to go on OOM, isolate."""
    mode = plan["mode"]
    if sys.platform != "linux":
        return  # unisolated runs on macOS: limits only (see _set_limits)
    with contextlib.suppress(OSError), open("/proc/self/oom_score_adj", "w") as f:
        f.write("1000")
    if plan["cgroup"]:
        # Before anything else: every process of the run is born inside the run's totals.
        with open(os.path.join(plan["cgroup"], "cgroup.procs"), "w") as f:
            f.write(str(os.getpid()))
    # If the app dies, this launcher gets SIGTERM and takes the run down with it.
    filters.call("prctl", PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != plan["parent_pid"]:
        raise OSError("the app exited before the sandbox started")
    if mode in NAMESPACE_MODES:
        _enter_namespaces(plan)
        return
    filters.call("prctl", PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    if plan["uid"] is not None:
        os.chown(plan["workdir"], plan["uid"], plan["gid"])
    elif os.geteuid() != 0:
        # Without a uid of its own, the run shares the app user's process count: allow
        # what that user runs now plus the run's own budget.
        plan["limits"]["nproc"] += _tasks_of(os.getuid())


def main() -> None:
    """Read the plan, isolate, fork the child and mirror its end."""
    plan = json.loads(sys.stdin.buffer.read())
    try:
        _setup(plan)
    except OSError as exc:
        os.write(2, f"mini-agent sandbox: setup failed: {exc}\n".encode())
        os._exit(SETUP_FAILED)
    pid = os.fork()
    if pid == 0:
        _become_child(plan)

    def _kill_child(signum: int, frame: object) -> None:
        # Killing the PID namespace's init kills every process in it, even setsid() escapees;
        # without one, the sweep below finds them.
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _kill_child)
    _, status, rusage = os.wait4(pid, 0)
    if plan["mode"] not in NAMESPACE_MODES:
        _sweep()
    _exit_like(status, rusage, plan["limits"]["cpu"])


if __name__ == "__main__":
    main()
