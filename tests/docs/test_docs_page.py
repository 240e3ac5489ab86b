"""The Docs page, driven by AppTest against the real index."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from db.docs import delete_sources, list_sources
from tests.conftest import ROOT

TIMEOUT = 60
PAGE = "pages/3_Docs.py"


def open_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=TIMEOUT)
    return at.run()


def test_the_page_lists_what_is_indexed_and_searches_it(app_env, docs_sessions) -> None:
    at = open_page()
    assert not at.exception
    table = at.dataframe[0].value
    assert {"click", "requests", "httpx"} <= set(table["name"])
    assert "packages in 1 environment(s)" in at.caption[1].value
    at.text_input(key="docs_query").set_value("ask the user for confirmation")
    at.button[0].click().run()
    assert not at.exception
    assert any("click.confirm" in m.value for m in at.markdown)


def test_a_folder_is_indexed_from_the_page(app_env, docs_sessions, tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("# Runbook\n\nRestart the worker.\n")
    at = open_page()
    at.text_input(key="docs_folder").set_value(str(tmp_path))
    at.button(key="FormSubmitter:docs-folder-Index").click().run()
    assert not at.exception
    assert any("1 files, 1 sections (indexed)" in s.value for s in at.success)
    with docs_sessions() as session:
        folders = list_sources(session, kind="folder")
        assert [f.name for f in folders] == [str(tmp_path.resolve())]
        delete_sources(session, [f.id for f in folders])


def test_a_bad_interpreter_path_is_explained_not_raised(app_env, docs_sessions) -> None:
    at = open_page()
    at.text_input(key="docs_python").set_value("/bin/sh")
    at.button(key="FormSubmitter:docs-env-Index").click().run()
    assert not at.exception
    assert "not a Python interpreter" in at.error[0].value


def test_with_several_users_the_page_does_not_offer_indexing_server_paths(
        app_env, docs_sessions, monkeypatch) -> None:
    monkeypatch.setenv("MINI_AGENT_AUTH", "header")
    at = open_page()
    assert not at.exception
    assert not [b for b in at.button if b.label == "Index"]
    assert "single-user mode" in at.info[0].value
