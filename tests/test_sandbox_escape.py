"""Escape attempts in every mode: host unix sockets, canary files, leftovers, memory totals.

Each target is first shown reachable without the sandbox, by the same user, so a pass
means the sandbox stopped it, not the file permissions.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
import time
from pathlib import Path

from agent.sandbox import Limits
from tests.sandbox_probes import CANARY, ENV_PROBE, probe
from tests.sandbox_support import Runner


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


def test_the_apps_process_can_be_neither_signalled_nor_read(runner: Runner) -> None:
    app = runner.driver.pid
    code = (
        "import os, sys\n"
        "app = int(sys.argv[1])\n"
        "for name, attempt in (('kill', lambda: os.kill(app, 0)),\n"
        "                      ('environ', lambda: open(f'/proc/{app}/environ', 'rb').read()),\n"
        "                      ('listed', lambda: str(app) in os.listdir('/proc'))):\n"
        "    try:\n"
        "        print(name, attempt())\n"
        "    except OSError as exc:\n"
        "        print(name, type(exc).__name__)\n"
    )
    unisolated = runner.python(code, argv=[str(app)], mode="off", allow_unisolated=True)
    assert unisolated.stdout.splitlines()[0] == "kill None"  # the same user could, unisolated
    lines = runner.python(code, argv=[str(app)]).stdout.splitlines()
    assert lines[0] in ("kill ProcessLookupError", "kill PermissionError"), lines
    assert lines[1] in ("environ FileNotFoundError", "environ PermissionError"), lines
    assert lines[2] in ("listed False", "listed PermissionError"), lines


def test_the_hosts_tmp_tmpdir_and_dev_shm_are_out_of_reach(runner: Runner,
                                                           host_env: dict[str, str]) -> None:
    tag = f"mini-agent-test-{os.getpid()}-{runner.name}"
    canaries = [Path("/tmp") / f"{tag}.txt", Path("/dev/shm") / f"{tag}.txt",
                Path(host_env["TMPDIR"]) / f"{tag}.txt"]
    for path in canaries:
        path.write_text(CANARY)
        path.chmod(0o644)
    code = (
        "import sys\n"
        "for path in sys.argv[1:]:\n"
        "    for attempt in (lambda: open(path).read(), lambda: open(path + '.new', 'w')):\n"
        "        try:\n"
        "            print(attempt())\n"
        "        except OSError as exc:\n"
        "            print(type(exc).__name__)\n"
    )
    try:
        paths = [str(p) for p in canaries]
        unisolated = runner.python(code, argv=paths, mode="off", allow_unisolated=True)
        assert unisolated.stdout.count(CANARY) == len(canaries)
        for path in canaries:
            Path(f"{path}.new").unlink()
        result = runner.python(code, argv=paths)
        assert result.exit_code == 0, result.stderr
        assert CANARY not in result.stdout
        assert not any(Path(f"{path}.new").exists() for path in canaries)
    finally:
        for path in canaries:
            path.unlink()
            Path(f"{path}.new").unlink(missing_ok=True)


def test_no_secret_of_the_apps_environment_reaches_the_run(runner: Runner) -> None:
    unisolated = runner.python(ENV_PROBE, mode="off", allow_unisolated=True)
    # Even unisolated, a run starts from a fresh environment (though as root it may read
    # every other process's: the sandbox's /proc is what keeps those out).
    assert "OPENAI_API_KEY" not in unisolated.stdout.splitlines()[0]
    result = runner.python(ENV_PROBE)
    assert result.exit_code == 0, result.stderr
    assert "secret" not in result.stdout and "OPENAI_API_KEY" not in result.stdout


def test_the_run_is_first_in_line_for_the_oom_killer_in_every_mode(runner: Runner) -> None:
    # Read from outside: a Landlock run may not read /proc at all.
    seen: list[str] = []

    def watch() -> None:
        deadline = time.monotonic() + 8
        while not seen and time.monotonic() < deadline:
            for launcher in runner_children(runner.driver.pid):
                for child in runner_children(launcher):
                    with contextlib.suppress(OSError):
                        seen.append(Path(f"/proc/{child}/oom_score_adj").read_text().strip())
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    runner.python("import time\ntime.sleep(3)\n", timeout_s=10)
    watcher.join()
    assert seen and set(seen) == {"1000"}


def runner_children(pid: int) -> list[int]:
    """The children of `pid`, read from /proc."""
    found = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            found += [int(p) for p in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    return found


def test_a_worker_sees_the_one_file_it_is_lent_and_its_spill_folder_only(
        runner: Runner, host_env: dict[str, str]) -> None:
    # As the DuckDB worker gets an upload: a file only the app's user may read (mode 0600)
    # in the data folder, beside other users' uploads.
    data = Path(host_env["MINI_AGENT_DATA_DIR"]) / f"uploads-{runner.name}"
    mine, theirs, spill = data / "a" / "mine.csv", data / "b" / "theirs.csv", data / "spill"
    for path, text in ((mine, "x,y\n1,2\n"), (theirs, CANARY)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(0o600)
    spill.mkdir()
    for path in (data, mine.parent, theirs.parent, mine, theirs, spill):
        os.chown(path, runner.uid, runner.uid if runner.uid else 0)
    source = (
        "import os, sys\n"
        "mine, theirs, spill = sys.argv[1:]\n"
        "print(open(mine).read().replace('\\n', '|'))\n"
        "open(os.path.join(spill, 'part.tmp'), 'w').write('spilled')\n"
        "for attempt in (lambda: open(theirs).read(), lambda: os.listdir(os.path.dirname(mine)),\n"
        "                lambda: open('/etc/passwd').read(), lambda: open(mine, 'a')):\n"
        "    try:\n"
        "        print(attempt())\n"
        "    except OSError as exc:\n"
        "        print(type(exc).__name__)\n"
    )
    try:
        result = runner.worker(source, [str(mine), str(theirs), str(spill)], files={},
                               read_only=[str(mine)], writable=[str(spill)], timeout_s=10,
                               limits=Limits())
        lines = result.stdout.splitlines()
        assert lines[0] == "x,y|1,2|", result.stderr
        assert (spill / "part.tmp").read_text() == "spilled"
        assert CANARY not in result.stdout
        denied = ("FileNotFoundError", "PermissionError", "OSError")
        assert len(lines) == 5 and {lines[1], *lines[3:]} <= set(denied), lines
        # Its folder is denied, or (in a fresh root) holds nothing but the lent file.
        assert lines[2] in (*denied, "['mine.csv']"), lines
        assert mine.read_text() == "x,y\n1,2\n"
    finally:
        shutil.rmtree(data)


def test_duckdb_queries_an_upload_in_every_mode_and_reads_nothing_else(
        runner: Runner, host_env: dict[str, str]) -> None:
    upload = Path(host_env["MINI_AGENT_DATA_DIR"]) / f"query-{runner.name}.csv"
    upload.write_text("a,b\n1,x\n2,y\n")
    upload.chmod(0o600)  # as uploads are stored: for the app's user only
    os.chown(upload, runner.uid, runner.uid if runner.uid else 0)
    try:
        answer = runner.query(str(upload), "SELECT sum(a) AS total, count(*) AS n FROM data")
        assert answer == {"rows": [[3.0, 2]]}, answer
        refused = runner.query(str(upload), "SELECT * FROM read_csv('/etc/passwd')")
        assert refused["refused"].startswith("DuckDB refused the query: Permission Error")
    finally:
        upload.unlink()
