"""The Analyze page, driven by AppTest against real Postgres and the real analysis libraries."""

from __future__ import annotations

import gzip
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from streamlit.testing.v1 import AppTest

from db.models import Upload
from tests.conftest import ROOT
from tests.fake_llm import FakeLLM

TIMEOUT = 60
PAGE = "pages/2_Analyze.py"
DATA = Path(__file__).parent / "data" / "analyze"
ORDERS = (DATA / "orders.csv").read_bytes()
APP_LOG = (DATA / "app.log").read_bytes()
LOG_TABS = ["Overview", "Timeline", "Top errors", "Templates", "Stack traces", "Search"]
CSV_TABS = ["Overview", "Columns", "Charts", "Data"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # One folder for the module: the page's database handle is cached per data folder.
    return tmp_path_factory.mktemp("analyze-data")


@pytest.fixture
def page_env(
    app_env: FakeLLM, monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> Iterator[Path]:
    """The app's environment with uploads kept in a folder of this test module."""
    monkeypatch.setenv("MINI_AGENT_DATA_DIR", str(data_dir))
    monkeypatch.delenv("MINI_AGENT_MAX_UPLOAD_MB", raising=False)
    yield data_dir


def open_page(**query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    return at.file_uploader[0].upload(name, content, "application/octet-stream").run()


def unique(content: bytes) -> bytes:
    """The same data with different bytes, so no earlier test's cached analysis is reused."""
    return content + f"\n# {uuid.uuid4().hex}\n".encode() if b"\n" in content else content


def rows(sessions: sessionmaker[Session]) -> list[Upload]:
    with sessions() as session:
        return list(session.scalars(select(Upload).order_by(Upload.id)))


def tab_labels(at: AppTest) -> list[str]:
    return [tab.label for tab in at.tabs]


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_the_page_says_the_limit_and_where_files_are_kept(page_env: Path) -> None:
    at = open_page()
    assert not at.exception
    caption = at.caption[0].value
    assert "up to 200 MB" in caption
    assert f"{page_env.resolve()}/uploads/<sha256>/<name>" in caption
    assert [r.value for r in at.radio] == ["Auto"]


def test_a_csv_upload_shows_its_tabs_and_is_recorded_with_its_summary(page_env, sessions) -> None:
    at = upload(open_page(), "orders.csv", ORDERS)
    assert not at.exception and not at.error
    assert tab_labels(at) == CSV_TABS
    assert metric(at, "Rows") == "121" and metric(at, "Duplicate rows") == "1"
    columns = next(d.value for d in at.dataframe if "histogram" in d.value)
    assert list(columns["column"]) == [
        "order_id", "region", "price", "quantity", "ordered_at", "returned"]
    assert list(columns.set_index("column").at["region", "histogram"]) == [35, 33, 30, 23]
    assert any("Analysed “orders.csv”" in s.value for s in at.success)
    [row] = rows(sessions)
    assert (row.name, row.kind, row.size_bytes) == ("orders.csv", "csv", len(ORDERS))
    assert row.summary["rows"] == 121
    assert Path(row.stored_path) == page_env.resolve() / "uploads" / row.sha256 / "orders.csv"
    assert at.query_params["upload"] == str(row.id)
    data = at.dataframe[-1].value
    assert len(data) == 25 and list(data["order_id"][:2]) == [1, 2]


def test_the_data_tab_pages_and_sorts(page_env) -> None:
    at = upload(open_page(), "orders.csv", ORDERS)
    at.selectbox(key="analyze-data-sort").set_value("price")
    at.radio(key="analyze-data-direction").set_value("Descending")
    at.number_input(key="analyze-data-page").set_value(2).run()
    assert not at.exception
    prices = sorted(at.dataframe[-1].value["price"], reverse=True)
    assert list(at.dataframe[-1].value["price"]) == prices
    assert any("Rows 26–50 of 121" in c.value for c in at.caption)


def test_a_log_upload_shows_its_tabs_and_is_recorded(page_env, sessions) -> None:
    at = upload(open_page(), "app.log", unique(APP_LOG))
    assert not at.exception and not at.error
    assert tab_labels(at) == LOG_TABS
    assert metric(at, "ERROR") == "27" and metric(at, "Stack traces") == "2"
    assert any(c.value.startswith("Format: learned") for c in at.caption)
    assert metric(at, "With a time") == "100%"
    assert any("go backwards" in w.value for w in at.warning)
    [row] = rows(sessions)
    assert row.kind == "log" and row.summary["levels"]["ERROR"] == 27
    assert row.summary["stack_traces"][0]["exception"] == "ZeroDivisionError"


def test_a_log_without_levels_shows_which_severities_were_inferred(page_env) -> None:
    lines = [f"Mar  3 10:00:{i:02d} host app[12]: request {i} served" for i in range(30)]
    lines += [f"Mar  3 10:01:{i:02d} host app[12]: connection refused by db-{i}" for i in range(5)]
    at = upload(open_page(), "nolevels.log", unique("\n".join(lines).encode()))
    assert not at.exception and not at.error
    assert metric(at, "ERROR") == "5"
    assert any("inferred from their words" in c.value for c in at.caption)
    errors = at.dataframe[0].value
    assert errors["level_from"].tolist() == ["inferred from words"]


def test_log_search_is_bounded_and_explains_a_bad_regex(page_env) -> None:
    at = upload(open_page(), "app.log", APP_LOG)
    at.text_input(key="analyze-search-text").set_value("refused").run()
    assert any(c.value.startswith("25 matching records") for c in at.caption)
    at.toggle(key="analyze-search-regex").set_value(True)
    at.text_input(key="analyze-search-text").set_value("db-(1|2").run()
    assert not at.exception
    assert any("not a valid regular expression" in e.value for e in at.error)


def test_an_earlier_upload_reopens_from_the_cache_without_being_analysed_again(
    page_env, sessions
) -> None:
    upload(open_page(), "app.log", unique(APP_LOG))
    upload(open_page(), "orders.csv", unique(ORDERS))
    log_row, csv_row = rows(sessions)
    at = open_page()
    picker = at.selectbox(key="analyze-pick")
    assert picker.options[0].startswith("orders.csv · csv ·")
    assert picker.options[1].startswith("app.log · log ·")
    picker.set_value(log_row.id).run()
    assert not at.exception
    assert tab_labels(at) == LOG_TABS
    assert any("Opened from the cache" in c.value for c in at.caption)
    assert not any(c.value.startswith("Analysed in") for c in at.caption)
    assert len(rows(sessions)) == 2


def test_read_as_log_overrides_what_the_content_says(page_env, sessions) -> None:
    at = open_page()
    at.radio(key="analyze-read-as").set_value("Log").run()
    upload(at, "orders.csv", ORDERS)
    assert not at.exception
    assert tab_labels(at) == LOG_TABS
    [row] = rows(sessions)
    assert row.kind == "log"
    at.radio(key="analyze-read-as").set_value("CSV").run()
    assert tab_labels(at) == CSV_TABS
    assert rows(sessions)[0].kind == "csv"


def wide_csv(columns: int) -> bytes:
    """A header and three rows of `columns` integer columns."""
    row = b",".join(b"%d" % i for i in range(columns)) + b"\n"
    return b",".join(b"c%d" % i for i in range(columns)) + b"\n" + row * 3


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("empty.csv", b"", "empty"),
        ("blank.log", b"\n\n  \n", "empty"),
        ("binary.csv", bytes(range(256)) * 64, "binary"),
        ("photo.csv", PNG, "PNG image"),
        ("photo.log", PNG, "PNG image"),
        ("cut.csv.gz", gzip.compress(b"\x00\x01" * 5000)[:40], ""),
    ],
)
def test_bad_files_get_a_clear_message_and_no_traceback(
    page_env, sessions, name: str, content: bytes, says: str
) -> None:
    at = upload(open_page(), name, content)
    assert not at.exception
    [error] = at.error
    assert f"Could not analyse “{name}”" in error.value and says in error.value
    assert rows(sessions) == []


@pytest.mark.parametrize(
    ("name", "content", "tabs", "says"),
    [
        ("header.csv", b"id,name,price\n", CSV_TABS, "no data rows"),
        ("single.csv", b"value\n" + b"\n".join(b"%d" % i for i in range(50)) + b"\n",
         CSV_TABS, ""),
        ("wide.csv", wide_csv(120), CSV_TABS, ""),
        ("mixed.csv", b"a,b\r\n1,2\n3,4\r5,6\r\n", CSV_TABS, ""),
        ("utf8.csv", b"name,n\nAnn,1\nB\xff\xfeo,2\nCy,3\n", CSV_TABS, ""),
        ("long.log", b"2024-01-01 10:00:00 INFO start\n2024-01-01 10:00:01 INFO "
         + b"x" * 10_000_000 + b"\n2024-01-01 10:00:02 ERROR end\n", LOG_TABS, "MB long"),
        ("plain.log", b"starting\nworking\nerror: disk full\n", LOG_TABS, "No timestamps"),
        ("cut.log.gz", gzip.compress(APP_LOG)[:3000], LOG_TABS, "truncated"),
        ("bad-utf8.log", APP_LOG[:5000] + b"\xff\xfe bad\n" + APP_LOG[5000:], LOG_TABS,
         "not valid UTF-8"),
        ("crlf.log", APP_LOG.replace(b"\n", b"\r\n", 100), LOG_TABS, ""),
        ("back.log", b"2024-01-01 10:00:05 INFO b\n2024-01-01 10:00:01 INFO a\n", LOG_TABS,
         "backwards"),
    ],
)
def test_awkward_files_are_analysed_with_their_problems_said(
    page_env, name: str, content: bytes, tabs: list[str], says: str
) -> None:
    at = upload(open_page(), name, content)
    assert not at.exception and not at.error
    assert tab_labels(at) == tabs
    shown = [w.value for w in at.warning] + [i.value for i in at.info]
    assert not says or any(says in text for text in shown), shown


def test_a_file_over_the_limit_is_refused_with_the_limit_named(
    page_env, sessions, monkeypatch
) -> None:
    monkeypatch.setenv("MINI_AGENT_MAX_UPLOAD_MB", "1")
    at = open_page()
    assert "up to 1 MB" in at.caption[0].value
    upload(at, "big.log", b"2024-01-01 10:00:00 INFO hello\n" * 40_000)
    assert not at.exception
    assert any("upload limit of 1 MB" in e.value for e in at.error)
    assert rows(sessions) == []


def test_ask_the_agent_opens_the_chat_with_the_file_attached(page_env, sessions) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    at.switch_page(PAGE).run()
    upload(at, "app.log", APP_LOG)
    [row] = rows(sessions)
    at.button(key="analyze-ask").click().run()
    assert not at.exception
    assert at.query_params["attach"] == str(row.id)
    assert "Mini-Agent" in [t.value for t in at.title]


def test_deleting_an_upload_asks_first_then_removes_the_row_and_the_file(
    page_env, sessions
) -> None:
    at = upload(open_page(), "orders.csv", ORDERS)
    [row] = rows(sessions)
    at.button(key="analyze-delete").click().run()
    assert any("cannot be undone" in w.value for w in at.warning)
    assert len(rows(sessions)) == 1
    at.button(key="analyze-delete-yes").click().run()
    assert not at.exception
    assert rows(sessions) == []
    assert not Path(row.stored_path).exists()
    assert at.selectbox(key="analyze-pick").options == []
    assert not at.tabs


def test_ten_thousand_columns_get_an_answer_within_a_minute(page_env) -> None:
    at = upload(open_page(), "wide.csv", wide_csv(10_000))
    assert not at.exception
    assert tab_labels(at) == CSV_TABS
    assert not at.error
