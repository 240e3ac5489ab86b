"""manage.py token create/list/revoke, run as a user would, on a fresh database."""

from __future__ import annotations

import os
import subprocess
import sys

from db import users
from db.engine import make_engine, make_sessionmaker
from tests.conftest import ROOT
from tests.test_migrations import scratch_url  # noqa: F401 - a fixture


def manage(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"DATABASE_URL": url, "PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/")}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_tokens_are_created_once_listed_and_revoked_from_the_command_line(
    scratch_url: str,  # noqa: F811
) -> None:
    created = manage(scratch_url, "token", "create", "--user", "Ada@Example.com", "--name", "ci")
    assert created.returncode == 0, created.stderr
    raw = created.stdout.strip().splitlines()[-1]
    assert raw.startswith("ma_") and "not shown again" in created.stdout
    engine = make_engine(scratch_url)
    with make_sessionmaker(engine)() as session:
        owner = users.user_for_token(session, raw)
        assert owner is not None and owner.email == "ada@example.com"
    listed = manage(scratch_url, "token", "list")
    assert listed.returncode == 0
    [line] = listed.stdout.splitlines()
    assert line.startswith("1\tada@example.com\tci\t") and "active" in line
    assert raw not in listed.stdout and "last used 20" in line
    revoked = manage(scratch_url, "token", "revoke", "1")
    assert revoked.returncode == 0 and "revoked" in revoked.stdout
    with make_sessionmaker(engine)() as session:
        assert users.user_for_token(session, raw) is None
    engine.dispose()
    again = manage(scratch_url, "token", "revoke", "1")
    assert again.returncode == 1 and "No active token 1" in again.stderr
    assert "revoked" in manage(scratch_url, "token", "list").stdout


def test_bad_arguments_get_usage_not_a_traceback(scratch_url: str) -> None:  # noqa: F811
    done = manage(scratch_url, "token", "create")
    assert done.returncode == 2 and "--user" in done.stderr and "Traceback" not in done.stderr
