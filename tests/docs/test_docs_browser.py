"""The Docs page in a real browser: what is indexed, then a question and its hits."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import pytest

from tests.browser_support import chromium_page, streamlit_server, wait_for_run_to_finish

pytestmark = pytest.mark.browser


def test_a_question_typed_on_the_docs_page_shows_the_answering_api_with_its_version(
        database_url: str, docs_sessions, tmp_path: Path) -> None:
    env = {"DATABASE_URL": database_url, "MINI_AGENT_DATA_DIR": str(tmp_path),
           "MINI_AGENT_AUTH": "none"}
    with streamlit_server(env, timeout_s=180) as base, chromium_page() as page:
        page.goto(f"{base}/Docs")
        box = page.get_by_label("Search the docs")
        box.wait_for(timeout=90_000)  # the first run imports the libraries
        page.get_by_text("packages in 1 environment(s)").wait_for()
        box.fill("ask the user for confirmation before continuing")
        page.get_by_test_id("stBaseButton-secondaryFormSubmit").filter(has_text="Search").click()
        wait_for_run_to_finish(page)
        citation = page.get_by_text(f"click {version('click')} · click.confirm").first
        citation.wait_for()
        page.screenshot(path=str(tmp_path / "docs.png"), full_page=True)
