"""Tests for the log triage library: formats, records, templates, aggregates, bad input."""

from __future__ import annotations

import gzip
import io
import json

import pandas as pd
import pytest

from agent.analysis.logs import LogAnalysisError, LogReport, analyze_log
from agent.analysis.logs.figures import timeline_figure, top_templates_figure
from agent.analysis.logs.read import ReadState, iter_chunks, split_chunk


def _log(text: str) -> LogReport:
    return analyze_log(text.encode())


# --- format detection -------------------------------------------------------------------------

JSON_LINES = "\n".join(
    json.dumps({"ts": f"2024-05-01T10:00:0{i}Z", "level": lvl, "logger": "api", "msg": f"req {i}"})
    for i, lvl in enumerate(["info", "warning", "error", "debug"])
)
LOGFMT = "\n".join(
    f'time=2024-05-01T10:00:0{i}Z level={lvl} component=db msg="query took {i}ms"'
    for i, lvl in enumerate(["info", "warn", "error"])
)
SYSLOG_3164 = (
    "<34>Oct 11 22:14:15 mymachine su[230]: 'su root' failed for lonvick on /dev/pts/8\n"
    "<13>Oct 11 22:14:16 mymachine cron[231]: job started\n"
)
SYSLOG_5424 = (
    '<165>1 2003-10-11T22:14:15.003Z host.example.com evntslog - ID47 [ex@32473 iut="3"] '
    "An application event\n"
    "<163>1 2003-10-11T22:14:16.003Z host.example.com evntslog - ID48 - Another event\n"
)
ACCESS = (
    '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326 "-" "curl"\n'
    '127.0.0.1 - - [10/Oct/2000:13:55:37 -0700] "GET /missing HTTP/1.0" 404 0 "-" "curl"\n'
    '10.0.0.2 - - [10/Oct/2000:13:55:38 -0700] "POST /api HTTP/1.1" 503 12 "-" "curl"\n'
)
APACHE_ERROR = (
    "[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties\n"
    "[Sun Dec 04 04:47:45 2005] [error] mod_jk child workerEnv in error state 6\n"
)
NGINX_ERROR = (
    '2024/05/01 10:00:00 [error] 1234#0: *5 open() "/var/www/x" failed (2: No such file)\n'
    "2024/05/01 10:00:01 [warn] 1234#0: *6 upstream response is buffered\n"
)
PYTHON_DEFAULT = "WARNING:root:disk almost full\nERROR:app.db:connection lost\n"
PYTHON_FORMATTED = (
    "2024-05-01 10:00:00,123 - app.db - INFO - connected\n"
    "2024-05-01 10:00:01,456 - app.db - CRITICAL - connection lost\n"
)
LOG4J = (
    "2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.App: Created app 12\n"
    "2015-10-18 18:01:48,963 WARN [main] org.apache.hadoop.App: Slow start 13\n"
)


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        (JSON_LINES, "json"),
        (LOGFMT, "logfmt"),
        (SYSLOG_3164, "syslog-rfc3164"),
        (SYSLOG_5424, "syslog-rfc5424"),
        (ACCESS, "apache-access"),
        (APACHE_ERROR, "apache-error"),
        (NGINX_ERROR, "nginx-error"),
        (PYTHON_DEFAULT, "python-logging"),
        # Generic layouts are learned from the file rather than picked from a list.
        (PYTHON_FORMATTED, "learned"),
        (LOG4J, "learned"),
    ],
)
def test_each_common_format_is_detected_without_configuration(text: str, fmt: str) -> None:
    report = _log(text)
    assert report.format.split(":")[0] == fmt
    assert len(report.records) == text.strip().count("\n") + 1
    assert report.records["message"].notna().all()


def test_json_lines_give_timestamp_level_component_and_message() -> None:
    records = _log(JSON_LINES).records
    assert records["level"].tolist() == ["INFO", "WARN", "ERROR", "DEBUG"]
    assert records["component"].iloc[0] == "api"
    assert records["message"].iloc[1] == "req 1"
    assert records["timestamp"].iloc[0] == pd.Timestamp("2024-05-01 10:00:00")


def test_logfmt_quoted_message_is_unquoted() -> None:
    records = _log(LOGFMT).records
    assert records["message"].iloc[2] == "query took 2ms"
    assert records["level"].tolist() == ["INFO", "WARN", "ERROR"]


