"""What a run may see and use: the runtime allowlist, the limits and the launcher's plan."""

from __future__ import annotations

import base64
import functools
import math
import os
import secrets
import site
import sys
from dataclasses import dataclass
from typing import Any

# The child's folder in the namespace modes, inside its private /tmp.
ISOLATED_WORKDIR = "/tmp/sandbox"
# Per-run uids far above any real account: concurrent runs cannot signal each other or
# share an RLIMIT_NPROC budget (which counts processes per uid).
UID_BASE = 1_800_000_000
UID_SPAN = 300_000_000
# The shared libraries the interpreter and its extension modules load.
SYSTEM_LIBS = ("/lib", "/lib64", "/usr/lib", "/usr/lib64", "/etc/ld.so.cache")
# Private /dev/shm of the namespace modes (see rootfs.py): counted in the memory total.
SHM_MB = 16


@dataclass(frozen=True)
class Limits:
    """Resource limits for one run: `memory_mb` is the total of all its processes."""

    memory_mb: int = 1024
    max_processes: int = 8
    max_file_mb: int = 16
    disk_mb: int = 64
    max_open_files: int = 256
    max_output_bytes: int = 1_000_000
    # The run's CPU share where it gets a cgroup (cpu.max): its CPU time is at most this
    # many seconds per second of its wall-clock timeout.
    cpus: float = 1.0
    # CPU seconds per process; by default a little over the wall-clock timeout, so a busy
    # loop ends as a timeout and the kernel's limit is the backstop if the parent stalls.
    cpu_s: int | None = None

    @property
    def process_memory_mb(self) -> int:
        """Private memory per process without a cgroup: the total over the process limit."""
        return max(self.memory_mb // self.max_processes, 32)


@functools.lru_cache(maxsize=1)
def allowlist() -> tuple[list[str], list[tuple[str, str]]]:
    """The runtime a child needs, read-only: real paths to expose, and the links leading there."""
    wanted = [sys.executable, *site.getsitepackages(), *SYSTEM_LIBS]
    for prefix, base in ((sys.prefix, sys.base_prefix), (sys.exec_prefix, sys.base_exec_prefix)):
        if prefix != base:
            wanted.append(prefix)  # a virtualenv: small, and its pyvenv.cfg must be found
        wanted.append(os.path.join(base, "lib"))  # the standard library and libpython
    links: list[tuple[str, str]] = []
    real: list[str] = []
    for path in wanted:
        if os.path.lexists(path):
            resolved = _follow(os.path.abspath(path), links)
            if os.path.exists(resolved):
                real.append(resolved)
    binds = [p for p in sorted(set(real)) if not any(_inside(p, o) for o in real if o != p)]
    kept = [(link, target) for link, target in dict(links).items()
            if not any(_inside(link, b) for b in binds)]
    return binds, kept


def _follow(path: str, links: list[tuple[str, str]]) -> str:
    """Resolve `path` one symlink at a time, recording each; return the link-free path."""
    for _ in range(40):
        parts = path.split("/")
        for i in range(2, len(parts) + 1):
            prefix = "/".join(parts[:i])
            if os.path.islink(prefix):
                target = os.readlink(prefix)
                links.append((prefix, target))
                rest = "/".join(parts[i:])
                path = os.path.normpath(os.path.join(os.path.dirname(prefix), target, rest))
                break
        else:
            return path
    return path


def _inside(path: str, folder: str) -> bool:
    """True when `path` is `folder` itself or below it."""
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def child_env(workdir: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """A minimal environment built from scratch: nothing of ours (no keys, no DATABASE_URL).

    Thread pools are pinned small: threads count against the process limit.
    """
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": workdir,
        "TMPDIR": workdir,
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "POLARS_MAX_THREADS": "1",
    }
    return env | (extra or {})


def build_plan(
    mode: str,
    argv: list[str],
    *,
    files: dict[str, bytes],
    workdir: str,
    timeout_s: float,
    limits: Limits,
    env_extra: dict[str, str] | None,
    report_fd: int | None,
    cgroup: str | None = None,
) -> dict[str, Any]:
    """The launcher's instructions (see launch.py) for one run in `mode`.

    With a `cgroup` (see cgroups.py) the kernel holds the run's total, so one process may
    use all of it; without, each process gets its share of the total.
    """
    throwaway = mode == "root" or (mode == "landlock" and os.geteuid() == 0)
    uid = UID_BASE + secrets.randbelow(UID_SPAN) if throwaway else None
    binds, links = allowlist() if mode != "none" else ([], [])
    binds, links = list(binds), list(links)
    return {
        "mode": mode,
        "parent_pid": os.getpid(),
        "uid": uid,
        "gid": uid,
        "workdir": workdir,
        "disk_mb": limits.disk_mb,
        "cgroup": cgroup,
        "binds": binds,
        "links": links,
        "limits": {
            "data": (limits.memory_mb if cgroup else limits.process_memory_mb) * 2**20,
            "cpu": limits.cpu_s or math.ceil(timeout_s) + 1,
            "nproc": limits.max_processes,
            "fsize": limits.max_file_mb * 2**20,
            "nofile": limits.max_open_files,
            "core": 0,
        },
        "argv": [sys.executable, *argv],
        "env": child_env(workdir, env_extra),
        "files": {name: base64.b64encode(data).decode() for name, data in files.items()},
        "report_fd": report_fd,
    }
