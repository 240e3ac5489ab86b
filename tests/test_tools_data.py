"""The data tools on small files: DuckDB boxed in, bounded results, charts, profiles, logs."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest

from agent.tools import ToolContext, UploadRef, build_toolbox, model_content
from agent.tools.base import ToolFailed
from agent.tools.data_plot import KINDS, build_figure
from agent.tools.data_query import run_query

SALES = "region,product,amount\n" + "".join(
    f"{['north', 'south'][i % 2]},p{i % 3},{i}\n" for i in range(500)
)
LOG = (
    "2024-01-01 10:00:00 INFO app started\n"
    "2024-01-01 10:00:01 ERROR db connection failed host=a\n"
    "2024-01-01 10:00:02 ERROR db connection failed host=b\n"
    "Traceback (most recent call last):\n"
    '  File "app.py", line 3, in <module>\n'
    "ValueError: boom\n"
    "2024-01-01 10:05:00 WARN slow request 300ms\n"
    "2024-01-01 11:00:00 INFO app stopped\n"
)


@pytest.fixture
def files(tmp_path: Path) -> ToolContext:
    sales, log = tmp_path / "sales.csv", tmp_path / "app.log"
    sales.write_text(SALES)
    log.write_text(LOG)
    return ToolContext(max_rows=10, query_timeout_s=5, uploads={
        1: UploadRef(1, "sales.csv", "csv", sales), 2: UploadRef(2, "app.log", "log", log)})


def call(ctx: ToolContext, name: str, **arguments):
    return build_toolbox(ctx, code_tools=False).call(name, json.dumps(arguments)).output


def test_a_group_by_query_returns_rows_and_the_total(files) -> None:
    out = call(files, "query_data", upload=1,
               sql="SELECT region, count(*) AS n, avg(amount) AS mean FROM data "
                   "GROUP BY region ORDER BY region")
    assert out.error is None
    assert out.data["columns"] == ["region", "n", "mean"]
    assert out.data["rows"] == [["north", 250, 249.0], ["south", 250, 250.0]]
    assert out.summary == "2 rows"


def test_results_are_cut_to_the_row_limit_with_the_full_count(files) -> None:
    out = call(files, "query_data", upload=1, sql="WITH t AS (SELECT * FROM data) SELECT * FROM t")
    assert len(out.data["rows"]) == 10
    assert (out.data["total_rows"], out.data["truncated"]) == (500, True)
    assert out.summary == "first 10 of 500 rows"


@pytest.mark.parametrize("sql", [
    "COPY data TO '/tmp/stolen.csv'",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/passwd')",
    "CREATE TABLE t AS SELECT 1",
    "INSERT INTO data VALUES ('x', 'y', 1)",
    "ATTACH '/tmp/other.db'",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "SELECT 1; SELECT 2",
    "DROP VIEW data",
])
def test_duckdb_refuses_writes_and_file_access(files, sql: str) -> None:
    out = call(files, "query_data", upload=1, sql=sql)
    assert out.error
    assert not Path("/tmp/stolen.csv").exists()


def test_file_access_is_refused_by_duckdb_itself_not_only_by_the_statement_check(files) -> None:
    with pytest.raises(ToolFailed, match="Permission Error"):
        run_query(files.uploads[1].path, "SELECT * FROM read_csv_auto('/etc/hostname')",
                  max_rows=5, timeout_s=5)


def test_a_query_over_the_time_limit_is_interrupted(files) -> None:
    with pytest.raises(ToolFailed, match="longer than 0.2 s"):
        run_query(files.uploads[1].path, "SELECT count(*) FROM range(100000000000)",
                  max_rows=5, timeout_s=0.2)


def test_queries_only_reach_uploads_attached_to_the_conversation(files) -> None:
    out = call(files, "query_data", upload=99, sql="SELECT 1")
    assert "No attached upload has id 99" in out.error
    assert "is a log, not a csv" in call(files, "query_data", upload=2, sql="SELECT 1").error


def test_the_profile_has_schema_and_stats_but_no_raw_rows(files) -> None:
    out = call(files, "profile_data", upload=1)
    assert out.error is None
    assert (out.data["rows"], out.data["column_count"]) == (500, 3)
    amount = next(c for c in out.data["columns"] if c["column"] == "amount")
    assert (amount["min"], amount["max"]) == (0, 499)
    assert "p1,1" not in model_content(out) and "north,p0" not in model_content(out)


def test_plot_returns_the_points_and_the_model_only_hears_about_them(files) -> None:
    out = call(files, "plot", upload=1, kind="bar", x="region", y="n",
               sql="SELECT region, count(*) AS n FROM data GROUP BY region")
    assert out.view == "chart" and out.error is None
    assert sorted(out.data["rows"]) == [["north", 250], ["south", 250]]
    assert json.loads(model_content(out))["chart"] == "drawn for the user"


@pytest.mark.parametrize("tool", ["query_data", "plot"])
def test_the_data_tools_run_duckdb_in_the_configured_sandbox_mode(
        files, tool: str, caplog: pytest.LogCaptureFixture) -> None:
    # With MINI_AGENT_SANDBOX_MODE=off the worker must say it runs unsandboxed; a tool that
    # ignored the setting would pick "auto" and sandbox it silently on this machine.
    ctx = dataclasses.replace(files, sandbox_mode="off")
    extra = {"kind": "bar", "x": "region", "y": "n"} if tool == "plot" else {}
    with caplog.at_level("INFO", logger="agent.tools.data_query"):
        out = call(ctx, tool, upload=1, **extra,
                   sql="SELECT region, count(*) AS n FROM data GROUP BY region")
    assert out.error is None
    assert any("MINI_AGENT_SANDBOX_MODE is off" in r.getMessage() for r in caplog.records)


def test_plot_with_a_column_the_result_lacks_is_a_tool_error(files) -> None:
    out = call(files, "plot", upload=1, kind="line", x="region", y="total",
               sql="SELECT region, count(*) AS n FROM data GROUP BY region")
    assert "no column 'total'" in out.error


@pytest.mark.parametrize("kind", KINDS)
def test_every_chart_kind_builds_a_figure(kind: str) -> None:
    frame = pd.DataFrame({"k": ["a", "b", "c"], "v": [3, 1, 2]})
    figure = build_figure(frame, kind, "k", "v", title="t")
    assert figure.data and figure.layout.title.text == "t"


def test_figures_use_the_named_columns() -> None:
    figure = build_figure(pd.DataFrame({"k": ["a", "b"], "v": [3, 1]}), "bar", "k", "v")
    assert list(figure.data[0].x) == ["a", "b"] and list(figure.data[0].y) == [3, 1]
    pie = build_figure(pd.DataFrame({"k": ["a", "b"], "v": [3, 1]}), "pie", "k", "v")
    assert list(pie.data[0].labels) == ["a", "b"]
    with pytest.raises(ValueError, match="Unknown chart kind"):
        build_figure(pd.DataFrame({"k": [1]}), "radar", "k")


def test_the_log_digest_has_levels_top_errors_and_traces(files) -> None:
    out = call(files, "log_digest", upload=2)
    assert out.error is None
    assert out.data["levels"] == {"INFO": 2, "WARN": 1, "ERROR": 2}
    top = out.data["top_error_templates"][0]
    assert top["count"] >= 1 and top["first_seen"].startswith("2024-01-01T10:00")
    assert out.data["stack_traces"][0]["exception"] == "ValueError"
    assert len(model_content(out)) < 8_000


def test_the_log_digest_stays_within_its_budget_on_a_noisy_log(tmp_path: Path) -> None:
    lines = "".join(f"2024-01-01 10:{i // 60:02d}:{i % 60:02d} ERROR failure kind{i % 40} "
                    f"{'x' * 150}\nTraceback (most recent call last):\n  File \"m{i % 7}.py\", "
                    f"line {i}, in f\nKeyError: k{i % 9}\n" for i in range(2000))
    path = tmp_path / "noisy.log"
    path.write_text(lines)
    ctx = ToolContext(uploads={3: UploadRef(3, "noisy.log", "log", path)})
    out = call(ctx, "log_digest", upload=3)
    assert out.error is None and out.data["records"] == 2000
    assert len(str(out.data)) <= 8_000


def test_log_search_filters_by_pattern_level_and_time(files) -> None:
    out = call(files, "search_log", upload=2, pattern="host=[ab]", level="ERROR")
    assert out.data["total_matches"] == 2
    assert [m["line"] for m in out.data["matches"]] == [2, 3]
    late = call(files, "search_log", upload=2, since="2024-01-01T10:01:00")
    assert [m["level"] for m in late.data["matches"]] == ["WARN", "INFO"]
    bad = call(files, "search_log", upload=2, pattern="(")
    assert "not a valid regular expression" in bad.error