def test_syslog_priority_gives_the_level_and_the_program_is_the_component() -> None:
    records = _log(SYSLOG_3164).records
    assert records["level"].tolist() == ["FATAL", "INFO"]
    assert records["component"].tolist() == ["su", "cron"]


def test_access_log_levels_come_from_the_http_status() -> None:
    assert _log(ACCESS).records["level"].tolist() == ["INFO", "WARN", "ERROR"]


def test_python_logging_levels_are_normalized() -> None:
    assert _log(PYTHON_DEFAULT).records["level"].tolist() == ["WARN", "ERROR"]
    assert _log(PYTHON_FORMATTED).records["level"].tolist() == ["INFO", "FATAL"]


def test_a_timestamp_then_a_message_is_understood() -> None:
    report = _log("2024-05-01 10:00:00 service started\n2024-05-01 10:00:05 service stopped\n")
    assert report.records["timestamp"].notna().all()
    assert report.records["message"].tolist() == ["service started", "service stopped"]


# --- levels -----------------------------------------------------------------------------------


def test_single_letter_levels_are_normalized_where_the_format_uses_them() -> None:
    text = (
        "03-17 16:13:38.811  1702  2395 D WindowManager: freezing display\n"
        "03-17 16:13:38.812  1702  2395 W WindowManager: slow frame\n"
        "03-17 16:13:38.813  1702  2395 E WindowManager: crashed\n"
    )
    assert _log(text).records["level"].tolist() == ["DEBUG", "WARN", "ERROR"]


def test_level_aliases_map_to_the_six_normalized_levels() -> None:
    words = ["WARNING", "SEVERE", "CRITICAL", "notice", "FINE", "TRACE"]
    text = "".join(f"2024-05-01 10:00:0{i} {w} comp: message {i}\n" for i, w in enumerate(words))
    assert _log(text).records["level"].tolist() == [
        "WARN",
        "ERROR",
        "FATAL",
        "INFO",
        "DEBUG",
        "TRACE",
    ]


# --- multi-line records -----------------------------------------------------------------------

PY_TRACE = """2024-05-01 10:00:00,000 INFO app: starting
2024-05-01 10:00:01,000 ERROR app: request failed
Traceback (most recent call last):
  File "/srv/app/handlers.py", line 10, in handle
    process(request)
  File "/srv/app/logic.py", line 42, in process
    raise ValueError("bad input")
ValueError: bad input
2024-05-01 10:00:02,000 INFO app: still running
"""
JAVA_TRACE = """2024-05-01 10:00:00,000 ERROR [main] com.acme.Server: Request failed
java.lang.IllegalStateException: closed
\tat com.acme.Pool.take(Pool.java:88)
\tat com.acme.Server.handle(Server.java:12)
Caused by: java.io.IOException: reset
\t... 2 more
2024-05-01 10:00:01,000 INFO [main] com.acme.Server: Recovered
"""


def test_python_traceback_stays_with_the_line_that_starts_it() -> None:
    records = _log(PY_TRACE).records
    assert records["line"].tolist() == [1, 2, 9]
    assert records["message"].iloc[1].endswith("ValueError: bad input")
    assert "Traceback" in records["message"].iloc[1]


def test_java_exception_stays_with_the_line_that_starts_it() -> None:
    records = _log(JAVA_TRACE).records
    assert records["line"].tolist() == [1, 7]
    assert "Caused by" in records["message"].iloc[0]


def test_stack_traces_are_grouped_by_exception_and_top_frame() -> None:
    report = _log(PY_TRACE + PY_TRACE.replace("10:00:0", "10:05:0") + JAVA_TRACE)
    traces = report.stack_traces.set_index("exception")
    assert traces.loc["ValueError", "count"] == 2
    assert traces.loc["ValueError", "top_frame"] == "/srv/app/logic.py:42 in process"
    assert traces.loc["java.lang.IllegalStateException", "top_frame"] == (
        "com.acme.Pool.take(Pool.java:88)"
    )
    assert {"first_seen", "last_seen", "example"} <= set(traces.columns)


def test_indented_lines_continue_a_record_in_a_log_without_headers() -> None:
    records = _log("first message\n  more of it\nsecond message\n").records
    assert records["line"].tolist() == [1, 3]


# --- templates --------------------------------------------------------------------------------


