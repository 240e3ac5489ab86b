"""Faults: the database stops answering under a page, the embedded server dies or is orphaned."""

from __future__ import annotations

import json
import os
import signal
import time

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from db.engine import make_engine, prune_stale_handles, revive_embedded, start_embedded
from tests.conftest import ROOT
from tests.history_data import seed
from tests.tcp_proxy import Proxy


@pytest.mark.parametrize("page", ["pages/1_History.py", "pages/2_Analyze.py", "app.py"])
def test_a_page_says_the_database_stopped_and_comes_back_by_itself(
    app_env, sessions, database_url, monkeypatch, page
) -> None:
    seed(sessions)
    proxy = Proxy(database_url).start()
    monkeypatch.setenv("DATABASE_URL", proxy.database_url)
    try:
        # The chat page's first run imports litellm: slow on a loaded machine.
        at = AppTest.from_file(str(ROOT / page), default_timeout=90).run()
        assert not at.exception and not at.error
        proxy.stop()
        at.run()
        assert not at.exception
        assert any("database stopped answering" in e.value for e in at.error)
        proxy.start()
        at.run()
        assert not at.exception and not at.error
    finally:
        proxy.stop()


def test_stale_process_ids_are_dropped_from_the_embedded_servers_bookkeeping(tmp_path) -> None:
    pgdata = tmp_path / "pgdata"
    pgdata.mkdir()
    dead = os.fork()
    if dead == 0:
        os._exit(0)
    os.waitpid(dead, 0)
    (pgdata / ".handle_pids.json").write_text(json.dumps([dead, os.getpid()]))
    assert prune_stale_handles(pgdata) == [dead]
    assert json.loads((pgdata / ".handle_pids.json").read_text()) == [os.getpid()]


def test_an_embedded_server_that_died_is_started_again() -> None:
    if os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("this run uses a PostgreSQL server, not the embedded one")
    # Beside the suite's own server (the server's OS user cannot enter pytest's tmp folders);
    # kept between runs like that one, and stopped when this process exits.
    data_dir = ROOT / ".mini-agent-test" / "revive"
    url = start_embedded(data_dir)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        postmaster = int((data_dir / "pgdata" / "postmaster.pid").read_text().split()[0])
        os.kill(postmaster, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(postmaster, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        assert revive_embedded(data_dir)
        assert not revive_embedded(data_dir)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()
