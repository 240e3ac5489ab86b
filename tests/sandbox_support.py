"""Run the sandbox in every mode this machine can: as root, as a real unprivileged user, and
as our Docker image's user in an emulated container.

Every mode's calls go through tests/sandbox_driver.py, a process of their own: as root for
the root namespaces mode; as a system user created for the tests (when the suite runs as
root) or as the suite's own user otherwise, for the user modes; as uid 10001 under Docker's
seccomp profile with no capabilities (tests/container_emulation.py) for the container mode.
The driver is a child subreaper, so a run's leftovers are found among its children and
nowhere else.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from agent.sandbox import CaseOutcome, Limits, PytestResult, RunResult, SandboxStatus
from tests.container_emulation import CONTAINER_GID, CONTAINER_UID, emulated_argv

ROOT = Path(__file__).resolve().parents[1]
DRIVER = Path(__file__).with_name("sandbox_driver.py")
TEST_USER = "mini-agent-sbx"
# In every driver's environment, as the app's keys would be: no run may see them.
SECRETS = {"OPENAI_API_KEY": "sk-test-secret", "DATABASE_URL": "postgresql://u:pw-secret@h/db"}
# (name, MINI_AGENT_SANDBOX_MODE, who calls the sandbox: root, an unprivileged user, or the
# Dockerfile's uid 10001 in the emulated container (container_emulation.py), where user
# namespaces are refused and `auto` must land on Landlock)
MODES = [("root-namespaces", "namespaces", "root"), ("user-namespaces", "namespaces", "user"),
         ("user-landlock", "landlock", "user"), ("container-auto", "auto", "container")]
# The launcher mode each kind of caller must end up in.
WANTED = {"root": "root", "container": "landlock"}


@dataclass
class Runner:
    """Calls the sandbox in one mode through a driver process running as the mode's user."""

    name: str
    mode: str
    driver: subprocess.Popen[str]
    uid: int

    def _call(self, fn: str, **kwargs: Any) -> Any:
        if fn != "leftovers":
            kwargs["mode"] = kwargs.get("mode", self.mode)
        assert self.driver.stdin and self.driver.stdout
        if kwargs.get("files"):  # JSON carries text: bytes go as latin-1, which round-trips
            kwargs["files"] = {k: v.decode("latin-1") if isinstance(v, bytes) else v
                               for k, v in kwargs["files"].items()}
        if isinstance(kwargs.get("limits"), Limits):
            kwargs["limits"] = dataclasses.asdict(kwargs["limits"])
        self.driver.stdin.write(json.dumps({"fn": fn, "kwargs": kwargs}) + "\n")
        self.driver.stdin.flush()
        reply = json.loads(self.driver.stdout.readline())
        if "error" in reply:
            raise RuntimeError(reply["error"])
        data = reply["ok"]
        if fn == "status":
            return SandboxStatus(**data)
        if fn in ("python", "worker"):
            return RunResult(**data)
        if fn in ("leftovers", "query"):
            return data
        cases = [CaseOutcome(**c) for c in data.pop("cases")]
        return PytestResult(cases=cases, run=RunResult(**data.pop("run")), **data)

    def status(self, **kwargs: Any) -> SandboxStatus:
        return self._call("status", **kwargs)

    def python(self, code: str, **kwargs: Any) -> RunResult:
        return self._call("python", code=code, **kwargs)

    def worker(self, source: str, args: list[str], **kwargs: Any) -> RunResult:
        return self._call("worker", source=source, args=args, **kwargs)

    def query(self, path: str, sql: str, **kwargs: Any) -> dict[str, Any]:
        return self._call("query", path=path, sql=sql, max_rows=10, timeout_s=30, **kwargs)

    def pytest(self, code: str, tests: str, **kwargs: Any) -> PytestResult:
        return self._call("pytest", code=code, tests=tests, **kwargs)

    def leftovers(self, wait_s: float = 2.0) -> list[int]:
        """Processes this runner's runs left behind (the driver's children), after a grace."""
        deadline = time.monotonic() + wait_s
        while (found := self._call("leftovers")) and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(found)

    def close(self) -> None:
        assert self.driver.stdin
        self.driver.stdin.close()
        self.driver.wait(10)


def _test_user() -> tuple[int, int]:
    """The unprivileged system user the tests run as, created on first use."""
    try:
        entry = pwd.getpwnam(TEST_USER)
    except KeyError:
        if not shutil.which("useradd"):
            pytest.skip("running as root without `useradd`: cannot create an unprivileged user")
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell",
                        "/usr/sbin/nologin", TEST_USER], check=True)
        entry = pwd.getpwnam(TEST_USER)
    return entry.pw_uid, entry.pw_gid