def test_templates_mask_numbers_ids_ips_paths_and_uuids() -> None:
    lines = [
        f"2024-05-01 10:00:{i:02d} INFO worker: job {i} for 10.0.0.{i}:80{i} wrote /tmp/out/{i}.csv"
        f" id {u}"
        for i, u in enumerate(
            ["0b4e3b1c-3f4e-4a7e-9a41-6f1c2b3d4e5f", "9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f"]
        )
    ]
    report = _log("\n".join(lines))
    assert len(report.templates) == 1
    row = report.templates.iloc[0]
    assert row["template"] == "job <*> for <*> wrote <*> id <*>"
    assert row["count"] == 2
    assert row["levels"].tolist() == ["INFO"]
    assert row["example"].startswith("job 0")


def test_a_template_lists_every_level_its_records_carry_in_name_order() -> None:
    cycle = ["WARN", "DEBUG", "FATAL", "INFO", "TRACE", "ERROR", "WARN", "INFO"]
    text = "".join(
        f"2024-05-01 10:00:{i:02d} {level} worker: job {i} done\n" for i, level in enumerate(cycle)
    ) + "2024-05-01 10:01:00 INFO cache: warmed\n"
    report = _log(text)
    levels = dict(zip(report.templates["template"], report.templates["levels"], strict=True))
    assert levels["job <*> done"].tolist() == ["DEBUG", "ERROR", "FATAL", "INFO", "TRACE", "WARN"]
    assert levels["warmed"].tolist() == ["INFO"]
    # Top errors count only the records at WARN or above, and list only their levels.
    top = report.top_errors.iloc[0]
    assert (top["template"], top["count"]) == ("job <*> done", 4)
    assert top["levels"].tolist() == ["ERROR", "FATAL", "WARN"]


def test_a_template_spread_over_levels_keeps_its_first_record_and_whole_time_span() -> None:
    # The first record is neither at the template's most common level nor its most severe.
    cycle = ["DEBUG", "ERROR", "INFO", "WARN", "ERROR", "INFO", "INFO", "DEBUG"]
    text = "".join(
        f"2024-05-01 10:00:{i:02d} {level} worker: job {i} done\n" for i, level in enumerate(cycle)
    )
    report = _log("2024-05-01 09:59:59 INFO cache: warmed\n" + text)
    row = report.templates.set_index("template").loc["job <*> done"]
    assert (row["count"], row["example"], row["first_line"]) == (8, "job 0 done", 2)
    assert row["first_seen"] == pd.Timestamp("2024-05-01 10:00:00")
    assert row["last_seen"] == pd.Timestamp("2024-05-01 10:00:07")
    assert report.level_counts == {"DEBUG": 2, "INFO": 4, "WARN": 1, "ERROR": 2}
    top = report.top_errors.iloc[0]
    assert (top["count"], top["example"], bool(top["inferred"])) == (3, "job 0 done", False)


def test_templates_keep_different_events_apart_and_merge_variable_words() -> None:
    users = ["alice", "bob", "carol", "dave", "erin"]
    text = "".join(
        f"2024-05-01 10:00:{i:02d} INFO sshd: {verb} password for {u} from 10.0.0.{i}\n"
        for i, (verb, u) in enumerate((v, u) for v in ("Accepted", "Failed") for u in users)
    )
    templates = set(_log(text).templates["template"])
    assert templates == {
        "Accepted password for <*> from <*>",
        "Failed password for <*> from <*>",
    }


def test_every_record_has_a_template_and_templates_count_their_records() -> None:
    report = _log(LOG4J + PYTHON_FORMATTED)
    assert report.records["template_id"].notna().all()
    assert report.templates["count"].sum() == len(report.records)


# --- timeline and spikes ----------------------------------------------------------------------


def _spiky_log() -> str:
    lines = []
    for minute in range(30):
        per_minute = 60 if minute == 20 else 3
        for second in range(per_minute):
            level = "ERROR" if minute == 20 else "INFO"
            lines.append(
                f"2024-05-01 10:{minute:02d}:{second % 60:02d} {level} api: call {second} done"
            )
    return "\n".join(lines)


def test_a_burst_of_records_is_flagged_as_a_spike() -> None:
    report = _log(_spiky_log())
    assert report.bucket == "1m"
    spikes = report.spikes
    assert spikes["bucket"].tolist() == [pd.Timestamp("2024-05-01 10:20")]
    assert spikes["ERROR"].iloc[0] == 60
    assert report.timeline["total"].sum() == len(report.records)


