"""The sandbox inside our Docker image, emulated: uid 10001, no capabilities, Docker's seccomp.

No container engine runs on these machines, so the app's side (the tests' driver, which
calls the sandbox as the app does) starts through tests/container_emulation.py: Docker's
default seccomp profile loaded as runc loads it, every capability set empty, the Dockerfile's
uid. There user namespaces are refused, as in a real container, and the sandbox must still
isolate: these tests check that `auto` picks Landlock there, runs code and tests, holds
against the core escapes and serves `query_data`. A real engine's namespaces, overlay root
and cgroup are not part of it (see container_emulation.py).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.container_emulation import CONTAINER_GID, CONTAINER_UID, emulated_argv
from tests.sandbox_probes import CANARY, ENV_PROBE, probe
from tests.sandbox_support import Runner, grant_traverse, start_driver

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
    "    'socket(AF_VSOCK)': sock(40),\n"
    "    'socket(AF_INET)': sock(socket.AF_INET),\n"
    "}))\n"
)
BUGGY = "def mean(xs):\n    return sum(xs) / (len(xs) + 1)\n"
TESTS = (
    "from solution import mean\n"
    "def test_mean_of_three():\n"
    "    assert mean([1, 2, 6]) == 3\n"
    "def test_mean_of_one():\n"
    "    assert mean([4]) == 4\n"
)


@pytest.fixture(scope="module")
def container(host_env: dict[str, str]) -> Iterator[Runner]:
    """The app's side of the sandbox in the emulated container, mode left to `auto`."""
    if os.geteuid() != 0:
        pytest.skip("the emulated container starts as root and drops to uid 10001")
    grant_traverse(CONTAINER_UID, CONTAINER_GID)
    driver = start_driver(CONTAINER_UID, CONTAINER_GID, host_env, container=True)
    runner = Runner("docker-like", "auto", driver, CONTAINER_UID)
    yield runner
    runner.close()


def test_the_emulated_container_is_uid_10001_without_capabilities_under_dockers_profile(
        container: Runner) -> None:
    # The emulation itself, checked by what the kernel says and does: were the profile not
    # loaded, root's unshare and mount would succeed here, and clone3 would not say ENOSYS.
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
                    "mount": "EPERM", "clone3": "ENOSYS", "socket(AF_VSOCK)": "EPERM",
                    "socket(AF_INET)": "ok"}


def test_auto_picks_landlock_in_the_container_and_says_why(container: Runner) -> None:
    status = container.status()
    assert (status.available, status.network_isolated, status.mode) == (True, True, "landlock")
    assert status.reason.startswith("isolated: Landlock + seccomp")
    # Why not the stronger mode: the container's seccomp profile refused the user namespace.
    assert ("userns: namespaces refused ([Errno 1] unshare: Operation not permitted), as a "
            "container's default seccomp profile") in status.reason
    assert "per-process limits x process limit" in status.memory


def test_run_python_runs_code_with_its_files_in_the_container(container: Runner) -> None:
    code = "import sys, helper\nprint(helper.double(21), sys.argv[1:])\n"
    result = container.python(code, files={"helper.py": "def double(x):\n    return 2 * x\n"},
                              argv=["--fast"])
    assert (result.stdout, result.stderr, result.exit_code) == ("42 ['--fast']\n", "", 0)
    assert result.isolated


def test_run_pytest_finds_the_planted_bug_then_passes_once_fixed_in_the_container(
        container: Runner) -> None:
    buggy = container.pytest(BUGGY, TESTS)
    assert {c.name: c.outcome for c in buggy.cases} == {"test_mean_of_three": "failed",
                                                        "test_mean_of_one": "failed"}
    assert buggy.summary.startswith("2 failed in ")
    fixed = container.pytest(BUGGY.replace("(len(xs) + 1)", "len(xs)"), TESTS)
    assert fixed.passed and fixed.summary.startswith("2 passed in ")