def _runs_as(uid: int, gid: int) -> subprocess.CompletedProcess[str]:
    """Whether the test user can start this interpreter and import the project."""
    argv = [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
            "import agent.sandbox"]
    try:
        return subprocess.run(argv, user=uid, group=gid, extra_groups=[], capture_output=True,
                              text=True, cwd="/", check=False)
    except PermissionError as exc:  # exec itself refused: a folder on the way is closed
        return subprocess.CompletedProcess(argv, 126, "", str(exc))


def grant_traverse(uid: int, gid: int) -> None:
    """Let the test user reach the interpreter and the project, saying what was changed.

    On this kind of machine the interpreter lives under /root (mode 0700): others get
    execute (traverse, not list) on the folders in the way, and the test warns naming them.
    """
    if _runs_as(uid, gid).returncode == 0:
        return
    targets = [os.path.realpath(p) for p in (sys.executable, sys.prefix, sys.base_prefix, ROOT)]
    changed = []
    for target in targets:
        for folder in [*reversed(Path(target).parents), Path(target)]:
            mode = folder.stat().st_mode
            if stat.S_ISDIR(mode) and not mode & stat.S_IXOTH:
                folder.chmod(mode | stat.S_IXOTH)
                changed.append(str(folder))
    if changed:
        warnings.warn(f"gave others traverse (o+x) on {changed} so the unprivileged uid "
                      f"{uid} can start this Python", stacklevel=2)
    failed = _runs_as(uid, gid)
    if failed.returncode != 0:
        pytest.fail(f"the unprivileged uid {uid} cannot start Python here: {failed.stderr}")


@pytest.fixture(scope="session")
def host_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The app's surroundings as the sandbox sees them: a working folder, TMPDIR, data dir."""
    base = Path("/var/tmp") / f"mini-agent-test-{os.getpid()}"
    folders = {"cwd": base / "app", "TMPDIR": base / "tmp", "MINI_AGENT_DATA_DIR": base / "data"}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    base.chmod(0o755)
    for folder in folders.values():
        folder.chmod(0o1777)  # the app's user owns these; every mode's user may write them
    yield {k: str(v) for k, v in folders.items()}
    shutil.rmtree(base, ignore_errors=True)


def start_driver(uid: int, gid: int, host_env: dict[str, str], *, container: bool = False
                 ) -> subprocess.Popen[str]:
    """A driver process calling the sandbox as uid:gid, with the app's keys in its environment.

    With `container`, it starts in the emulated container (container_emulation.py: Docker's
    seccomp profile, no capabilities), which becomes uid:gid itself.
    """
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": host_env["cwd"],
           "TMPDIR": host_env["TMPDIR"], "MINI_AGENT_DATA_DIR": host_env["MINI_AGENT_DATA_DIR"],
           **SECRETS}
    argv = [sys.executable, "-I", str(DRIVER), str(ROOT)]
    as_user: dict[str, Any] = {"user": uid, "group": gid, "extra_groups": [] if uid else None}
    if container:
        argv, as_user = emulated_argv(argv, uid, gid), {}
    return subprocess.Popen(argv, cwd=host_env["cwd"], env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, **as_user)


@pytest.fixture(scope="session", params=MODES, ids=[m[0] for m in MODES])
def runner(request: pytest.FixtureRequest, host_env: dict[str, str]) -> Iterator[Runner]:
    """A sandbox runner in each mode; skipped (with the reason) where the machine cannot."""
    name, mode, who = request.param
    if who != "user" and os.geteuid() != 0:
        pytest.skip(f"the {name} mode needs the tests to run as root")
    if who == "container":
        uid, gid = CONTAINER_UID, CONTAINER_GID
        grant_traverse(uid, gid)
    elif who == "user" and os.geteuid() == 0:
        uid, gid = _test_user()
        grant_traverse(uid, gid)
    else:
        uid, gid = os.getuid(), os.getgid()
    driver = start_driver(uid, gid, host_env, container=who == "container")
    mode_runner = Runner(name, mode, driver, uid)
    status = mode_runner.status()
    wanted = WANTED.get(who) or {"namespaces": "userns", "landlock": "landlock"}[mode]
    if status.mode != wanted:
        mode_runner.close()
        if who == "container":  # our Docker image's path: it must work wherever tests run
            pytest.fail(f"the emulated container did not get {wanted}: {status.reason}")
        pytest.skip(f"{name} cannot run on this machine: {status.reason}")
    yield mode_runner
    mode_runner.close()
