"""The History page under AppTest: filters, URL, detail, export, delete, bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker
from streamlit.testing.v1 import AppTest

from db.models import Interaction
from tests.conftest import ROOT
from tests.history_data import ROWS
from ui.history_export import to_csv, to_json

TIMEOUT = 30


def seed_recent(sessions: sessionmaker[Session]) -> None:
    """The known rows, moved to end just before now (the page resolves presets on the clock)."""
    from tests import history_data

    shift = datetime.now(UTC) - history_data.NOW - timedelta(minutes=5)
    history_data.seed(sessions)
    with sessions() as session:
        session.execute(text("UPDATE interactions SET created_at = created_at + :shift"),
                        {"shift": shift})
        session.commit()


def open_page(**query: str | list[str]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages/1_History.py"), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def table_prompts(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["Prompt"])


def count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(Interaction))


def test_an_empty_history_points_to_the_chat(app_env) -> None:
    at = open_page()
    assert not at.exception
    assert any("No interactions yet" in i.value for i in at.info)


def open_usage(at: AppTest) -> AppTest:
    """The Usage tab picked, as a click on it would (only the open tab is computed)."""
    at.session_state["h_tab"] = "Usage"
    return at.run()


def test_the_default_view_shows_the_table_then_its_usage_tab_the_kpis_and_charts(
    app_env, sessions
) -> None:
    seed_recent(sessions)
    at = open_page()
    assert not at.exception
    assert len(table_prompts(at)) == 6  # two rows are older than the default 30 days
    assert not at.metric and not at.get("plotly_chart")  # the closed tab costs nothing
    at = open_usage(at)
    assert not at.exception and not at.dataframe
    assert [m.label for m in at.metric] == [
        "Interactions", "Tokens", "Cost", "p95 latency", "Error rate"]
    assert at.metric[0].value == "6"
    assert at.get("plotly_chart")
    assert any("cost unknown for 2" in c.value.lower() for c in at.caption)


def test_filters_change_the_table_and_are_written_to_the_url(app_env, sessions) -> None:
    seed_recent(sessions)
    at = open_page()
    at.multiselect(key="h_models").set_value(["gpt-b"]).run()
    assert not at.exception
    assert len(table_prompts(at)) == 3
    assert open_usage(at).metric[0].value == "3"  # the charts follow the same filters
    assert at.query_params["model"] == "gpt-b"
    at.session_state["h_tab"] = "Results"
    at.text_input(key="h_search").set_value("join").run()
    assert table_prompts(at) == ["Write a SQL join for orders"]
    assert at.query_params["q"] == "join"
    at.selectbox(key="h_preset").set_value("24h").run()
    assert any("No interaction matches" in i.value for i in at.info)
    assert at.query_params["range"] == "24h"


def test_a_bookmarked_url_restores_the_filters(app_env, sessions) -> None:
    seed_recent(sessions)
    at = open_page(range="all", q="docker", status="ok", sort="relevance")
    assert not at.exception
    assert at.text_input(key="h_search").value == "docker"
    assert at.selectbox(key="h_preset").value == "all"
    assert len(table_prompts(at)) == 2
    assert at.query_params["range"] == "all"
    assert at.query_params["q"] == "docker"
    assert at.query_params["sort"] == "relevance"


def test_no_match_shows_the_empty_state(app_env, sessions) -> None:
    seed_recent(sessions)
    at = open_page(q="xylophone")
    assert not at.exception
    assert any("No interaction matches" in i.value for i in at.info)


@pytest.mark.parametrize("query", [
    {"from": "2024-13-45", "to": "garbage"},
    {"from": "2026-12-31", "to": "2020-01-01"},
    {"model": ["nope", "gpt-a"], "status": "weird"},
    {"cost_min": "abc", "tokens_max": "-5", "latency_min": "nan", "page": "x"},
    {"cost_min": "5", "cost_max": "1", "conversation": "12abc", "range": "forever"},
    {"q": "'; drop table interactions; --"},
    {"q": "x" * 10_000},
    {"q": "🐳 \"unclosed \\ % _ مرحبا"},
])
def test_hand_edited_urls_are_corrected_with_a_message(app_env, sessions, query) -> None:
    seed_recent(sessions)
    at = open_page(**query)
    assert not at.exception
    assert at.dataframe or any("No interaction matches" in i.value for i in at.info)
    if not any(key == "q" for key in query):
        assert at.warning
    assert count(sessions) == len(ROWS)


def test_selecting_a_row_shows_the_full_interaction_and_its_conversation_link(
    app_env, sessions
) -> None:
    seed_recent(sessions)
    at = open_page(q="generators")
    assert table_prompts(at) == ["Explain python generators"]
    at.session_state["h_table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert not at.exception
    assert any("RateLimitError: slow down" in e.value for e in at.error)
    assert any("**generators**" in m.value for m in at.markdown)


def test_deleting_one_interaction_asks_first(app_env, sessions) -> None:
    seed_recent(sessions)
    at = open_page(q="generators")
    at.session_state["h_table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    at.button(key="h_delete_one").click().run()
    assert any("Delete 1 interaction?" in w.value for w in at.warning)
    assert count(sessions) == len(ROWS)
    at.button(key="h_delete_one-yes").click().run()
    assert not at.exception
    assert count(sessions) == len(ROWS) - 1


def test_deleting_all_matches_says_how_many_then_removes_exactly_those(
    app_env, sessions
) -> None:
    seed_recent(sessions)
    at = open_page(model="gpt-b")
    at.button(key="h_delete_all").click().run()
    assert any("Delete 3 interactions?" in w.value for w in at.warning)
    assert count(sessions) == len(ROWS)
    at.button(key="h_delete_all-yes").click().run()
    assert not at.exception
    assert count(sessions) == len(ROWS) - 3
    with sessions() as session:
        assert "gpt-b" not in set(session.scalars(select(Interaction.model)))


def test_exports_escape_spreadsheet_formulas() -> None:
    rows = [{"id": 1, "prompt": "=HYPERLINK(1)"}, {"id": 2, "prompt": "+1"},
            {"id": 3, "prompt": "-2"}, {"id": 4, "prompt": "@x"}, {"id": 5, "prompt": "\tx"},
            {"id": 6, "prompt": "\rx"}, {"id": 7, "prompt": "plain"}]
    csv_text = to_csv(rows, ["id", "prompt"])
    assert csv_text.splitlines()[1:5] == ["1,'=HYPERLINK(1)", "2,'+1", "3,'-2", "4,'@x"]
    assert "7,plain" in csv_text
    assert '"prompt": "\'=HYPERLINK(1)"' in to_json(rows)


def test_the_detail_shows_the_turns_tokens_and_tool_calls(app_env, sessions) -> None:
    from db.tool_calls import record_tool_call

    seed_recent(sessions)
    with sessions() as session:
        docker = session.scalar(select(Interaction.id).where(Interaction.prompt.like("%docker%")))
        record_tool_call(session, docker, step=1, name="run_python",
                         arguments={"code": "print(6 * 7)"}, result_summary="exit 0: 42",
                         result={"stdout": "42\n"}, duration_ms=35, error=None)
        session.commit()
    at = open_page(q="docker")
    at.session_state["h_table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert not at.exception
    assert any("10 → 20 tokens" in c.value for c in at.caption)
    assert any("run_python" in e.label for e in at.expander)
    assert any("exit 0: 42" in c.value for c in at.caption)


def test_unknown_tokens_read_unknown_and_one_match_is_singular(app_env, sessions) -> None:
    seed_recent(sessions)
    at = open_page(q="generators")
    assert list(at.dataframe[0].value["Tokens"]) == ["unknown"]
    assert any(c.value.startswith("1 matching interaction ·") for c in at.caption)
