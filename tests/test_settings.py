"""Settings from a copied `.env.example`: empty values mean unset, and every page opens."""

from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from config import Settings
from tests.conftest import ROOT

PAGES = ["app.py", "pages/1_History.py", "pages/2_Analyze.py"]


def test_every_setting_left_empty_in_the_environment_takes_its_default(monkeypatch) -> None:
    defaults = Settings(_env_file=None)
    for field in Settings.model_fields.values():
        monkeypatch.setenv(str(field.alias), "")
    assert Settings(_env_file=None) == defaults


def test_empty_values_in_dot_env_mean_unset(monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("MINI_AGENT_CONTEXT_TOKENS=\nMINI_AGENT_MAX_RETRIES=\n"
                                   "MINI_AGENT_MODEL=ollama/llama3.2\n")
    for name in ("MINI_AGENT_CONTEXT_TOKENS", "MINI_AGENT_MAX_RETRIES", "MINI_AGENT_MODEL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert (settings.context_tokens, settings.max_retries) == (None, 2)
    assert settings.model == "ollama/llama3.2"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens_with_a_copied_env_example(app_env, monkeypatch, tmp_path, page) -> None:
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    monkeypatch.chdir(tmp_path)
    # What the copy sets applies; only the database and the model server come from the test.
    for line in (ROOT / ".env.example").read_text().splitlines():
        name = line.split("=", 1)[0]
        if "=" in line and not line.startswith("#") and name not in {
            "DATABASE_URL", "MINI_AGENT_API_BASE", "MINI_AGENT_MODEL", "MINI_AGENT_MODELS",
        }:
            monkeypatch.delenv(name, raising=False)
    at = AppTest.from_file(str(ROOT / page), default_timeout=30).run()
    assert not at.exception
    assert not at.error
