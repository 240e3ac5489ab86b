"""Stack traces of other runtimes than Python's and Java's: kept with their record, grouped."""

from __future__ import annotations

import json

import pytest

from agent.analysis.logs import LogReport, analyze_log


def _log(text: str) -> LogReport:
    return analyze_log(text.encode())


NODE = """\
2023-09-01T08:00:00.000Z info: server listening on 8080
2023-09-01T08:00:01.000Z error: config could not be loaded
Error: EACCES: permission denied, open '/etc/app/settings.json'
    at Object.openSync (node:fs:596:3)
    at readFileSync (node:fs:464:35)
    at loadSettings (/srv/app/settings.js:12:20)
2023-09-01T08:00:02.000Z info: falling back to defaults
2023-09-01T08:00:09.000Z error: config could not be loaded
TypeError: Cannot read properties of undefined (reading 'port')
    at /srv/app/server.js:40:17
2023-09-01T08:00:10.000Z info: falling back to defaults
"""


def test_a_javascript_trace_stays_with_its_record_and_is_grouped_by_error_and_frame() -> None:
    report = _log(NODE)
    assert report.records["line"].tolist() == [1, 2, 7, 8, 11]
    traces = report.stack_traces.set_index("exception")
    assert traces.loc["Error", "top_frame"] == "Object.openSync (node:fs:596:3)"
    assert traces.loc["TypeError", "top_frame"] == "/srv/app/server.js:40:17"


GO = """\
2023/09/01 08:00:00 [INFO] worker 3 started
2023/09/01 08:00:05 [ERROR] worker 3 crashed
panic: assignment to entry in nil map

goroutine 7 [running]:
github.com/acme/queue.(*Worker).handle(0xc0000a2000, {0x6d2c40, 0xc0000b6000})
\t/src/queue/worker.go:88 +0x1a5
created by github.com/acme/queue.Start
\t/src/queue/start.go:21 +0x85
2023/09/01 08:00:06 [INFO] worker 4 started
2023/09/01 08:01:05 [ERROR] worker 4 crashed
panic: runtime error: index out of range [3] with length 2

goroutine 9 [running]:
main.pick(...)
\t/src/main.go:14
2023/09/01 08:01:06 [INFO] worker 5 started
"""


def test_a_go_panic_is_grouped_by_its_words_without_values_and_the_top_call() -> None:
    report = _log(GO)
    assert report.records["line"].tolist() == [1, 2, 10, 11, 17]
    traces = report.stack_traces.set_index("exception")
    assert traces.loc["panic: assignment to entry in nil map", "top_frame"] == (
        "github.com/acme/queue.(*Worker).handle (/src/queue/worker.go:88)"
    )
    assert traces.loc["panic: runtime error: index out of range", "top_frame"] == (
        "main.pick (/src/main.go:14)"
    )



CHAIN = """\
2023-09-01 08:00:00,000 - app - INFO - started
2023-09-01 08:00:01,000 - app - ERROR - job failed
Traceback (most recent call last):
  File "/srv/app/jobs.py", line 10, in run
    value = int(raw)
ValueError: bad

{joint}

Traceback (most recent call last):
  File "/srv/app/jobs.py", line 12, in run
    raise JobError("bad input")
app.errors.JobError: bad input
2023-09-01 08:00:02,000 - app - INFO - next job
"""


def test_chained_python_tracebacks_are_one_record_grouped_by_the_last_exception() -> None:
    handling = "During handling of the above exception, another exception occurred:"
    cause = "The above exception was the direct cause of the following exception:"
    report = _log(CHAIN.format(joint=handling) + CHAIN.format(joint=cause))
    assert report.records["line"].tolist() == [1, 2, 14, 15, 16, 28]
    traces = report.stack_traces.set_index("exception")
    assert traces.loc["app.errors.JobError", "count"] == 2
    assert traces.loc["app.errors.JobError", "top_frame"] == "/srv/app/jobs.py:12 in run"


def test_an_unterminated_sql_statement_keeps_its_clauses_written_on_lines_of_their_own() -> None:
    text = (
        "2024-03-05 14:22:01,120 INFO sqlalchemy.engine.Engine BEGIN (implicit)\n"
        "2024-03-05 14:22:01,123 INFO sqlalchemy.engine.Engine SELECT users.id, users.name \n"
        "FROM users \n"
        "WHERE users.id = %(pk_1)s\n"
        "2024-03-05 14:22:01,124 INFO sqlalchemy.engine.Engine [cached since 2s] {'pk_1': 5}\n"
        "2024-03-05 14:22:01,130 INFO sqlalchemy.engine.Engine DELETE FROM users WHERE id = 5;\n"
        "users deleted: 1\n"
    )
    records = _log(text).records
    # The statement ended by its semicolon announces nothing: the line after it stands alone.
    assert records["line"].tolist() == [1, 2, 5, 6, 7]
    assert records["message"].iloc[1].endswith("FROM users \nWHERE users.id = %(pk_1)s")



