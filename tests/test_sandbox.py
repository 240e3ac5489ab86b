"""The sandbox against real hostile code: each case must be contained and leave the app fine."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

import agent.sandbox as sandbox
from agent.sandbox import (
    Limits,
    RunResult,
    SandboxStatus,
    SandboxUnavailable,
    run_python,
    sandbox_status,
)
from tests.sandbox_probes import ENV_PROBE
from tests.sandbox_support import Runner

PROJECT = Path(__file__).resolve().parents[1]
ENV_NAMES = "['HOME', 'LANG', 'OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'PATH', " \
    "'POLARS_MAX_THREADS', 'TMPDIR']\n"


def assert_still_fine(runner: Runner) -> None:
    """The app can run a trivial sandbox right after a hostile one, quickly, leaving nothing."""
    start = time.monotonic()
    result = runner.python("print(1)")
    assert (result.stdout, result.exit_code) == ("1\n", 0)
    assert time.monotonic() - start < 3
    assert runner.leftovers() == []


def test_this_machine_picks_root_namespaces_first() -> None:
    status = sandbox_status()
    assert (status.available, status.network_isolated, status.mode) == (True, True, "root")
    assert "per-process limits x process limit: 8 processes x 128 MB" in status.memory


def test_each_mode_says_what_it_is_and_which_memory_total_applies(runner: Runner) -> None:
    status = runner.status()
    expected = {"root-namespaces": "root", "user-namespaces": "userns",
                "user-landlock": "landlock", "container-auto": "landlock"}[runner.name]
    assert status.available and status.mode == expected
    assert "isolated: " in status.reason and "cgroup" in status.memory


def test_print_one_prints_one_and_exits_zero(runner: Runner) -> None:
    result = runner.python("print(1)")
    assert (result.stdout, result.stderr, result.exit_code) == ("1\n", "", 0)
    assert result.isolated and not result.timed_out and not result.truncated


def test_a_syntax_error_exits_one_with_the_traceback_in_stderr(runner: Runner) -> None:
    result = runner.python("def broken(:\n    pass\n")
    assert result.exit_code == 1
    assert 'File "main.py", line 1' in result.stderr
    assert "SyntaxError" in result.stderr


def test_files_and_argv_reach_the_code(runner: Runner) -> None:
    code = "import sys, helper\nprint(helper.VALUE, sys.argv[1:], open('data/in.txt').read())"
    result = runner.python(
        code, files={"helper.py": "VALUE = 42\n", "data/in.txt": b"hi"}, argv=["-x", "y"]
    )
    assert result.stdout == "42 ['-x', 'y'] hi\n"


@pytest.mark.parametrize("name", ["/etc/passwd", "../escape.py", "main.py"])
def test_file_names_that_leave_the_folder_are_rejected(name: str) -> None:
    with pytest.raises(ValueError, match="invalid sandbox file name"):
        run_python("pass", files={name: "x"})


def test_the_temp_folder_is_fresh_and_gone_afterwards(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    # Runs here get their folders in a temp folder of this test's own, so other runs on
    # the machine (parallel test sessions) cannot pass for leftovers of these.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    before = set(os.listdir(tempfile.gettempdir()))
    first = run_python("import os\nopen('left.txt', 'w').write('x')\nprint(os.getcwd())")
    cwd = first.stdout.strip()
    second = run_python("import os\nprint(os.listdir('.'))")
    assert first.exit_code == 0
    assert "left.txt" not in second.stdout
    assert not os.path.exists(os.path.join(cwd, "left.txt"))
    assert set(os.listdir(tempfile.gettempdir())) - before == set()


def test_a_fork_bomb_is_contained(runner: Runner) -> None:
    bomb = "import os\nwhile 1:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    result = runner.python(bomb, timeout_s=2)
    assert result.timed_out and result.killed_reason == "timeout"
    assert_still_fine(runner)


def test_children_that_escape_the_process_group_still_die(runner: Runner) -> None:
    code = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    time.sleep(60)\n"
        "print('parent done', flush=True)\n"
    )
    result = runner.python(code, timeout_s=5)
    assert result.stdout == "parent done\n" and result.exit_code == 0
    assert_still_fine(runner)


def test_a_busy_loop_times_out_on_the_wall_clock(runner: Runner) -> None:
    start = time.monotonic()
    result = runner.python("while True:\n    pass\n", timeout_s=1)
    assert result.timed_out and result.killed_reason == "timeout"
    assert time.monotonic() - start < 3
    assert_still_fine(runner)


def test_the_cpu_limit_kills_a_busy_loop(runner: Runner) -> None:
    result = runner.python("while True:\n    pass\n", timeout_s=10, limits=Limits(cpu_s=1))
    assert not result.timed_out
    assert result.killed_reason == "cpu_time"
    assert_still_fine(runner)


def test_allocating_ten_gigabytes_fails_and_is_reported(runner: Runner) -> None:
    result = runner.python("data = bytearray(10 * 2**30)\n")
    assert result.exit_code == 1 and "MemoryError" in result.stderr
    assert result.killed_reason == "memory"
    assert_still_fine(runner)


def test_printing_a_gigabyte_is_truncated_and_returns_quickly(runner: Runner) -> None:
    start = time.monotonic()
    flood = "import sys\nfor _ in range(2**14):\n    sys.stdout.write('x' * 2**16)\n"
    result = runner.python(flood)
    assert result.truncated and result.killed_reason == "output_limit"
    assert len(result.stdout) == Limits().max_output_bytes
    assert time.monotonic() - start < 5
    assert_still_fine(runner)


def test_writing_a_huge_file_hits_the_file_size_limit(runner: Runner) -> None:
    code = "open('big', 'wb').write(b'x' * (64 * 2**20))\n"
    result = runner.python(code, limits=Limits(max_file_mb=1))
    assert result.exit_code == 1 and "File too large" in result.stderr
    assert_still_fine(runner)


def test_secrets_in_our_environment_are_not_visible(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:pw-secret@127.0.0.1/db")
    result = run_python(ENV_PROBE)
    assert result.stdout.startswith(ENV_NAMES)
    assert "secret" not in result.stdout


@pytest.mark.parametrize(
    "target",
    [
        str(PROJECT / "sandbox-escape.txt"),
        "/root/sandbox-escape.txt",
        os.path.join(tempfile.gettempdir(), "sandbox-escape.txt"),
        "/var/tmp/sandbox-escape.txt",
    ],
)
def test_writing_outside_its_folder_fails(target: str) -> None:
    result = run_python(f"open({target!r}, 'w').write('pwned')\n")
    assert not os.path.exists(target)
    if not target.startswith("/tmp/"):  # the sandbox's /tmp is its own, and writable
        assert result.exit_code == 1
        refusals = ("PermissionError", "FileNotFoundError", "Read-only file system")
        assert any(refusal in result.stderr for refusal in refusals)


def test_multiprocessing_works_on_a_private_dev_shm() -> None:
    code = (
        "import multiprocessing\n"
        "open('/dev/shm/sandbox-escape.txt', 'w').write('x')\n"
        "with multiprocessing.Pool(2) as pool:\n"
        "    print(pool.map(abs, [-1, -2]))\n"
    )
    result = run_python(code)
    assert (result.stdout, result.exit_code) == ("[1, 2]\n", 0)
    assert not os.path.exists("/dev/shm/sandbox-escape.txt")


def test_the_project_files_are_hidden(runner: Runner) -> None:
    result = runner.python(f"import os\nprint(os.listdir({str(PROJECT)!r}))\n")
    assert "config.py" not in result.stdout and "README.md" not in result.stdout


def test_the_apps_postgres_is_unreachable(runner: Runner) -> None:
    code = "import socket\nsocket.create_connection(('127.0.0.1', 5432), timeout=2)\n"
    result = runner.python(code)
    assert result.exit_code == 1
    assert "Network is unreachable" in result.stderr or "PermissionError" in result.stderr
    assert_still_fine(runner)


def test_ctypes_cannot_raise_limits_regain_root_or_make_namespaces(runner: Runner) -> None:
    code = (
        "import ctypes, resource\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "class RLimit(ctypes.Structure):\n"
        "    _fields_ = [('cur', ctypes.c_ulong), ('max', ctypes.c_ulong)]\n"
        "big = RLimit(2**62, 2**62)\n"
        "for res in (resource.RLIMIT_DATA, resource.RLIMIT_NPROC, resource.RLIMIT_CPU):\n"
        "    print(libc.setrlimit(res, ctypes.byref(big)), ctypes.get_errno())\n"
        "print(libc.setuid(0), ctypes.get_errno())\n"
        "print(libc.unshare(0x10000000), ctypes.get_errno())\n"
        "print(libc.mount(b'none', b'/tmp', b'tmpfs', 0, None), ctypes.get_errno())\n"
        "bytearray(2 * 2**30)\n"
    )
    result = runner.python(code)
    # EPERM everywhere; setuid(0) in a user namespace where 0 is not mapped says EINVAL.
    assert result.stdout.splitlines() == ["-1 1"] * 3 + [result.stdout.splitlines()[3]] + [
        "-1 1"] * 2
    assert result.stdout.splitlines()[3] in ("-1 1", "-1 22")
    assert "MemoryError" in result.stderr
    assert_still_fine(runner)


def test_refuses_without_isolation_unless_allowed(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    status = SandboxStatus(available=False, network_isolated=False, reason="no namespaces here")
    monkeypatch.setattr(sandbox, "sandbox_status", lambda mode="auto", cgroupfs="": status)
    with pytest.raises(SandboxUnavailable, match="MINI_AGENT_SANDBOX_ALLOW_UNISOLATED"):
        run_python("print(1)")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # this test's runs only
    before = set(os.listdir(tempfile.gettempdir()))
    result = run_python("import os\nprint(sorted(os.environ))", allow_unisolated=True)
    assert not result.isolated and result.exit_code == 0
    assert result.stdout == ENV_NAMES
    assert set(os.listdir(tempfile.gettempdir())) - before == set()


BUGGY = "def add(a, b):\n    return a - b\n"
TESTS = (
    "import pytest\n"
    "from solution import add\n"
    "def test_adds():\n"
    "    assert add(2, 3) == 5\n"
    "def test_zero():\n"
    "    assert add(0, 0) == 0\n"
    "@pytest.mark.skip(reason='later')\n"
    "def test_later():\n"
    "    pass\n"
)


def test_pytest_reports_the_planted_bug_then_passes_once_fixed(runner: Runner) -> None:
    buggy = runner.pytest(BUGGY, TESTS)
    outcomes = {case.name: case.outcome for case in buggy.cases}
    assert outcomes == {"test_adds": "failed", "test_zero": "passed", "test_later": "skipped"}
    assert buggy.summary.startswith("1 failed, 1 passed, 1 skipped in ")
    assert not buggy.passed and buggy.count("failed") == 1
    failed = next(case for case in buggy.cases if case.name == "test_adds")
    assert "assert -1 == 5" in failed.message
    assert "test_adds" in buggy.failure_output and "AssertionError" in buggy.failure_output

    fixed = runner.pytest(BUGGY.replace("a - b", "a + b"), TESTS)
    assert fixed.passed and fixed.summary.startswith("2 passed, 1 skipped in ")


def test_pytest_reports_a_collection_error(runner: Runner) -> None:
    result = runner.pytest("def add(:\n", TESTS)
    assert not result.passed
    assert [case.outcome for case in result.cases] == ["error"]
    assert "1 error in " in result.summary


def test_a_hanging_pytest_run_times_out(runner: Runner) -> None:
    result = runner.pytest("", "def test_hangs():\n    while True:\n        pass\n", timeout_s=2)
    assert result.run.timed_out and result.cases == [] and result.summary == ""
    assert isinstance(result.run, RunResult)
    assert_still_fine(runner)


def test_the_off_mode_refuses_runs_unless_unisolated_runs_are_allowed() -> None:
    status = sandbox_status("off")
    assert not status.available and "MINI_AGENT_SANDBOX_MODE is off" in status.reason
    with pytest.raises(SandboxUnavailable, match="MINI_AGENT_SANDBOX_ALLOW_UNISOLATED"):
        run_python("print(1)", mode="off")
    result = run_python("print(1)", mode="off", allow_unisolated=True)
    assert (result.stdout, result.isolated) == ("1\n", False)


def test_an_unknown_mode_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="unknown sandbox mode 'chroot'"):
        sandbox_status("chroot")


def test_the_run_is_first_in_line_for_the_oom_killer() -> None:
    result = run_python("print(open('/proc/self/oom_score_adj').read().strip())")
    assert result.stdout == "1000\n"


def test_a_runtime_that_lives_under_tmp_still_runs_isolated(tmp_path: Path) -> None:
    # A clone under /tmp (as CI's may be) puts the runtime where the child's private /tmp goes.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages",
                    str(venv)], check=True)
    probe = ("from agent.sandbox import run_python, sandbox_status\n"
             "print(sandbox_status().mode)\n"
             "print(run_python('import sys; print(sys.prefix)').stdout, end='')\n")
    out = subprocess.run([str(venv / "bin" / "python"), "-c", probe], cwd=PROJECT,
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.splitlines() == ["root", str(venv)], out.stderr
