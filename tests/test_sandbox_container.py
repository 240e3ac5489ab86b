"""The sandbox inside our Docker image, emulated: uid 10001, no capabilities, Docker's seccomp.

No container engine runs on these machines, so the app's side (the tests' driver, which
calls the sandbox as the app does) starts through tests/container_emulation.py: Docker's
default seccomp profile loaded as runc loads it, every capability set empty, the Dockerfile's
uid. There user namespaces are refused, as in a real container, and the sandbox must still
isolate. The cases of test_sandbox.py, test_sandbox_escape.py and test_sandbox_cgroups.py that
take the `runner` fixture run there too (its `container-auto` mode: run_python, run_pytest, the
escapes, query_data); this module checks the emulation itself and what only it shows. A real
engine's namespaces, overlay root and cgroup are not part of it (see container_emulation.py).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from tests.container_emulation import CONTAINER_GID, CONTAINER_UID, emulated_argv
from tests.sandbox_support import MODES, Runner, grant_traverse

CONTAINER = [mode for mode in MODES if mode[2] == "container"]
in_the_container = pytest.mark.parametrize("runner", CONTAINER, ids=[m[0] for m in CONTAINER],
                                           indirect=True)

# What the emulated container itself allows, tried with raw system calls before any sandbox.
CONTAINER_PROBE = (
    "import ctypes, errno, json, socket\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    "def outcome(result):\n"
    "    return 'ok' if result >= 0 else errno.errorcode[ctypes.get_errno()]\n"
    "def sock(family):\n"
    "    try:\n"
    "        socket.socket(family, socket.SOCK_STREAM).close()\n"
    "        return 'ok'\n"
    "    except OSError as exc:\n"
    "        return errno.errorcode[exc.errno]\n"
    "status = dict(line.split(':', 1) for line in open('/proc/self/status'))\n"
    "print(json.dumps({\n"
    "    'status': {k: v.strip() for k, v in status.items()},\n"
    "    'unshare(CLONE_NEWUSER)': outcome(libc.unshare(0x10000000)),\n"
    "    'unshare(CLONE_NEWNS)': outcome(libc.unshare(0x00020000)),\n"
    "    'mount': outcome(libc.mount(b'none', b'/mnt', b'tmpfs', 0, None)),\n"
    "    'clone3': outcome(libc.syscall(435, None, 0)),\n"
    "    'landlock ABI': libc.syscall(444, None, 0, 1),\n"
    "    'personality(query)': outcome(libc.personality(ctypes.c_ulong(0xFFFFFFFF))),\n"
    "    'personality(ADDR_NO_RANDOMIZE)': outcome(libc.personality(ctypes.c_ulong(0x0040000))),\n"
    "    'socket(AF_VSOCK)': sock(40),\n"
    "    'socket(AF_INET)': sock(socket.AF_INET),\n"
    "}))\n"
)


def test_the_container_is_uid_10001_with_no_capabilities_under_dockers_profile() -> None:
    # The emulation itself, checked by what the kernel says and does: were the profile not
    # loaded (or its capability rules, errnos and argument conditions misread), unshare and
    # mount would not be refused, clone3 would not say ENOSYS, personality would not depend on
    # its argument and AF_VSOCK would not differ from AF_INET.
    if os.geteuid() != 0:
        pytest.skip("the emulated container starts as root and drops to uid 10001")
    grant_traverse(CONTAINER_UID, CONTAINER_GID)
    argv = emulated_argv([sys.executable, "-I", "-c", CONTAINER_PROBE])
    out = subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd="/")
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout)
    status = seen.pop("status")
    assert status["Uid"].split() == status["Gid"].split() == ["10001"] * 4
    assert status["Groups"] == ""
    assert {status[f"Cap{s}"] for s in ("Inh", "Prm", "Eff", "Bnd", "Amb")} == {"0" * 16}
    # Docker leaves no_new_privs off unless asked; the sandbox sets it itself.
    assert (status["Seccomp"], status["NoNewPrivs"]) == ("2", "0")
    assert seen.pop("landlock ABI") >= 1  # allowed by the profile since Docker 23
    assert seen == {"unshare(CLONE_NEWUSER)": "EPERM", "unshare(CLONE_NEWNS)": "EPERM",
                    "mount": "EPERM", "clone3": "ENOSYS", "personality(query)": "ok",
                    "personality(ADDR_NO_RANDOMIZE)": "EPERM", "socket(AF_VSOCK)": "EPERM",
                    "socket(AF_INET)": "ok"}


@in_the_container
def test_auto_picks_landlock_in_the_container_and_says_why(runner: Runner) -> None:
    status = runner.status()
    assert (status.available, status.network_isolated, status.mode) == (True, True, "landlock")
    assert status.reason.startswith("isolated: Landlock + seccomp")
    # Why not the stronger mode: the container's seccomp profile refused the user namespace.
    assert ("userns: namespaces refused ([Errno 1] unshare: Operation not permitted), as a "
            "container's default seccomp profile") in status.reason
    assert "per-process limits x process limit" in status.memory


@in_the_container
def test_the_network_is_refused_for_every_socket_family_in_the_container(runner: Runner) -> None:
    # A listener of the test's own on loopback, which the app's process can reach.
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        code = (
            "import socket, sys\n"
            "try:\n"
            "    socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=2).close()\n"
            "    print('connected')\n"
            "except OSError as exc:\n"
            "    print(type(exc).__name__)\n"
            "for family in ('AF_INET6', 'AF_UNIX', 'AF_NETLINK', 'AF_PACKET'):\n"
            "    try:\n"
            "        socket.socket(getattr(socket, family), socket.SOCK_DGRAM).close()\n"
            "        print(family, 'opened')\n"
            "    except OSError as exc:\n"
            "        print(family, type(exc).__name__)\n"
        )
        unisolated = runner.python(code, argv=[str(port)], mode="off", allow_unisolated=True)
        assert unisolated.stdout.splitlines()[0] == "connected"
        result = runner.python(code, argv=[str(port)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["PermissionError"] + [
        f"{family} PermissionError" for family in ("AF_INET6", "AF_UNIX", "AF_NETLINK",
                                                   "AF_PACKET")]
