"""Escape attempts in every mode: host unix sockets, canary files, leftovers, memory totals.

Each target is first shown reachable without the sandbox, by the same user, so a pass
means the sandbox stopped it, not the file permissions.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.sandbox import Limits
from tests.sandbox_support import Runner

CANARY = "mini-agent-canary-7f3a"
PROBE = (
    "import json, socket, sys\n"
    "out = {}\n"
    "for path in sys.argv[1].split(','):\n"
    "    try:\n"
    "        if path.endswith('.sock'):\n"
    "            s = socket.socket(socket.AF_UNIX)\n"
    "            s.settimeout(2)\n"
    "            s.connect(path)\n"
    "            out[path] = 'connected'\n"
    "        else:\n"
    "            out[path] = open(path).read()\n"
    "    except OSError as exc:\n"
    "        out[path] = type(exc).__name__\n"
    "print(json.dumps(out))\n"
)


@pytest.fixture(scope="module")
def targets(host_env: dict[str, str]) -> Iterator[list[str]]:
    """Listening unix sockets and canary files where a careless sandbox would expose them."""
    if os.geteuid() != 0:
        pytest.skip("placing canaries under /run, /var/lib, /srv and /opt needs root")
    made: list[Path] = []
    folders = [Path("/run"), Path("/var/lib"), Path("/srv"), Path("/opt")]
    base = {f: f / f"mini-agent-test-{os.getpid()}" for f in folders}
    for folder in base.values():
        folder.mkdir(mode=0o755, exist_ok=True)
        made.append(folder)
    servers = []
    paths = []
    for folder in (base[Path("/run")], base[Path("/var/lib")], Path(host_env["cwd"]),
                   Path(host_env["TMPDIR"])):
        path = folder / "app.sock"
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        server.listen(64)  # connect() succeeds from the backlog; nobody needs to accept
        path.chmod(0o777)
        servers.append(server)
        paths.append(str(path))
    files = [base[Path("/srv")] / "canary.txt", base[Path("/opt")] / "canary.txt",
             base[Path("/var/lib")] / "canary.txt", Path(host_env["cwd"]) / ".env",
             Path(host_env["MINI_AGENT_DATA_DIR"]) / "canary.txt"]
    for path in files:
        path.write_text(CANARY)
        path.chmod(0o644)
        paths.append(str(path))
    yield paths
    for server in servers:
        server.close()
    for path in map(Path, paths):
        path.unlink(missing_ok=True)
    for folder in made:
        folder.rmdir()


def probe(runner: Runner, paths: list[str], **kwargs: object) -> dict[str, str]:
    """What the probe reached of each path, run through `runner`."""
    result = runner.python(PROBE, argv=[",".join(paths)], **kwargs)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_every_target_is_reachable_without_the_sandbox(runner: Runner, targets: list[str]
                                                       ) -> None:
    reached = probe(runner, targets, mode="off", allow_unisolated=True)
    assert reached == {p: "connected" if p.endswith(".sock") else CANARY for p in targets}


def test_no_host_unix_socket_can_be_reached(runner: Runner, targets: list[str]) -> None:
    sockets = [p for p in targets if p.endswith(".sock")]
    reached = probe(runner, sockets)
    assert set(reached) == set(sockets)
    assert all(outcome in ("FileNotFoundError", "PermissionError")
               for outcome in reached.values()), reached


def test_no_canary_file_can_be_read(runner: Runner, targets: list[str]) -> None:
    files = [p for p in targets if not p.endswith(".sock")]
    reached = probe(runner, files)
    assert set(reached) == set(files)
    assert CANARY not in json.dumps(reached)
    assert all(outcome in ("FileNotFoundError", "PermissionError")
               for outcome in reached.values()), reached


def test_a_background_process_does_not_outlive_the_run(runner: Runner) -> None:
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
    result = runner.python(code, timeout_s=10)
    assert result.stdout == "left one behind\n"
    assert runner.leftovers() == []


def test_six_processes_of_400_mb_stay_within_the_runs_total(runner: Runner) -> None:
    code = (
        "import os\n"
        "read, write = os.pipe()\n"
        "for _ in range(6):\n"
        "    if os.fork() == 0:\n"
        "        held, got = [], 0\n"
        "        try:\n"
        "            while got < 400:\n"
        "                held.append(bytearray(16 * 2**20))\n"
        "                got += 16\n"
        "        except MemoryError:\n"
        "            pass\n"
        "        os.write(write, f'{got}\\n'.encode())\n"
        "        os._exit(0)\n"
        "for _ in range(6):\n"
        "    os.wait()\n"
        "os.close(write)\n"
        "print(sum(map(int, os.read(read, 4096).split())))\n"
    )
    limits = Limits()
    result = runner.python(code, timeout_s=20, limits=limits)
    assert result.exit_code == 0, result.stderr
    assert 0 < int(result.stdout) <= limits.memory_mb < 6 * 400
