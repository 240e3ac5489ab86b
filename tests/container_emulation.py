"""Run a command as our Docker image's app would run: uid 10001, no capabilities, Docker's seccomp.

No container engine can run on the test machines, so the tests start the app's side of the
sandbox through this script instead (as root): `python -I container_emulation.py UID GID --
ARGV...`. It does what runc does for `docker compose up` of the shipped docker-compose.yml
(no `privileged`, no `cap_add`, the Dockerfile's `USER 10001`), in runc's order:

1. Load Docker's default seccomp profile (tests/data/docker-default-seccomp.json) with
   libseccomp, while still privileged and without no_new_privs, as runc does when the
   container does not ask for no-new-privileges (Docker's default). The profile is read as
   Docker and runc read it: its default action and errno, every rule's action, errno and
   argument conditions, the rules a capability includes or excludes judged against no
   capabilities at all, the architecture and its sub-architectures, minKernel; names
   libseccomp does not know are skipped.
2. Empty the bounding and ambient sets, drop supplementary groups, become UID:GID (which
   empties the permitted and effective sets), empty the inheritable set.
3. Check all of that in /proc/self/status, then exec ARGV.

What it does not emulate: the container's own mount, PID, network, IPC and UTS namespaces, its
overlay root and masked /proc paths, its cgroup, and runc's stub that makes system calls newer
than the profile fail with ENOSYS instead of EPERM. The README's sandbox section says so.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import platform
import sys
from pathlib import Path

# Docker's default profile, vendored byte for byte from moby/moby's profiles/seccomp/default.json
# at commit 00f3d189e420d485e42d15fe494f96d272284e0e (generated from default_linux.go there):
# Landlock allowed, socket(AF_VSOCK) refused, io_uring still allowed (later releases refuse it,
# as the sandbox's own filter does).
PROFILE = Path(__file__).with_name("data") / "docker-default-seccomp.json"
# The Dockerfile's `useradd --uid 10001 miniagent`.
CONTAINER_UID = CONTAINER_GID = 10001

SCMP_ACT_ALLOW = 0x7FFF0000
SCMP_ACT_ERRNO = 0x00050000
SCMP_FLTATR_CTL_NNP = 3
SCMP_ARCHES = {"SCMP_ARCH_X86_64": 0xC000003E, "SCMP_ARCH_X86": 0x40000003,
               "SCMP_ARCH_X32": 0x4000003E, "SCMP_ARCH_AARCH64": 0xC00000B7,
               "SCMP_ARCH_ARM": 0x40000028}
SCMP_OPS = {"SCMP_CMP_NE": 1, "SCMP_CMP_LT": 2, "SCMP_CMP_LE": 3, "SCMP_CMP_EQ": 4,
            "SCMP_CMP_GE": 5, "SCMP_CMP_GT": 6, "SCMP_CMP_MASKED_EQ": 7}
# The profile's names for this machine: archMap's `architecture`, and the `arches` that
# `includes`/`excludes` list (Go's GOARCH spelling).
NATIVE = {"x86_64": ("SCMP_ARCH_X86_64", "amd64"), "aarch64": ("SCMP_ARCH_AARCH64", "arm64")}
EPERM = 1
# What libseccomp resolves an unknown name to (other negative numbers name system calls that
# exist only on another architecture, such as x86's chown32: those rules are kept).
NR_SCMP_ERROR = -1
PR_CAPBSET_DROP = 24
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
CAP_FIELDS = ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")


class _ArgCmp(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int), ("datum_a", ctypes.c_uint64),
                ("datum_b", ctypes.c_uint64)]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def emulated_argv(argv: list[str], uid: int = CONTAINER_UID, gid: int = CONTAINER_GID
                  ) -> list[str]:
    """The command line that runs `argv` in the emulated container (start it as root)."""
    return [sys.executable, "-I", str(Path(__file__).resolve()), str(uid), str(gid), "--", *argv]


def _kernel_at_least(version: str) -> bool:
    wanted = tuple(int(part) for part in version.split("."))
    running = tuple(int(part) for part in platform.release().split("-")[0].split(".")[:2])
    return running >= wanted


def _applies(rule: dict, arch: str) -> bool:
    """Whether Docker would keep `rule` for a container with no capabilities on `arch`."""
    includes, excludes = rule.get("includes") or {}, rule.get("excludes") or {}
    if includes.get("caps"):  # a capability this container does not have
        return False
    if includes.get("arches") and arch not in includes["arches"]:
        return False
    if includes.get("minKernel") and not _kernel_at_least(includes["minKernel"]):
        return False
    # excludes.caps: excluded only when the container has one of them; it has none.
    return arch not in (excludes.get("arches") or [])


def _action(name: str, errno: int | None, default_errno: int) -> int:
    if name == "SCMP_ACT_ALLOW":
        return SCMP_ACT_ALLOW
    if name == "SCMP_ACT_ERRNO":
        return SCMP_ACT_ERRNO | ((default_errno if errno is None else errno) & 0xFFFF)
    raise ValueError(f"this emulation does not know the seccomp action {name}")


def load_profile(path: Path = PROFILE) -> None:
    """Build the profile's filter with libseccomp and load it into this process."""
    lib = ctypes.CDLL(ctypes.util.find_library("seccomp") or "libseccomp.so.2")
    ctx_t = ctypes.c_void_p
    for name, argtypes in (
            ("seccomp_init", [ctypes.c_uint32]),
            ("seccomp_attr_set", [ctx_t, ctypes.c_int, ctypes.c_uint32]),
            ("seccomp_arch_add", [ctx_t, ctypes.c_uint32]),
            ("seccomp_syscall_resolve_name", [ctypes.c_char_p]),
            ("seccomp_rule_add_array", [ctx_t, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint,
                                        ctypes.POINTER(_ArgCmp)]),
            ("seccomp_load", [ctx_t]),
            ("seccomp_release", [ctx_t])):
        getattr(lib, name).argtypes = argtypes
    lib.seccomp_init.restype = ctx_t
    profile = json.loads(path.read_text())
    scmp_arch, arch = NATIVE[platform.machine()]
    default_errno = profile.get("defaultErrnoRet", EPERM)
    default = _action(profile["defaultAction"], None, default_errno)
    ctx = lib.seccomp_init(default)
    if not ctx:
        raise OSError("seccomp_init failed")

    def check(rc: int, what: str) -> None:
        if rc < 0:
            raise OSError(-rc, f"{what}: {os.strerror(-rc)}")

    try:
        # runc leaves no_new_privs alone unless the container asks for it; Docker does not.
        check(lib.seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0), "seccomp_attr_set")
        for entry in profile["archMap"]:
            if entry["architecture"] == scmp_arch:
                for sub in entry["subArchitectures"] or []:
                    check(lib.seccomp_arch_add(ctx, SCMP_ARCHES[sub]), f"arch {sub}")
        for rule in profile["syscalls"]:
            if not _applies(rule, arch):
                continue
            action = _action(rule["action"], rule.get("errnoRet"), default_errno)
            if action == default:
                continue  # libseccomp refuses a rule that repeats the default; runc skips it
            args = rule.get("args") or []
            # Conditions on different arguments must all hold (one rule); two on the same
            # argument make one rule each, either of which matches, as runc does.
            same_arg_twice = len({a["index"] for a in args}) < len(args)
            for group in ([a] for a in args) if same_arg_twice else [args]:
                conditions = (_ArgCmp * len(group))(*(
                    _ArgCmp(a["index"], SCMP_OPS[a["op"]], a["value"], a.get("valueTwo", 0))
                    for a in group))
                for name in rule["names"]:
                    nr = lib.seccomp_syscall_resolve_name(name.encode())
                    if nr == NR_SCMP_ERROR:
                        continue  # unknown to this libseccomp: Docker skips it too
                    check(lib.seccomp_rule_add_array(ctx, action, nr, len(group), conditions),
                          name)
        check(lib.seccomp_load(ctx), "seccomp_load")
    finally:
        lib.seccomp_release(ctx)


