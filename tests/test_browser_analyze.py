"""The Analyze journey in a real browser: drop a CSV, see its overview, find it in the list."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Upload
from tests.browser_support import chromium_page, streamlit_server, wait_for_run_to_finish

pytestmark = pytest.mark.browser

ORDERS = Path(__file__).parent / "data" / "analyze" / "orders.csv"


def test_a_dropped_csv_shows_its_overview_and_is_recorded(
    database_url: str, sessions, tmp_path: Path
) -> None:
    env = {"DATABASE_URL": database_url, "MINI_AGENT_DATA_DIR": str(tmp_path)}
    with streamlit_server(env) as base, chromium_page() as page:
        page.goto(f"{base}/Analyze")
        drop = page.locator("[data-testid=stFileUploaderDropzoneInput]")
        drop.wait_for(state="attached", timeout=90_000)  # the first run imports the libraries
        drop.set_input_files(str(ORDERS))
        page.get_by_text("Analysed “orders.csv”").wait_for()
        wait_for_run_to_finish(page)
        tabs = page.get_by_role("tab")
        assert [tabs.nth(i).inner_text() for i in range(tabs.count())] == [
            "Overview", "Columns", "Charts", "Data"]
        rows = page.get_by_test_id("stMetric").filter(has_text="Rows").first
        assert "121" in rows.inner_text()
        page.screenshot(path=str(tmp_path / "analyze.png"), full_page=True)
    with sessions() as session:
        [upload] = session.scalars(select(Upload)).all()
    assert (upload.name, upload.kind, upload.summary["rows"]) == ("orders.csv", "csv", 121)
    assert Path(upload.stored_path).is_relative_to(tmp_path)
