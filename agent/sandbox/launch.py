"""Sandbox launcher: isolate, limit and drop privileges, then exec the child Python.

Run by agent/sandbox/process.py as `python -I -S launch.py` with a JSON plan on stdin.
It is a script, not an import: it must start fast and use nothing but the standard library.
It stays outside the child's namespaces as the child's parent, so it can always kill the
namespace's init (which takes every process in the namespace with it) and report how it ended.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import json
import os
import resource
import signal
import sys
from typing import Any

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_REMOUNT = 0x20
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000
PR_SET_PDEATHSIG = 1
PR_SET_SECCOMP = 22
PR_SET_NO_NEW_PRIVS = 38
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_KILL_PROCESS = 0x80000000
SECCOMP_RET_ERRNO = 0x00050000
SECCOMP_RET_ALLOW = 0x7FFF0000
AUDIT_ARCH_X86_64 = 0xC000003E
X32_SYSCALL_BIT = 0x40000000
# x86_64 syscalls the child has no business making, and that widen the kernel's attack
# surface: namespaces (unprivileged users may create user namespaces), mounts, ptrace,
# keyrings, bpf, perf, userfaultfd, io_uring, module and kexec loading.
DENIED_SYSCALLS = {
    "ptrace": 101,
    "pivot_root": 155,
    "mount": 165,
    "umount2": 166,
    "init_module": 175,
    "kexec_load": 246,
    "add_key": 248,
    "request_key": 249,
    "keyctl": 250,
    "unshare": 272,
    "perf_event_open": 298,
    "open_by_handle_at": 304,
    "setns": 308,
    "finit_module": 313,
    "bpf": 321,
    "userfaultfd": 323,
    "io_uring_setup": 425,
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "fspick": 433,
    "mount_setattr": 442,
}
SYS_CLONE = 56
# clone3 passes its flags in memory seccomp cannot read; ENOSYS makes libc fall back to clone.
SYS_CLONE3 = 435
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUSER = 0x10000000
NAMESPACE_FLAGS = (
    CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUSER
) | CLONE_NEWCGROUP
SETUP_FAILED = 125

_libc: Any = None


def _call(name: str, *args: Any) -> None:
    """Call a libc function, raising OSError with its errno on failure."""
    if getattr(_libc, name)(*args) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{name}{args!r}: {os.strerror(err)}")


def _mount(src: str | None, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    """mount(2) with str arguments."""
    enc = [None if s is None else s.encode() for s in (src, target, fstype, data or None)]
    _call("mount", enc[0], enc[1], enc[2], ctypes.c_ulong(flags), enc[3])


def _isolate(plan: dict[str, Any]) -> None:
    """Enter fresh namespaces and build the child's view of the filesystem."""
    _call("unshare", CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS)
    # Private propagation: nothing we mount leaks back to the host's mount table.
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    # Keep handles on what we re-expose before the masks hide their paths; they must be
    # opened in this mount namespace, or binding them fails.
    exposed = [(p, os.open(p, os.O_PATH | os.O_DIRECTORY)) for p in plan["exposes"]]
    for mask in plan["masks"]:
        _mount("tmpfs", mask, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m")
    # multiprocessing needs a writable /dev/shm for its semaphores: give a private, small one.
    if os.path.isdir("/dev/shm"):
        flags = MS_NOSUID | MS_NODEV | MS_NOEXEC
        _mount("tmpfs", "/dev/shm", "tmpfs", flags, "mode=1777,size=16m")
    for path, fd in exposed:
        os.makedirs(path, exist_ok=True)
        _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
        _mount(None, path, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
        os.close(fd)
    workdir = plan["workdir"]
    os.makedirs(workdir, exist_ok=True)
    opts = f"mode=0700,uid={plan['uid']},gid={plan['gid']},size={plan['disk_mb']}m"
    _mount("tmpfs", workdir, "tmpfs", MS_NOSUID | MS_NODEV, opts)


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_ushort),
        ("jt", ctypes.c_ubyte),
        ("jf", ctypes.c_ubyte),
        ("k", ctypes.c_uint),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def _seccomp_program() -> list[tuple[int, int, int, int]]:
    """A classic-BPF filter: kill foreign ABIs, EPERM the denied syscalls, allow the rest."""
    load, jeq, jge, jset, ret = 0x20, 0x15, 0x35, 0x45, 0x06
    eperm, enosys = SECCOMP_RET_ERRNO | 1, SECCOMP_RET_ERRNO | 38
    prog = [
        (load, 0, 0, 4),  # seccomp_data.arch
        (jeq, 1, 0, AUDIT_ARCH_X86_64),
        (ret, 0, 0, SECCOMP_RET_KILL_PROCESS),
        (load, 0, 0, 0),  # seccomp_data.nr
        (jge, 0, 1, X32_SYSCALL_BIT),
        (ret, 0, 0, SECCOMP_RET_KILL_PROCESS),
        (jeq, 0, 1, SYS_CLONE3),
        (ret, 0, 0, enosys),
    ]
    for nr in DENIED_SYSCALLS.values():
        prog += [(jeq, 0, 1, nr), (ret, 0, 0, eperm)]
    prog += [
        (jeq, 0, 3, SYS_CLONE),
        (load, 0, 0, 16),  # low half of seccomp_data.args[0]: clone's flags
        (jset, 0, 1, NAMESPACE_FLAGS),
        (ret, 0, 0, eperm),
        (ret, 0, 0, SECCOMP_RET_ALLOW),
    ]
    return prog


def _install_seccomp() -> None:
    """Install the filter (needs no_new_privs); it survives execve and every fork."""
    prog = _seccomp_program()
    filters = (_SockFilter * len(prog))(*(_SockFilter(*op) for op in prog))
    fprog = _SockFprog(len(prog), filters)
    _call("prctl", PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0)


def _set_limits(limits: dict[str, int], strict: bool) -> None:
    """Set soft and hard limits alike, so the child cannot raise them back."""
    for name, value in limits.items():
        try:
            resource.setrlimit(getattr(resource, f"RLIMIT_{name.upper()}"), (value, value))
        except (ValueError, OSError, AttributeError):
            # macOS refuses some (RLIMIT_AS); only the unisolated mode tolerates that.
            if strict:
                raise


def _become_child(plan: dict[str, Any], isolated: bool) -> None:
    """In the forked child: finish the setup, drop privileges and exec; never returns."""
    try:
        if isolated:
            # A /proc of the new PID namespace: the child sees only its own processes.
            _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        _set_limits(plan["limits"], strict=isolated)
        if plan["uid"] is not None:
            os.setgroups([])
            os.setgid(plan["gid"])
            os.setuid(plan["uid"])
        if isolated:
            _call("prctl", PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
            _call("prctl", PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            if os.uname().machine == "x86_64":
                _install_seccomp()
        os.umask(0o077)
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


def _exit_like(status: int, rusage: resource.struct_rusage, cpu_limit: int) -> None:
    """End this launcher the way the child ended, so the parent sees one status."""
    if os.WIFEXITED(status):
        os._exit(os.WEXITSTATUS(status))
    sig = os.WTERMSIG(status)
    # The CPU limit's hard end is SIGKILL (init ignores SIGXCPU); say which limit it was.
    if sig == signal.SIGKILL and rusage.ru_utime + rusage.ru_stime >= cpu_limit - 0.1:
        sig = signal.SIGXCPU
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if sig != signal.SIGKILL:  # SIGKILL's action cannot be set, and is already fatal
        signal.signal(sig, signal.SIG_DFL)
    os.kill(os.getpid(), sig)
    os._exit(128 + sig)


def main() -> None:
    """Read the plan, isolate, fork the child and mirror its end."""
    global _libc
    plan = json.loads(sys.stdin.buffer.read())
    isolated = plan["mode"] == "root"
    if isolated:
        _libc = ctypes.CDLL(None, use_errno=True)
        # If the app dies, this launcher gets SIGTERM and takes the child down with it.
        _call("prctl", PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != plan["parent_pid"]:
            os._exit(SETUP_FAILED)
        try:
            _isolate(plan)
        except OSError as exc:
            os.write(2, f"mini-agent sandbox: setup failed: {exc}\n".encode())
            os._exit(SETUP_FAILED)
    pid = os.fork()
    if pid == 0:
        _become_child(plan, isolated)

    def _kill_child(signum: int, frame: object) -> None:
        # Killing the PID namespace's init kills every process in it, even setsid() escapees.
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _kill_child)
    _, status, rusage = os.wait4(pid, 0)
    _exit_like(status, rusage, plan["limits"]["cpu"])


if __name__ == "__main__":
    main()