def test_no_host_unix_socket_or_canary_file_is_reachable_from_the_container(
        container: Runner, targets: list[str]) -> None:
    # The app's own uid reaches every target: only the sandbox keeps the run from them.
    unisolated = probe(container, targets, mode="off", allow_unisolated=True)
    assert unisolated == {p: "connected" if p.endswith(".sock") else CANARY for p in targets}
    reached = probe(container, targets)
    assert set(reached) == set(targets)
    assert CANARY not in json.dumps(reached)
    assert set(reached.values()) <= {"FileNotFoundError", "PermissionError"}, reached


def test_the_network_is_refused_for_every_socket_family_in_the_container(
        container: Runner) -> None:
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
        unisolated = container.python(code, argv=[str(port)], mode="off",
                                      allow_unisolated=True)
        assert unisolated.stdout.splitlines()[0] == "connected"
        result = container.python(code, argv=[str(port)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["PermissionError"] + [
        f"{family} PermissionError" for family in ("AF_INET6", "AF_UNIX", "AF_NETLINK",
                                                   "AF_PACKET")]


def test_the_apps_process_can_be_neither_signalled_nor_read_from_the_container(
        container: Runner) -> None:
    app = container.driver.pid  # the app's side: the same uid as the run
    code = (
        "import os, signal, sys\n"
        "app = int(sys.argv[1])\n"
        "for name, attempt in (('kill', lambda: os.kill(app, 0)),\n"
        "                      ('stop', lambda: os.kill(app, signal.SIGSTOP)),\n"
        "                      ('environ', lambda: open(f'/proc/{app}/environ', 'rb').read())):\n"
        "    try:\n"
        "        print(name, attempt())\n"
        "    except OSError as exc:\n"
        "        print(name, type(exc).__name__)\n"
    )
    # The same uid could signal it, unisolated (signal 0 only checks that it could).
    unisolated = container.python("import os, sys\nos.kill(int(sys.argv[1]), 0)\nprint('may')",
                                  argv=[str(app)], mode="off", allow_unisolated=True)
    assert (unisolated.stdout, unisolated.exit_code) == ("may\n", 0)
    lines = container.python(code, argv=[str(app)]).stdout.splitlines()
    assert lines == ["kill PermissionError", "stop PermissionError",
                     "environ PermissionError"], lines
    assert container.python("print(1)").stdout == "1\n"  # the app still answers


def test_a_background_process_is_killed_when_the_run_ends_in_the_container(
        container: Runner) -> None:
    code = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(120)\n"
        "    os._exit(0)\n"
        "time.sleep(0.3)\n"
        "print('left one behind', flush=True)\n"
    )
    result = container.python(code, timeout_s=10)
    assert result.stdout == "left one behind\n"
    assert container.leftovers() == []


def test_no_secret_of_the_apps_environment_reaches_a_run_in_the_container(
        container: Runner) -> None:
    result = container.python(ENV_PROBE)
    assert result.exit_code == 0, result.stderr
    assert "secret" not in result.stdout and "OPENAI_API_KEY" not in result.stdout


def test_query_data_answers_and_reads_nothing_else_in_the_container(
        container: Runner, host_env: dict[str, str]) -> None:
    upload = Path(host_env["MINI_AGENT_DATA_DIR"]) / "container-query.csv"
    upload.write_text("city,sales\nLyon,10\nOslo,32\nLyon,5\n")
    upload.chmod(0o600)  # as uploads are stored: for the app's user only
    os.chown(upload, CONTAINER_UID, CONTAINER_GID)
    try:
        sql = "SELECT city, sum(sales) AS total FROM data GROUP BY city ORDER BY city"
        assert container.query(str(upload), sql) == {"rows": [["Lyon", 15], ["Oslo", 32]]}
        refused = container.query(str(upload), "SELECT * FROM read_csv('/etc/passwd')")
        assert refused["refused"].startswith("DuckDB refused the query: Permission Error")
    finally:
        upload.unlink()
