"""Hostile code the sandbox tests run in every mode, and the host targets it goes after."""

from __future__ import annotations

import json
import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sandbox_support import Runner

CANARY = "mini-agent-canary-7f3a"
# Lists the run's environment variables, then tries every process's environ (the app's keys).
ENV_PROBE = (
    "import os, glob\n"
    "print(sorted(os.environ))\n"
    "for path in glob.glob('/proc/*/environ'):\n"
    "    try:\n"
    "        print(open(path, 'rb').read())\n"
    "    except OSError:\n"
    "        pass\n"
)
# For each path in argv[1] (comma-separated): connect to it if it is a socket, else read it.
REACH_PROBE = (
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
    """Listening unix sockets and canary files where a careless sandbox would expose them.

    Each lives in a folder this fixture makes (under /run, /var/lib, /srv, /opt, the app's
    working folder, TMPDIR and the data folder), open to every user, so only the sandbox
    stands between a run and them.
    """
    if os.geteuid() != 0:
        pytest.skip("placing canaries under /run, /var/lib, /srv and /opt needs root")
    folders = {name: Path(tempfile.mkdtemp(prefix="mini-agent-test-", dir=name))
               for name in ("/run", "/var/lib", "/srv", "/opt")}
    for folder in folders.values():
        folder.chmod(0o755)
    servers = []
    paths = []
    for folder in (folders["/run"], folders["/var/lib"], Path(host_env["cwd"]),
                   Path(host_env["TMPDIR"])):
        path = folder / "app.sock"
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        server.listen(64)  # connect() succeeds from the backlog; nobody needs to accept
        path.chmod(0o777)
        servers.append(server)
        paths.append(str(path))
    files = [folders["/srv"] / "canary.txt", folders["/opt"] / "canary.txt",
             folders["/var/lib"] / "canary.txt", Path(host_env["cwd"]) / ".env",
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
    for folder in folders.values():
        folder.rmdir()


def probe(runner: Runner, paths: list[str], **kwargs: object) -> dict[str, str]:
    """What REACH_PROBE reached of each path, run through `runner`."""
    result = runner.python(REACH_PROBE, argv=[",".join(paths)], **kwargs)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)
