"""Totals per run: detecting a delegated cgroup v2, and a run's cgroup, against a fake cgroupfs.

These machines have a cgroup v1 hybrid that the project must not touch, so the real cgroup
path cannot run here: the tests build a folder shaped like a cgroup v2 mount and point the
sandbox at it. They check what the code writes (the run's cgroup, its totals, the launcher
joining it) and how it decides; the kernel's side (enforcing memory.max, cgroup.kill, rmdir
of a populated cgroup) is not exercised.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.sandbox import Limits, cgroups, sandbox_status
from tests.sandbox_support import MODES, Runner

AS_USER = [mode for mode in MODES if mode[2] != "root"]

ALL = "cpu io memory pids"


def fake_cgroupfs(root: Path, own: str, *, enabled: str = ALL, mode: int = 0o777) -> Path:
    """A folder shaped like a cgroup v2 mount with the app's cgroup `own` in it; returns it."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "cgroup.controllers").write_text(ALL + "\n")
    folder = root / own.lstrip("/")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cgroup.controllers").write_text(ALL + "\n")
    (folder / "cgroup.subtree_control").write_text(enabled + "\n")
    (folder / "cgroup.procs").write_text("")
    for path in [root, *root.rglob("*")]:
        path.chmod(mode if path.is_dir() else mode & 0o666)
    return folder


def test_the_apps_cgroup_is_read_from_its_v2_line() -> None:
    hybrid = "4:memory:/process_api/x\n1:cpu:/\n0::/system.slice/app.service\n"
    assert cgroups.own_cgroup(hybrid) == "/system.slice/app.service"
    assert cgroups.own_cgroup("4:memory:/x\n1:cpu:/\n") is None


def test_a_v1_or_hybrid_hierarchy_gives_no_cgroup(tmp_path: Path) -> None:
    (tmp_path / "memory").mkdir()  # v1: one folder per controller, no cgroup.controllers
    found = cgroups.find_delegation(str(tmp_path), own="/")
    assert found.parent is None and "not a cgroup v2 hierarchy" in found.reason


def test_this_machine_gets_per_process_limits_times_the_process_limit() -> None:
    # Read only: the real /sys/fs/cgroup here is a v1 hybrid, never written by the project.
    status = sandbox_status()
    assert status.cgroup is None
    assert status.memory.startswith("per-process limits x process limit")
    assert "not a cgroup v2 hierarchy" in status.memory


def test_the_apps_own_cgroup_is_used_when_it_enables_the_controllers(tmp_path: Path) -> None:
    folder = fake_cgroupfs(tmp_path, "/")
    found = cgroups.find_delegation(str(tmp_path), own="/")
    assert found.parent == str(folder)


def test_a_missing_controller_is_named(tmp_path: Path) -> None:
    fake_cgroupfs(tmp_path, "/app", enabled="memory io")
    found = cgroups.find_delegation(str(tmp_path), own="/app")
    assert found.parent is None
    assert "does not enable cpu, pids for its children" in found.reason


def test_a_parent_is_used_only_when_systemd_marked_it_delegated(tmp_path: Path) -> None:
    service = fake_cgroupfs(tmp_path, "/app.service")
    fake_cgroupfs(tmp_path, "/app.service/main", enabled="")
    assert cgroups.find_delegation(str(tmp_path), own="/app.service/main").parent is None
    os.setxattr(service, "user.delegate", b"1")
    assert cgroups.find_delegation(str(tmp_path), own="/app.service/main").parent == str(
        service)


def test_a_run_cgroup_gets_its_totals_and_is_killed_through_cgroup_kill(tmp_path: Path
                                                                       ) -> None:
    parent = fake_cgroupfs(tmp_path, "/")
    path = cgroups.create(str(parent), cgroups.run_limits(1024, 8, 1.5))
    written = {name: (Path(path) / name).read_text() for name in os.listdir(path)}
    assert written == {"memory.max": str(2**30), "pids.max": "9", "cpu.max": "150000 100000"}
    (Path(path) / "cgroup.kill").write_text("")
    cgroups.remove(path)  # a plain folder cannot be rmdir'ed with files in it; a cgroup can
    assert (Path(path) / "cgroup.kill").read_text() == "1"


@pytest.fixture
def fake_root(host_env: dict[str, str]) -> Iterator[Path]:
    """A fake cgroupfs every test user can write, outside any sandbox's allowlist."""
    root = Path(host_env["cwd"]).parent / f"cgroupfs-{os.urandom(4).hex()}"
    yield root
    shutil.rmtree(root, ignore_errors=True)


def test_each_run_joins_a_cgroup_of_its_own_with_the_runs_totals(runner: Runner,
                                                                 fake_root: Path) -> None:
    own = cgroups.own_cgroup(Path(f"/proc/{runner.driver.pid}/cgroup").read_text())
    assert own is not None
    parent = fake_cgroupfs(fake_root, own)
    status = runner.status(cgroupfs=str(fake_root))
    assert status.cgroup == str(parent)
    assert status.memory.startswith("cgroup v2 total per run: memory.max 1024 MB")
    before = set(os.listdir(parent))
    code = "import resource\nprint(resource.getrlimit(resource.RLIMIT_DATA)[0] >> 20)\n"
    result = runner.python(code, cgroupfs=str(fake_root), limits=Limits(memory_mb=768))
    assert (result.stdout, result.exit_code) == ("768\n", 0), result.stderr
    [run] = set(os.listdir(parent)) - before
    assert run.startswith(cgroups.RUN_PREFIX)
    group = parent / run
    assert (group / "memory.max").read_text() == str(768 * 2**20)
    assert (group / "pids.max").read_text() == str(Limits().max_processes + 1)
    assert (group / "cpu.max").read_text() == "100000 100000"
    launcher = int((group / "cgroup.procs").read_text())
    assert launcher not in (os.getpid(), runner.driver.pid)


# Root may write anywhere, so only the modes that run as the unprivileged user apply.
@pytest.mark.parametrize("runner", AS_USER, ids=[m[0] for m in AS_USER], indirect=True)
def test_a_cgroup_the_user_cannot_write_is_not_used(runner: Runner, fake_root: Path) -> None:
    own = cgroups.own_cgroup(Path(f"/proc/{runner.driver.pid}/cgroup").read_text())
    assert own is not None
    fake_cgroupfs(fake_root, own, mode=0o755)
    status = runner.status(cgroupfs=str(fake_root))
    assert status.available and status.cgroup is None
    assert "is not writable by this user" in status.memory
    assert runner.python("print(1)", cgroupfs=str(fake_root)).stdout == "1\n"


def test_without_a_cgroup_each_process_gets_its_share_of_the_total(runner: Runner) -> None:
    code = "import resource\nprint(resource.getrlimit(resource.RLIMIT_DATA)[0] >> 20)\n"
    result = runner.python(code, limits=Limits(memory_mb=800, max_processes=4))
    assert result.stdout == "200\n"