def drop_to(uid: int, gid: int) -> None:
    """Become uid:gid with no groups and every capability set empty."""
    libc = ctypes.CDLL(None, use_errno=True)

    def call(name: str, *args: object) -> None:
        if getattr(libc, name)(*args) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"{name}: {os.strerror(err)}")

    last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    for cap in range(last + 1):
        call("prctl", PR_CAPBSET_DROP, cap, 0, 0, 0)
    call("prctl", PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)  # from root to another uid: permitted and effective go
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3: two _CapData
    call("capset", ctypes.byref(header), ctypes.byref((_CapData * 2)()))


def status_fields() -> dict[str, str]:
    """This process's /proc/self/status, as name -> value."""
    lines = Path("/proc/self/status").read_text().splitlines()
    return {k: v.strip() for k, v in (line.split(":", 1) for line in lines if ":" in line)}


def main() -> None:
    """Enter the emulated container, check it, and exec the command."""
    uid, gid, sep, *argv = sys.argv[1:]
    if sep != "--" or not argv:
        sys.exit("usage: container_emulation.py UID GID -- ARGV...")
    load_profile()
    drop_to(int(uid), int(gid))
    fields = status_fields()
    leftover = {k: fields[k] for k in CAP_FIELDS if int(fields[k], 16)}
    if leftover or fields["Uid"].split() != [uid] * 4 or fields["Seccomp"] != "2":
        sys.exit(f"the emulated container is not what it should be: {fields}")
    os.execv(argv[0], argv)


if __name__ == "__main__":
    main()