def test_level_counts_span_and_top_errors() -> None:
    report = _log(_spiky_log())
    assert report.level_counts == {"INFO": 29 * 3, "ERROR": 60}
    assert report.span == pd.Timedelta(minutes=29, seconds=2)
    assert report.top_errors.iloc[0]["count"] == 60
    assert report.top_errors.iloc[0]["template"] == "call <*> done"


def test_summary_is_json_serializable() -> None:
    summary = _log(_spiky_log()).summary()
    data = json.loads(json.dumps(summary))
    assert data["format"].startswith("learned")
    assert data["records"] == 29 * 3 + 60
    assert data["levels"]["ERROR"] == 60
    assert data["top_error_templates"][0]["count"] == 60
    assert len(data["spikes"]) == 1


def test_timeline_figure_stacks_levels_and_marks_spikes() -> None:
    report = _log(_spiky_log())
    figure = timeline_figure(report)
    bars = {t.name: t for t in figure.data if t.type == "bar"}
    assert set(bars) == {"INFO", "ERROR"}
    assert figure.layout.barmode == "stack"
    markers = [t for t in figure.data if t.type == "scatter"]
    assert len(markers) == 1 and list(markers[0].x) == [pd.Timestamp("2024-05-01 10:20")]


def test_top_templates_figure_shows_counts() -> None:
    report = _log(_spiky_log())
    figure = top_templates_figure(report)
    assert sorted(figure.data[0].x) == sorted(report.templates["count"].head(10).tolist())


# --- bad input --------------------------------------------------------------------------------


def test_an_empty_file_is_refused_with_a_clear_message() -> None:
    with pytest.raises(LogAnalysisError, match="empty"):
        analyze_log(b"")


def test_a_binary_file_is_refused() -> None:
    with pytest.raises(LogAnalysisError, match="binary"):
        analyze_log(bytes(range(256)) * 40)


def test_an_image_is_refused_and_named() -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(200)
    with pytest.raises(LogAnalysisError, match="PNG image"):
        analyze_log(png)


def test_a_ten_megabyte_line_is_analysed_and_reported() -> None:
    text = b"2024-05-01 10:00:00 INFO a: short\n2024-05-01 10:00:01 INFO a: " + b"x" * 10_000_000
    report = analyze_log(text + b"\n2024-05-01 10:00:02 INFO a: end\n")
    assert len(report.records) == 3
    assert any("Line 2 is 10.0 MB long" in w for w in report.warnings)


def test_invalid_utf8_in_the_middle_is_replaced_and_noted() -> None:
    report = analyze_log(b"2024-05-01 10:00:00 INFO a: caf\xe9 ok\n2024-05-01 10:00:01 INFO a: b\n")
    assert report.records["message"].iloc[0] == "caf\ufffd ok"
    assert any("UTF-8" in w for w in report.warnings)


def test_gzip_input_is_sniffed_and_read() -> None:
    report = analyze_log(io.BytesIO(gzip.compress(LOG4J.encode())))
    assert report.format.startswith("learned")
    assert len(report.records) == 2


