"""Seccomp and Landlock for the sandbox launcher: standard library only, no privileges needed.

Imported by launch.py (a script run with `-I -S`), so it must not import anything of ours.
Every denial is an errno (EPERM for syscalls, EACCES from Landlock) the child can catch;
nothing here kills the process, except a syscall made through a foreign ABI (x32, i386),
which has no business in a sandboxed x86_64 Python.
"""

from __future__ import annotations

import ctypes
import os
import stat

TYPE_CHECKING = False  # `typing` would cost the launcher's start `re` and more
if TYPE_CHECKING:
    from typing import Any

PR_SET_SECCOMP = 22
PR_SET_NO_NEW_PRIVS = 38
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_KILL_PROCESS = 0x80000000
SECCOMP_RET_ERRNO = 0x00050000
SECCOMP_RET_ALLOW = 0x7FFF0000
AUDIT_ARCH_X86_64 = 0xC000003E
X32_SYSCALL_BIT = 0x40000000
EPERM, ENOSYS = 1, 38
# x86_64 syscalls the child has no business making, and that widen the kernel's attack
# surface: namespaces, mounts, ptrace, keyrings, bpf, perf, userfaultfd, io_uring, modules.
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
    # Shared memory outside the size-limited tmpfs folders would escape RLIMIT_DATA.
    "shmget": 29,
    "memfd_create": 319,
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "fspick": 433,
    "mount_setattr": 442,
}
# socket() for every address family: no network, and no way to reach a host unix socket
# (Landlock does not cover connecting to one). socketpair() (53) stays: it reaches nothing.
SYS_SOCKET = 41
SYS_CLONE = 56
SYS_MMAP = 9
MAP_SHARED, MAP_ANONYMOUS = 0x01, 0x20
# clone3 passes its flags in memory seccomp cannot read; ENOSYS makes libc fall back to clone.
SYS_CLONE3 = 435
CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
NAMESPACE_FLAGS = (
    CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUSER
) | CLONE_NEWCGROUP

SYS_LANDLOCK_CREATE_RULESET = 444
SYS_LANDLOCK_ADD_RULE = 445
SYS_LANDLOCK_RESTRICT_SELF = 446
LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_RULE_PATH_BENEATH = 1
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1, 2, 4, 8
FS_TRUNCATE, FS_IOCTL_DEV = 1 << 14, 1 << 15
# Rights that apply to a file (not a folder); a rule on a file may only grant these.
FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
READ_ONLY = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR
# Every filesystem right each Landlock ABI knows (ABI 2 adds REFER, 3 TRUNCATE, 5 IOCTL_DEV).
FS_RIGHTS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1}
NET_BIND_TCP, NET_CONNECT_TCP = 1, 2
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1, 2

_libc: Any = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


def call(name: str, *args: Any) -> int:
    """Call a libc function, raising OSError with its errno when it returns -1."""
    result = int(getattr(_libc, name)(*args))
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{name}: {os.strerror(err)}")
    return result


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte),
                ("k", ctypes.c_uint)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def seccomp_program(deny_sockets: bool) -> list[tuple[int, int, int, int]]:
    """A classic-BPF filter: kill foreign ABIs, EPERM the denied syscalls, allow the rest."""
    load, jeq, jge, jset, ret = 0x20, 0x15, 0x35, 0x45, 0x06
    eperm, enosys = SECCOMP_RET_ERRNO | EPERM, SECCOMP_RET_ERRNO | ENOSYS
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
    denied = list(DENIED_SYSCALLS.values()) + ([SYS_SOCKET] if deny_sockets else [])
    for nr in denied:
        prog += [(jeq, 0, 1, nr), (ret, 0, 0, eperm)]
    prog += [
        # mmap(MAP_SHARED | MAP_ANONYMOUS): memory RLIMIT_DATA does not count.
        (jeq, 0, 5, SYS_MMAP),
        (load, 0, 0, 40),  # low half of seccomp_data.args[3]: mmap's flags
        (jset, 0, 2, MAP_ANONYMOUS),
        (jset, 0, 1, MAP_SHARED),
        (ret, 0, 0, eperm),
        (ret, 0, 0, SECCOMP_RET_ALLOW),
        (jeq, 0, 3, SYS_CLONE),
        (load, 0, 0, 16),  # low half of seccomp_data.args[0]: clone's flags
        (jset, 0, 1, NAMESPACE_FLAGS),
        (ret, 0, 0, eperm),
        (ret, 0, 0, SECCOMP_RET_ALLOW),
    ]
    return prog


def install_seccomp(deny_sockets: bool) -> None:
    """Set no_new_privs and install the filter; it survives execve and every fork."""
    call("prctl", PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    if os.uname().machine != "x86_64":
        return  # the syscall numbers above are x86_64's; other machines get the rest
    prog = seccomp_program(deny_sockets)
    filters = (_SockFilter * len(prog))(*(_SockFilter(*op) for op in prog))
    fprog = _SockFprog(len(prog), filters)
    call("prctl", PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0)


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, 0 when it has none or it is disabled."""
    version = int(_libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0),
                                ctypes.c_uint32(LANDLOCK_CREATE_RULESET_VERSION)))
    return max(version, 0)


def restrict_filesystem(read_only: list[str], read_write: list[str], devices: list[str]) -> int:
    """Allow only these paths from now on (for this process and its children); return the ABI.

    Everything Landlock can mediate is handled, so what is not granted is refused: other
    files, TCP bind/connect (ABI 4+), abstract unix sockets and signals to processes outside
    the sandbox (ABI 6+).
    """
    abi = landlock_abi()
    if abi < 1:
        raise OSError(ENOSYS, "Landlock is not available in this kernel")
    fs_rights = FS_RIGHTS_BY_ABI.get(abi, (1 << 16) - 1)
    attr = _RulesetAttr(fs_rights, 0, 0)
    size = 8
    if abi >= 4:
        attr.handled_access_net, size = NET_BIND_TCP | NET_CONNECT_TCP, 16
    if abi >= 6:
        attr.scoped, size = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL, 24
    ruleset = call("syscall", SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr),
                   ctypes.c_size_t(size), ctypes.c_uint32(0))
    try:
        grants = [(p, READ_ONLY) for p in read_only] + [(p, fs_rights) for p in read_write]
        grants += [(p, FS_READ_FILE | FS_WRITE_FILE) for p in devices]
        for path, rights in grants:
            _add_rule(ruleset, path, rights & fs_rights)
        call("syscall", SYS_LANDLOCK_RESTRICT_SELF, ruleset, ctypes.c_uint32(0))
    finally:
        os.close(ruleset)
    return abi


def _add_rule(ruleset: int, path: str, rights: int) -> None:
    """Grant `rights` beneath `path` (only the file rights when it is not a folder)."""
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except FileNotFoundError:
        return
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            rights &= FILE_RIGHTS
        rule = _PathBeneath(rights, fd)
        call("syscall", SYS_LANDLOCK_ADD_RULE, ruleset, ctypes.c_int(LANDLOCK_RULE_PATH_BENEATH),
             ctypes.byref(rule), ctypes.c_uint32(0))
    finally:
        os.close(fd)
