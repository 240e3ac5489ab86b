"""The child's filesystem in the namespace modes: a fresh root that starts empty.

Imported by launch.py (a script run with `-I -S`): standard library only. The launcher
builds the new root in its private mount namespace (a tmpfs holding read-only binds of the
Python runtime, a tiny /dev, a private /tmp); the child, pid 1 of its PID namespace, mounts
its /proc and pivots into it, so nothing of the host is reachable, not even by `..`.
"""

from __future__ import annotations

import ctypes
import os
import stat

from filters import CLONE_NEWUSER, call  # launch.py puts its own folder on sys.path

TYPE_CHECKING = False  # `typing` would cost the launcher's start `re` and more
if TYPE_CHECKING:
    from typing import Any

NEWROOT = "/tmp"
OLDROOT = "/.oldroot"
MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_REMOUNT = 0x20
MS_NOATIME = 0x400
MS_NODIRATIME = 0x800
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000
MS_RELATIME = 0x200000
MS_STRICTATIME = 0x1000000
MNT_DETACH = 2
ST_NOSUID, ST_NODEV, ST_NOEXEC = 2, 4, 8
ST_NOATIME, ST_NODIRATIME, ST_RELATIME = 1024, 2048, 4096
DEVICES = ("null", "zero", "urandom")
SYS_OPEN_TREE, SYS_MOVE_MOUNT, SYS_MOUNT_SETATTR = 428, 429, 442
OPEN_TREE_CLONE, AT_EMPTY_PATH, AT_FDCWD, MOVE_MOUNT_F_EMPTY_PATH = 1, 0x1000, -100, 4
MOUNT_ATTR_RDONLY, MOUNT_ATTR_NOSUID, MOUNT_ATTR_NODEV, MOUNT_ATTR_IDMAP = 1, 2, 4, 0x100000


