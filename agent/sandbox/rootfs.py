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
from typing import Any

from filters import call  # launch.py puts its own folder on sys.path

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


def build(plan: dict[str, Any], owner: tuple[int, int]) -> None:
    """Build the new root at NEWROOT; `owner` (uid, gid inside) gets the private /tmp."""
    mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing we mount leaks back to the host
    # Handles first: the tmpfs below covers /tmp, where a runtime could live.
    sources = [(p, os.open(p, os.O_PATH | os.O_CLOEXEC)) for p in plan["binds"]]
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