def test_a_truncated_gzip_is_analysed_as_far_as_readable_with_a_warning() -> None:
    body = "".join(f"2024-05-01 10:00:00 INFO a: message number {i}\n" for i in range(20000))
    data = gzip.compress(body.encode())
    report = analyze_log(data[: len(data) // 2])
    assert 0 < len(report.records) < 20000
    assert any("truncated" in w for w in report.warnings)


def test_a_gzip_cut_in_its_header_is_refused() -> None:
    with pytest.raises(LogAnalysisError, match="truncated"):
        analyze_log(gzip.compress(b"hello\n")[:10])


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_text_with_a_byte_order_mark_is_read_in_its_encoding(encoding: str) -> None:
    # Windows PowerShell writes redirected output as UTF-16 with a byte order mark.
    text = "".join(f"2024-05-01 10:00:0{i} WARN café: retry {i}\r\n" for i in range(4))
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    report = analyze_log(gzip.compress(data) if encoding == "utf-32" else data)
    assert report.records["timestamp"].iloc[0] == pd.Timestamp("2024-05-01 10:00:00")
    assert report.records["level"].eq("WARN").all()
    assert report.records["message"].iloc[3] == "retry 3"
    assert report.records["component"].iloc[0] == "café"


def test_mixed_line_endings_give_one_record_per_line() -> None:
    report = analyze_log(
        b"2024-05-01 10:00:00 INFO a: one\r\n2024-05-01 10:00:01 INFO a: two\r"
        b"2024-05-01 10:00:02 INFO a: three\n"
    )
    assert report.records["message"].tolist() == ["one", "two", "three"]


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_lines_of_every_length_around_the_inline_limit_are_cut_exactly(ending: str) -> None:
    # Arrow keeps texts of up to 12 bytes inside the view and points into the chunk for longer
    # ones; multi-byte characters straddle that limit here, and the last line has no break.
    texts = ["", "\r"] + ["x" * n for n in range(1, 30)] + ["é" * n for n in range(1, 16)]
    texts += ["日本語のログ行" * 3, "tab\tinside", "a\rb"]
    chunk = ending.join(texts).encode()
    lines, replaced = split_chunk(chunk)
    # One CR before a line break goes with it (CRLF): the "\r" line keeps its own CR only then.
    expected = texts if ending == "\r\n" else [t.removesuffix("\r") for t in texts]
    assert lines.to_list() == expected
    assert not replaced


def test_small_read_chunks_give_the_same_records_as_one_chunk(monkeypatch) -> None:  # noqa: ANN001
    data = b"".join(
        b"2024-05-01 10:00:%02d INFO a: line %d\r\n" % (i % 60, i)
        + (b"  at frame(%d)\n" % i if i % 7 == 0 else b"")
        + (b"2024-05-01 10:01:00 WARN b: lone cr\r" if i % 11 == 0 else b"")
        for i in range(300)
    )
    whole = analyze_log(data).records
    monkeypatch.setattr("agent.analysis.logs.read.CHUNK_BYTES", 97)
    monkeypatch.setattr("agent.analysis.logs.read.READ_BYTES", 13)
    pd.testing.assert_frame_equal(analyze_log(data).records, whole)
    assert analyze_log(gzip.compress(data)).records["message"].tolist() == whole["message"].tolist()


def test_a_chunk_ends_at_the_last_line_break_of_its_read_and_a_long_line_stays_whole(
    monkeypatch,  # noqa: ANN001
) -> None:
    monkeypatch.setattr("agent.analysis.logs.read.CHUNK_BYTES", 8)
    data = b"one\ntwo\nthree-is-long\nfour\n"
    for source in (data, io.BytesIO(data)):
        chunks = [bytes(chunk) for chunk in iter_chunks(source, ReadState())]
        # The first read takes 8 bytes after the 2 sniffed for gzip; "three-is-long" spans two
        # reads without a line break and goes whole into the next chunk.
        assert chunks == [b"one\ntwo\n", b"three-is-long\n", b"four\n"]


def test_levels_stated_as_labels_are_found_as_the_label_pattern_finds_them() -> None:
    import polars as pl

    from agent.analysis.logs.fields import labelled_level, labelled_levels

    messages = pl.Series(
        "m",
        [
            "12345 ERROR:  relation missing",
            "WARNING: disk nearly full",
            "a b c d e f WARN: too deep for a label",
            "one two three four five NOTICE: five words in",
            "DEBUG3: verbose",
            "INFO:glued",
            "xERROR: inside a word",
            "no label ERROR here",
            "",
            None,
        ],
    )
    expected = messages.to_frame().select(labelled_level(pl.col("m"))).to_series()
    assert labelled_levels(messages).to_list() == expected.to_list()
    assert expected.drop_nulls().to_list() == ["ERROR", "WARN", "INFO", "DEBUG"]


def test_formats_adopted_while_other_chunks_wait_give_the_same_result_every_run(
    monkeypatch,  # noqa: ANN001
) -> None:
    # Small chunks: a chunk that meets a new format waits for the earlier ones, and applies
    # each format they adopt as it comes. Which thread runs first must change nothing.
    syslog = [
        f"May  1 10:{i // 60:02d}:{i % 60:02d} web sshd[{i}]: session {i} opened"
        for i in range(400)
    ]
    java = [
        f"2024-05-01 11:{i // 60:02d}:{i % 60:02d},{i:03d} ERROR [main] db.Pool: lost {i}"
        for i in range(400)
    ]
    spark = [
        f"24/05/01 12:{i // 60:02d}:{i % 60:02d} WARN scheduler.Dag: stage {i} slow"
        for i in range(400)
    ]
    lines = syslog + java + spark + syslog[:100]
    data = ("\n".join(lines) + "\n").encode()
    monkeypatch.setattr("agent.analysis.logs.read.CHUNK_BYTES", 12_000)
    first = analyze_log(data)
    assert first.format.startswith("mixed:") and first.format.count(",") == 2
    assert len(first.records) == len(lines)
    assert first.records["timestamp"].notna().all()
    for _ in range(4):
        again = analyze_log(data)
        assert again.format == first.format
        pd.testing.assert_frame_equal(again.records, first.records)


def test_timestamps_spelled_differently_after_the_detection_sample_still_parse() -> None:
    # Normalisation steps are chosen on the first lines; a later bracketed time needs another.
    early = "".join(f"2024-05-01 10:{i // 60 % 60:02d}:{i % 60:02d}.250 INFO a: one {i}\n"
                    for i in range(2500))
    late = "[2024-05-01 11:00:00.500] INFO a: two\n2024-05-01 11:00:01.750 INFO a: three\n"
    records = analyze_log((early + late).encode()).records
    assert records["timestamp"].notna().all()
    assert records["timestamp"].iloc[-2] == pd.Timestamp("2024-05-01 11:00:00.500")
    assert records["timestamp"].iloc[-1] == pd.Timestamp("2024-05-01 11:00:01.750")


def test_a_log_without_timestamps_is_analysed_with_a_warning() -> None:
    report = _log("just some text\nanother line of text\n")
    assert report.records["timestamp"].isna().all()
    assert report.timeline.empty and report.span is None
    assert any("No timestamps" in w for w in report.warnings)


def test_timestamps_that_go_backwards_are_reported_with_the_line() -> None:
    report = _log(
        "2024-05-01 10:00:05 INFO a: one\n2024-05-01 10:00:01 INFO a: two\n"
        "2024-05-01 10:00:09 INFO a: three\n"
    )
    assert "Timestamps go backwards at line 2." in report.warnings


def test_a_log_written_newest_first_is_said_to_be_in_reverse_order() -> None:
    lines = [f"2024-05-01 10:{59 - i:02d}:00 INFO a: job {i}" for i in range(30)]
    report = _log("\n".join(lines) + "\n")
    assert report.warnings == ["The records run newest first: the file is in reverse time order."]


def test_a_missing_file_is_a_clear_error(tmp_path) -> None:  # noqa: ANN001
    with pytest.raises(LogAnalysisError, match="No log file"):
        analyze_log(tmp_path / "nope.log")


def test_progress_is_reported_from_zero_to_one(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "app.log"
    path.write_text(LOG4J)
    seen: list[float] = []
    analyze_log(path, progress=lambda fraction, message: seen.append(fraction))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


def test_timestamp_normalisation_skipping_unneeded_steps_parses_the_same() -> None:
    import polars as pl

    from agent.analysis.logs.fields import parse_timestamps

    values = pl.Series(
        "ts",
        ["2024-01-02T03:04:05,123Z", "2024-01-02  03:04:06Z", " 2024-01-02 03:04:07.5Z", None],
    )
    frame = pl.DataFrame({"ts": values})
    layout = "%Y-%m-%d %H:%M:%S%.f%z"
    full = frame.select(parse_timestamps(pl.col("ts"), layout)).to_series()
    assert full.null_count() == 1
    assert frame.select(parse_timestamps(pl.col("ts"), layout, values)).to_series().equals(full)
    plain = pl.DataFrame({"ts": ["2024-01-02 03:04:05", "2024-01-02 03:04:06.250"]})
    skipped = plain.select(parse_timestamps(pl.col("ts"), layout[:-2], plain["ts"])).to_series()
    assert skipped.equals(plain.select(parse_timestamps(pl.col("ts"), layout[:-2])).to_series())
    assert skipped.null_count() == 0


def test_timestamp_white_space_runs_of_any_kind_become_one_space() -> None:
    import polars as pl

    from agent.analysis.logs.fields import _normalise_ts

    values = ["Jul\t 6 12:03:12", "Jul  6\u00a012:03:12", "Jul 6 12:03:12", " Jul \u2003 6\t12:03"]
    frame = pl.DataFrame({"ts": values})
    normal = frame.select(_normalise_ts(pl.col("ts"), frame["ts"])).to_series().to_list()
    assert normal == ["Jul 6 12:03:12"] * 3 + ["Jul 6 12:03"]