@pytest.mark.parametrize("heading", ["** (RuntimeError) boom", "stack backtrace:"])
def test_an_elixir_error_report_or_a_rust_backtrace_heading_continues_its_record(
    heading: str,
) -> None:
    text = (
        "2024-03-05 14:22:01,100 - app.web - INFO - Running endpoint at 0.0.0.0:4000 (http)\n"
        "2024-03-05 14:22:01,123 - app.tasks - ERROR - Task 12 from the supervisor terminating\n"
        f"{heading}\n"
        "2024-03-05 14:22:03,000 - app.web - INFO - Sent 200 in 1ms\n"
        "2024-03-05 14:22:04,000 - app.web - INFO - Sent 200 in 2ms\n"
    )
    assert _log(text).records["line"].tolist() == [1, 2, 4, 5]


def test_merged_output_behind_source_names_is_read_per_program_with_its_tracebacks() -> None:
    lines = []
    for i in range(12):
        source = ["api-1   ", "worker-1"][i % 2]
        lines.append(f"{source}  | 2024-03-05 14:22:{i:02d},123 INFO jobs: step {i} done")
        if i % 4 == 1:
            lines += [
                f"{source}  | 2024-03-05 14:22:{i:02d},500 ERROR jobs: step {i} failed",
                f"{source}  | Traceback (most recent call last):",
                f'{source}  |   File "/app/jobs.py", line 7, in run',
                f"{source}  | KeyError: 'step'",
            ]
    report = _log("\n".join(lines) + "\n")
    records = report.records
    assert len(records) == 15
    assert records["timestamp"].notna().all()
    assert records["component"].iloc[:2].tolist() == ["api-1", "worker-1"]
    assert report.stack_traces.set_index("exception").loc["KeyError", "count"] == 3


def test_a_level_before_a_bar_is_no_source_name() -> None:
    lines = [f"{level} | 2024-03-05 14:22:{i:02d} step {i} done" for i, level in
             enumerate(["INFO", "WARN", "INFO", "ERROR"] * 3)]
    records = _log("\n".join(lines) + "\n").records
    assert records["level"].tolist()[:4] == ["INFO", "WARN", "INFO", "ERROR"]


def test_a_stack_trace_held_in_a_json_value_is_found_whatever_its_key() -> None:
    python = (
        'Traceback (most recent call last):\n  File "/app/jobs.py", line 7, in run\nKeyError: 1'
    )
    java = "java.lang.IllegalStateException: closed\n\tat com.acme.Pool.take(Pool.java:88)"
    lines = []
    for i in range(12):
        lines.append(json.dumps({"time": f"2024-03-05T14:22:{i:02d}Z", "level": "info",
                                 "msg": f"step {i} done"}))
    lines.insert(3, json.dumps({"time": "2024-03-05T14:22:03.5Z", "level": "error",
                                "msg": "step 3 failed", "exc_info": python}))
    lines.insert(8, json.dumps({"time": "2024-03-05T14:22:07.5Z", "level": "error",
                                "msg": "pool failed", "error": {"stack": java}}))
    report = _log("\n".join(lines) + "\n")
    assert len(report.records) == 14
    traces = report.stack_traces.set_index("exception")
    assert traces.loc["KeyError", "top_frame"] == "/app/jobs.py:7 in run"
    assert traces.loc["java.lang.IllegalStateException", "count"] == 1
    # The trace follows the record's message; the templates are the messages'.
    assert report.records["message"].iloc[3].startswith("step 3 failed\nTraceback")
    assert "step <*> failed" in report.templates["template"].tolist()


def test_kubectl_prefixed_output_is_read_per_container() -> None:
    lines = []
    for i in range(10):
        source = ["pod/api-7d9c8-x2b/app", "pod/api-7d9c8-k4q/app"][i % 2]
        lines.append(f"[{source}] 2024-03-05T14:22:{i:02d}Z INFO handled request {i}")
        if i == 4:
            lines += [f"[{source}] Traceback (most recent call last):",
                      f'[{source}]   File "/app/main.py", line 3, in handle',
                      f"[{source}] KeyError: 'id'"]
    records = _log("\n".join(lines) + "\n").records
    assert len(records) == 10 and records["timestamp"].notna().all()
    assert records["component"].iloc[0] == "pod/api-7d9c8-x2b/app"


def test_a_traceback_under_a_header_of_only_a_level_continues_its_record() -> None:
    # uvicorn's console: `LEVEL:` padded, no time. A traceback's first words are no levels.
    lines = []
    for i in range(10):
        lines.append(f"INFO:     10.0.0.{i}:5{i}000 - \"GET /items/{i} HTTP/1.1\" 200 OK")
        if i % 3 == 1:
            lines += ["ERROR:    Exception in ASGI application", *TRACEBACK]
    report = _log("\n".join(lines) + "\n")
    assert len(report.records) == 13
    assert report.stack_traces.set_index("exception").loc["KeyError", "count"] == 3


TRACEBACK = [
    "Traceback (most recent call last):",
    '  File "/app/main.py", line 12, in read_item',
    '    return items["k"]',
    "KeyError: 'k'",
]
