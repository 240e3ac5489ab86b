"""Settings and start-up: which database the app uses, and what it says when it cannot."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from config import Settings
from db.engine import normalize_url, redact
from tests.conftest import ROOT


def test_models_setting_is_split_and_keeps_the_default_first(monkeypatch) -> None:
    monkeypatch.setenv("MINI_AGENT_MODEL", "gpt-4o-mini")
    monkeypatch.setenv("MINI_AGENT_MODELS", " ollama/llama3.2, gpt-4o-mini ,,anthropic/claude")
    assert Settings().model_choices == ["gpt-4o-mini", "ollama/llama3.2", "anthropic/claude"]


def test_a_blank_database_url_means_the_embedded_server(monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "  ")
    assert Settings().database_url is None


def test_passwords_never_show_in_the_database_url() -> None:
    shown = redact("postgresql+psycopg://app:s3cret@db:5432/mini")
    assert "s3cret" not in shown and "db:5432/mini" in shown


def test_plain_postgres_urls_use_psycopg_3() -> None:
    assert normalize_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalize_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"


@pytest.mark.parametrize("page", ["app.py", "pages/1_History.py", "pages/2_Analyze.py"])
def test_an_unreachable_database_gets_a_page_that_says_how_to_fix_it(
    monkeypatch, page: str
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("DATABASE_URL", "postgresql://mini:hunter2@127.0.0.1:9/mini_agent")
    at = AppTest.from_file(str(ROOT / page), default_timeout=30).run()
    assert not at.exception
    [error] = at.error
    assert "127.0.0.1:9/mini_agent" in error.value
    assert "hunter2" not in error.value
    assert any("DATABASE_URL" in m.value for m in at.markdown)


def setting_names() -> set[str]:
    return {field.alias for field in Settings.model_fields.values() if field.alias}


def test_env_example_lists_every_setting() -> None:
    listed = {line.split("=", 1)[0] for line in (ROOT / ".env.example").read_text().splitlines()
              if "=" in line and not line.startswith("#")}
    assert setting_names() <= listed


def test_readme_documents_every_setting_and_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = {name for name in setting_names() if f"`{name}`" not in readme}
    assert not missing
    assert "./run.sh" in readme and "./test.sh" in readme
    assert "./test.sh" in (ROOT / ".ci/run").read_text()