def mount(src: str | None, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    """mount(2) with str arguments."""
    enc = [None if s is None else s.encode() for s in (src, target, fstype, data or None)]
    call("mount", enc[0], enc[1], enc[2], ctypes.c_ulong(flags), enc[3])


def _kept_flags(path: str) -> int:
    """The flags a read-only remount must repeat: a user namespace may not clear them."""
    have = os.statvfs(path).f_flag
    flags = MS_NOSUID | MS_NODEV | (MS_NOEXEC if have & ST_NOEXEC else 0)
    flags |= MS_NODIRATIME if have & ST_NODIRATIME else 0
    if have & ST_NOATIME:
        return flags | MS_NOATIME
    return flags | (MS_RELATIME if have & ST_RELATIME else MS_STRICTATIME)


def _bind(fd: int, dest: str, read_only: bool) -> None:
    """Bind what `fd` opened onto `dest` (created to match), then make it read-only."""
    if stat.S_ISDIR(os.fstat(fd).st_mode):
        os.makedirs(dest, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        os.close(os.open(dest, os.O_CREAT | os.O_WRONLY, 0o600))
    mount(f"/proc/self/fd/{fd}", dest, None, MS_BIND | MS_REC)
    if read_only:
        mount(None, dest, None, MS_BIND | MS_REMOUNT | MS_RDONLY | _kept_flags(dest))


class _MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]


def idmap_userns(path: str, run: tuple[int, int]) -> int:
    """A user namespace (as an fd) mapping `path`'s owner to the run's uid and gid.

    For an idmapped mount: a file only the app's user may read (an upload, mode 0600) then
    reads as the run's own through that one mount, and nothing changes on the host. Made
    before the PID namespace exists, since the helper process would become its init.
    """
    info = os.stat(path)
    ready_r, ready_w = os.pipe()
    done_r, done_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(ready_r)
            os.close(done_w)
            call("unshare", CLONE_NEWUSER)
            os.write(ready_w, b"1")
            os.read(done_r, 1)
        finally:
            os._exit(0)
    os.close(ready_w)
    os.close(done_r)
    try:
        if os.read(ready_r, 1) != b"1":
            raise OSError("no user namespace for an idmapped mount")
        for name, line in (("uid_map", f"{info.st_uid} {run[0]} 1"),
                           ("gid_map", f"{info.st_gid} {run[1]} 1")):
            with open(f"/proc/{pid}/{name}", "w") as f:
                f.write(line)
        return os.open(f"/proc/{pid}/ns/user", os.O_RDONLY | os.O_CLOEXEC)
    finally:
        os.close(done_w)
        os.close(ready_r)
        os.waitpid(pid, 0)


def _idmapped_bind(fd: int, dest: str, userns: int) -> None:
    """Bind what `fd` opened onto `dest`, read-only, with owners mapped through `userns`."""
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    if stat.S_ISDIR(os.fstat(fd).st_mode):
        os.makedirs(dest, exist_ok=True)
    else:
        os.close(os.open(dest, os.O_CREAT | os.O_WRONLY, 0o600))
    tree = call("syscall", ctypes.c_long(SYS_OPEN_TREE), fd, b"",
                ctypes.c_uint(OPEN_TREE_CLONE | os.O_CLOEXEC | AT_EMPTY_PATH))
    try:
        attr = _MountAttr(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV
                          | MOUNT_ATTR_IDMAP, 0, 0, userns)
        call("syscall", ctypes.c_long(SYS_MOUNT_SETATTR), tree, b"",
             ctypes.c_uint(AT_EMPTY_PATH), ctypes.byref(attr), ctypes.c_size_t(32))
        call("syscall", ctypes.c_long(SYS_MOVE_MOUNT), tree, b"", ctypes.c_int(AT_FDCWD),
             dest.encode(), ctypes.c_uint(MOVE_MOUNT_F_EMPTY_PATH))
    finally:
        os.close(tree)


def build(plan: dict[str, Any], owner: tuple[int, int], idmap: int | None = None) -> None:
    """Build the new root at NEWROOT; `owner` (uid, gid inside) gets the private /tmp.

    `plan["read_only"]` and `plan["writable"]` are bound at their own paths; with `idmap`
    (see idmap_userns) the read-only ones are idmapped to the run's ids.
    """
    mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing we mount leaks back to the host
    # Handles first: the tmpfs below covers /tmp, where a runtime could live.
    sources = [(p, os.open(p, os.O_PATH | os.O_CLOEXEC)) for p in plan["binds"]]
    extras = [(p, os.open(p, os.O_PATH | os.O_CLOEXEC), p in plan["writable"])
              for p in plan["read_only"] + plan["writable"]]
    devices = [(d, os.open(f"/dev/{d}", os.O_PATH | os.O_CLOEXEC)) for d in DEVICES]
    mount("tmpfs", NEWROOT, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=4m")
    # The private /tmp before the runtime's binds: a runtime that lives under /tmp (a clone
    # there, its .venv) is then bound read-only inside it instead of clashing with it.
    uid, gid = owner
    os.makedirs(NEWROOT + "/tmp")
    mount("tmpfs", NEWROOT + "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
          f"mode=0700,uid={uid},gid={gid},size={plan['disk_mb']}m")
    for link, target in plan["links"]:
        path = NEWROOT + link
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if not os.path.lexists(path):
            os.symlink(target, path)
    for path, fd in sources:
        _bind(fd, NEWROOT + path, read_only=True)
        os.close(fd)
    for path, fd, writable in extras:
        if idmap is not None and not writable:
            _idmapped_bind(fd, NEWROOT + path, idmap)
        else:
            _bind(fd, NEWROOT + path, read_only=not writable)
        os.close(fd)
    dev = NEWROOT + "/dev"
    os.makedirs(dev)
    mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k")
    for name, fd in devices:
        _bind(fd, f"{dev}/{name}", read_only=False)
        os.close(fd)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, f"{dev}/{name}")
    # multiprocessing needs a writable /dev/shm for its semaphores: a private, small one.
    os.makedirs(f"{dev}/shm")
    mount("tmpfs", f"{dev}/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=16m")
    os.makedirs(NEWROOT + "/proc")
    os.makedirs(NEWROOT + OLDROOT)


def enter() -> None:
    """In the PID namespace's init: mount its /proc, pivot into the new root, drop the old."""
    mount("proc", NEWROOT + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    os.chdir(NEWROOT)
    call("syscall", ctypes.c_long(155), b".", OLDROOT[1:].encode())  # pivot_root(".", ".oldroot")
    os.chdir("/")
    call("umount2", OLDROOT.encode(), MNT_DETACH)
    os.rmdir(OLDROOT)
    mount(None, "/", None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
