"""Log shapes the known formats never saw: each failure of issue 9 on a small file made here."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import polars as pl
import pytest

from agent.analysis.logs import LogReport, analyze_log
from agent.analysis.logs.fields import infer_dates, infer_years


def _log(lines: list[str]) -> LogReport:
    return analyze_log(("\n".join(lines) + "\n").encode())


def test_a_file_name_before_the_header_is_never_read_as_the_time() -> None:
    lines = [
        f"billing-worker.log.3.2019-03-02_08:10:44 2019-03-01 23:59:{50 + i}.{i}07 4411 INFO "
        f"billing.queue.consumer [req-{i}a2 7f3e - - -] job {100 + i} picked up by worker {i}"
        for i in range(6)
    ]
    report = _log(lines)
    assert report.records["timestamp"].iloc[0] == pd.Timestamp("2019-03-01 23:59:50.007")
    assert report.records["level"].eq("INFO").all()
    assert report.records["message"].iloc[0] == "job 100 picked up by worker 0"
    assert not any("backwards" in w for w in report.warnings)


def test_a_dotted_date_elsewhere_in_the_header_gives_the_year_of_a_yearless_time() -> None:
    lines = [
        f"- 11315664{60 + i} 2005.11.09 rk{i} Nov 9 12:01:0{i} rk{i}/rk{i} "
        f"crond(pam_unix)[29{i}5]: session closed for user root"
        for i in range(6)
    ]
    report = _log(lines)
    assert report.records["timestamp"].iloc[3] == pd.Timestamp("2005-11-09 12:01:03")
    assert len(report.records) == len(lines)
    assert report.records["message"].eq("session closed for user root").all()
    assert not any("no year" in w for w in report.warnings)


def test_epoch_seconds_and_milliseconds_are_times_when_nothing_else_is() -> None:
    seconds = [f"{1600000000 + i} node-{i} sensor reading {i}" for i in range(5)]
    millis = [f"{1600000000000 + i * 1500} INFO tick {i}" for i in range(5)]
    assert _log(seconds).records["timestamp"].iloc[2] == pd.Timestamp("2020-09-13 12:26:42")
    assert _log(millis).records["timestamp"].iloc[1] == pd.Timestamp("2020-09-13 12:26:41.500")


def test_a_time_zone_offset_keeps_the_instant() -> None:
    lines = [f"2021-05-04 10:00:0{i} +0200 WARN disk {i} slow" for i in range(4)]
    report = _log(lines)
    assert report.records["timestamp"].iloc[0] == pd.Timestamp("2021-05-04 08:00:00")


def test_yearless_times_run_forward_across_new_year_and_the_report_says_so() -> None:
    lines = [
        "Dec 31 23:58:10 box cron[12]: nightly job started",
        "Dec 31 23:59:59 box cron[12]: nightly job running",
        "Jan  1 00:00:05 box cron[12]: nightly job done",
        "Jan  1 00:10:00 box sshd[99]: session opened",
    ]
    report = _log(lines)
    stamps = report.records["timestamp"]
    assert stamps.is_monotonic_increasing
    assert stamps.iloc[2].year == stamps.iloc[1].year + 1
    assert any("inferred" in w for w in report.warnings)
    assert not any("backwards" in w for w in report.warnings)


def test_inferred_years_end_no_later_than_today() -> None:
    import polars as pl

    stamps = pl.Series([dt.datetime(2000, 11, 30), dt.datetime(2000, 12, 2)])
    fixed = infer_years(stamps, today=dt.date(2030, 12, 1))
    assert fixed.to_list() == [dt.datetime(2029, 11, 30), dt.datetime(2029, 12, 2)]


def test_header_less_lines_among_headed_ones_are_records_of_their_own() -> None:
    lines = []
    for i in range(6):
        lines.append(f"2022-02-02 10:00:0{i} INFO svc: request {i} done")
        lines.append(f"worker {i} heartbeat ok")
    report = _log(lines)
    assert len(report.records) == len(lines)
    assert report.records["message"].iloc[1] == "worker 0 heartbeat ok"
    assert pd.isna(report.records["timestamp"].iloc[1])
    assert any("carry a time" in w for w in report.warnings)
    assert 0.45 < report.time_share < 0.55


def test_a_stack_trace_still_joins_the_record_that_raised_it() -> None:
    lines = [
        "2022-02-02 10:00:00 ERROR svc: request failed",
        "Traceback (most recent call last):",
        '  File "app.py", line 3, in <module>',
        "ZeroDivisionError: division by zero",
        "2022-02-02 10:00:01 INFO svc: request 2 done",
    ]
    report = _log(lines)
    assert report.records["line"].tolist() == [1, 5]
    assert "ZeroDivisionError" in report.records["message"].iloc[0]


def test_a_log_without_levels_takes_them_from_its_words_and_says_they_were_inferred() -> None:
    lines = [
        "[10.30 16:49:06] mail.exe - smtp.example.org:25 open through proxy proxy.example.org:8080",
        "[10.30 16:49:07] mail.exe - smtp.example.org:25 error : Could not connect through proxy",
        "[10.30 16:49:08] mail.exe - smtp.example.org:25 close, 0 bytes sent, lifetime <1 sec",
        "[10.30 16:49:09] mail.exe - connection to backup refused",
        "[10.30 16:49:10] mail.exe - Warning: retrying in 5 s",
    ]
    report = _log(lines)
    assert report.records["level"].tolist() == ["INFO", "ERROR", "INFO", "ERROR", "WARN"]
    assert report.records["level_inferred"].all()
    assert report.top_errors["inferred"].all()
    assert report.top_errors["count"].sum() == 3


def test_a_multi_line_record_without_a_level_takes_it_from_all_its_lines() -> None:
    lines = [
        "[10.30 16:49:06] worker.exe - handling job 7",
        "[10.30 16:49:07] worker.exe - handling job 8 with these settings:",
        "    retries 3",
        "    step 2 failed: connection refused",
        "[10.30 16:49:08] worker.exe - handling job 9",
    ]
    records = _log(lines).records
    assert records["line"].tolist() == [1, 2, 5]
    assert records["level"].tolist() == ["INFO", "ERROR", "INFO"]
    assert records["level_inferred"].all()


def test_a_level_field_is_not_marked_inferred() -> None:
    lines = [f"2022-02-02 10:00:0{i} ERROR db: lost {i}" for i in range(3)]
    report = _log(lines)
    assert report.records["level"].eq("ERROR").all()
    assert not report.records["level_inferred"].any()
    assert report.inferred_share == 0.0


def test_a_bracketed_yearless_time_gives_a_short_timeline_without_false_spikes() -> None:
    lines = [
        f"[10.30 16:{m:02d}:{s:02d}] agent.exe - host-{s}.example.org:443 open through proxy"
        for m in range(40)
        for s in range(0, 60, 12)
    ]
    report = _log(lines)
    assert report.span is not None and report.span < dt.timedelta(hours=1)
    assert report.spikes.empty


def test_single_line_logs_keep_one_record_per_line() -> None:
    lines = [
        f"- {1131566460 + i} 2005.11.09 rk{i % 3} Nov 9 12:0{i % 10}:00 rk{i % 3}/rk{i % 3} "
        + ("ntpd[77]: synchronized to 10.0.0.1, stratum 2" if i % 2 else "kernel: eth0: link up")
        for i in range(40)
    ]
    lines[7] = "dhcpd: DHCPREQUEST for 10.0.0.9 from 00:11:22:33:44:55 via eth1"
    lines[8] = "session closed for user root"
    report = _log(lines)
    assert len(report.records) == len(lines)


PROXY_LINES = [
    "[10.30 16:49:06] mail.exe - smtp.example.org:25 open through proxy proxy.example.org:8080 "
    "HTTPS",
    "[10.30 16:49:07] mail.exe *64 - smtp.example.org:25 close, 403 bytes (403 bytes) sent, "
    "426 bytes (426 bytes) received, lifetime <1 sec",
    "[10.30 16:49:08] mail.exe - smtp.example.org:25 close, 1850 bytes (1.80 KB) sent, "
    "18840 bytes (18.4 KB) received, lifetime 00:02",
    "[10.30 16:49:09] mail.exe - backup.example.org:25 close, 0 bytes sent, 0 bytes received, "
    "lifetime 00:01",
    "[10.30 16:49:10] sync.exe - files.example.org:443 close, 12 bytes sent, 7 bytes received, "
    "lifetime 1:02:03",
    "[10.30 16:49:11] sync.exe - files.example.org:443 open through proxy proxy.example.org:8080 "
    "HTTPS",
]


def test_optional_parentheticals_units_and_durations_do_not_split_a_message() -> None:
    report = _log(PROXY_LINES)
    ids = report.records["template_id"].tolist()
    assert len(set(ids[1:5])) == 1
    assert ids[0] == ids[5] and ids[0] != ids[1]
    assert len(report.records) == len(PROXY_LINES)
    assert report.records["message"].iloc[1].startswith("smtp.example.org:25 close")


def test_quantities_with_units_are_masked_whole() -> None:
    import polars as pl

    from agent.analysis.logs.masking import mask_expr

    messages = ["took 12ms", "wrote 1.5 GB in 3 s", "cpu at 93% for <1 sec", "uptime 12:03:44"]
    masked = pl.DataFrame({"m": messages}).select(mask_expr(pl.col("m")))["m"].to_list()
    assert masked == ["took <*>", "wrote <*> in <*>", "cpu at <*> for <*>", "uptime <*>"]


def test_spikes_need_enough_buckets_and_must_beat_the_files_own_rate() -> None:
    steady = [f"2022-02-02 10:{m:02d}:{s:02d} INFO svc: tick" for m in range(30) for s in range(20)]
    assert _log(steady).spikes.empty
    burst = steady + [f"2022-02-02 10:15:{s:02d} ERROR svc: boom {s}" for s in range(59)] * 2
    burst.sort()
    spikes = _log(burst).spikes
    assert len(spikes) == 1 and spikes["bucket"].iloc[0] == pd.Timestamp("2022-02-02 10:15")
    short = [f"2022-02-02 10:0{m}:00 INFO svc: tick" for m in range(5)] * 3
    short += [f"2022-02-02 10:05:{s:02d} INFO svc: tick" for s in range(50)]
    assert _log(sorted(short)).spikes.empty


def test_columns_named_by_a_fields_directive_give_time_and_status() -> None:
    lines = [
        "#Software: Some Web Server 2.1",
        "#Date: 2011-07-04 09:00:00",
        "#Fields: time c-ip cs-method cs-uri-stem sc-status time-taken",
        "09:00:01 10.0.0.7 GET /index.html 200 12",
        "09:00:02 10.0.0.8 GET /missing 404 3",
        "09:00:03 10.0.0.9 POST /api/v1/save 503 900",
    ]
    records = _log(lines).records.set_index("line")
    assert records.loc[5, "timestamp"] == pd.Timestamp("2011-07-04 09:00:02")
    assert records.loc[[4, 5, 6], "level"].tolist() == ["INFO", "WARN", "ERROR"]
    assert not records.loc[[4, 5, 6], "level_inferred"].any()


def test_tab_separated_columns_with_epoch_times_are_read_by_name() -> None:
    lines = [
        "#separator \\x09",
        "#fields\tts\tuid\tmethod\thost\turi\tstatus_code",
        "1300000000.250000\tC1\tGET\texample.org\t/\t200",
        "1300000001.500000\tC2\tGET\texample.org\t/x\t500",
    ]
    records = _log(lines).records.set_index("line")
    assert records.loc[4, "timestamp"] == pd.Timestamp("2011-03-13 07:06:41.500")
    assert records.loc[4, "level"] == "ERROR"


def test_a_level_word_in_the_component_slot_is_the_level() -> None:
    lines = [f"2025-08-13 01:45:0{i} PDT [12] LOG:  checkpoint {i} complete" for i in range(5)]
    lines.append('2025-08-13 01:45:09 PDT [12] ERROR:  relation "foo" does not exist')
    records = _log(lines).records
    assert records["level"].iloc[-1] == "ERROR" and not records["level_inferred"].iloc[-1]


def test_a_line_that_is_all_header_keeps_itself_as_its_message() -> None:
    lines = ["[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok"] * 3
    lines.append("[Sun Dec 04 04:47:45 2005] [error] ")
    report = _log(lines)
    assert report.records["message"].iloc[-1] == lines[-1]


def test_a_time_glued_to_a_file_name_is_never_the_records_time() -> None:
    lines = [f"jobs.log.{i}.2019-03-02_08:10:4{i} main: step {i} of the run" for i in range(8)]
    report = _log(lines)
    assert report.records["timestamp"].isna().all()
    assert len(report.records) == len(lines)


def test_a_process_id_after_the_level_closed_by_a_separator_is_header() -> None:
    threads = ["main", "exec-1", "exec-2", "scheduler-1"]
    lines = [
        f"2023-01-02 10:00:{i:02d}.123  INFO {4000 + i % 2} --- [{threads[i % 4]:>12}] "
        f"c.e.Svc{i % 3}      : job {i} done in {i} ms"
        for i in range(20)
    ]
    report = _log(lines)
    assert report.records["message"].iloc[3] == "job 3 done in 3 ms"
    assert report.records["template_id"].nunique() == 1


def test_a_day_before_the_month_name_and_year_is_read_as_the_date() -> None:
    redis = [f"1:M 0{i + 1} Mar 2021 10:00:0{i}.250 * DB saved on disk" for i in range(5)]
    tomcat = [f"21-Jan-2017 04:30:3{i} INFO worker {i} started" for i in range(5)]
    assert _log(redis).records["timestamp"].iloc[2] == pd.Timestamp("2021-03-03 10:00:02.250")
    assert _log(tomcat).records["timestamp"].iloc[1] == pd.Timestamp("2017-01-21 04:30:31")


def test_words_every_message_starts_with_after_the_time_stay_in_the_message() -> None:
    methods = ["GET", "POST"]
    lines = [
        f"[pid: {100 + i}|app: 0] [Sun Jun 25 04:30:{i:02d} 2017] {methods[i % 2]} /x/{i} => "
        f"generated {i * 7} bytes in {i} msecs (HTTP/1.1 200)"
        for i in range(20)
    ]
    report = _log(lines)
    assert report.records["message"].iloc[1].startswith("POST /x/1 => generated")
    assert report.records["template_id"].nunique() == 2


def test_a_month_and_day_joined_by_a_dash_is_a_yearless_date() -> None:
    lines = [f"Apr-0{i + 1} 12:00:0{i}.125 [main] INFO  app.Main - step {i}" for i in range(5)]
    stamps = _log(lines).records["timestamp"]
    assert (stamps.iloc[2].month, stamps.iloc[2].day, stamps.iloc[2].second) == (4, 3, 2)


def test_an_offset_in_whole_hours_keeps_the_instant() -> None:
    lines = [f"2017-07-03 06:30:3{i},054+02 INFO  [a.b.C] (task-{i}) done {i}" for i in range(5)]
    stamps = _log(lines).records["timestamp"]
    assert stamps.iloc[1] == pd.Timestamp("2017-07-03 04:30:31.054")


def test_journald_json_gives_time_from_epoch_microseconds_and_level_from_priority() -> None:
    lines = [
        f'{{"__REALTIME_TIMESTAMP":"{1600000000000000 + i * 1_500_000}","PRIORITY":"{p}",'
        f'"SYSLOG_IDENTIFIER":"sshd","MESSAGE":"session {i} for user root"}}'
        for i, p in enumerate(["6", "3", "4", "7"])
    ]
    records = _log(lines).records
    assert records["timestamp"].iloc[1] == pd.Timestamp("2020-09-13 12:26:41.500")
    assert records["level"].tolist() == ["INFO", "ERROR", "WARN", "DEBUG"]
    assert records["component"].eq("sshd").all()
    assert not records["level_inferred"].any()


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("Sat Apr  1 09:00:{s:02d} UTC 2023", "2023-04-01 09:00:{s:02d}"),
        ("2023/04/01-09:00:{s:02d}.332664 7f12ab [db/db_impl.cc:{s}]", "2023-04-01 09:00:{s:02d}"),
        ("[01/Apr/2023 09:00:{s:02d}]", "2023-04-01 09:00:{s:02d}"),
        ("Apr 01, 2023 1:00:{s:02d} PM", "2023-04-01 13:00:{s:02d}"),
        ("Apr  1 2023 09:00:{s:02d}.342 UTC:", "2023-04-01 09:00:{s:02d}"),
        ("20230401T0900{s:02d}Z INFO", "2023-04-01 09:00:{s:02d}"),
    ],
)
def test_timestamp_shapes_of_common_tools_give_the_date_and_time(head: str, expected: str) -> None:
    # date(1), RocksDB, Django's dev server, java.util.logging, Cisco, compact ISO 8601.
    lines = [head.format(s=s) + f" worker {s} processed batch {s * 7}" for s in range(12)]
    stamps = _log(lines).records["timestamp"]
    assert stamps.iloc[5].floor("s") == pd.Timestamp(expected.format(s=5))


@pytest.mark.parametrize(
    "shape",
    [
        # Elasticsearch pads the level inside its brackets.
        "[2023-04-01T09:00:{s:02d},720][{lv:<5}][o.e.n.Node      ] [node-1] ",
        # Ruby's Logger: the time shares its bracket with the process id.
        "{lv[0]}, [2023-04-01T09:00:{s:02d}.549805 #1000] {lv:>5} -- : ",
        # Celery: the time and the level share a bracket.
        "[2023-04-01 09:00:{s:02d},764: {lv}/MainProcess] ",
    ],
)
def test_times_and_levels_inside_shared_or_padded_brackets_are_read(shape: str) -> None:
    levels = ["INFO", "WARN", "ERROR", "DEBUG"]
    lines = [
        shape.format(s=s, lv=levels[s % 4]) + f"worker {s} processed batch {s * 7}"
        for s in range(12)
    ]
    records = _log(lines).records
    assert records["timestamp"].iloc[5].floor("s") == pd.Timestamp("2023-04-01 09:00:05")
    assert records["level"].tolist() == [levels[s % 4] for s in range(12)]
    assert records["message"].iloc[3] == "worker 3 processed batch 21"


def test_mysql_notes_are_info() -> None:
    lines = [
        f"2023-04-01T09:00:0{s}.332664Z 0 [{lv}] [MY-0100{s:02d}] [Server] plugin {s} loaded"
        for s, lv in enumerate(["Note", "Warning", "ERROR", "Note", "Note"])
    ]
    records = _log(lines).records
    assert records["level"].tolist() == ["INFO", "WARN", "ERROR", "INFO", "INFO"]
    assert not records["level_inferred"].any()


def test_a_comma_between_date_and_time_and_fine_levels_are_read() -> None:
    airflow = [
        f"[2023-04-01, 09:00:{s:02d} UTC] {{taskinstance.py:{s}}} INFO - task {s} started"
        for s in range(10)
    ]
    stamps = _log(airflow).records["timestamp"]
    assert stamps.iloc[4] == pd.Timestamp("2023-04-01 09:00:04")
    names = ["INFO", "FINE", "WARNING", "SEVERE", "FINE"]
    jenkins = [
        f"2023-04-01 09:00:0{s}.123+0000 [id={s}]\t{names[s % 5]}\thudson.Main#init: step {s}"
        for s in range(10)
    ]
    levels = _log(jenkins).records["level"].tolist()
    assert levels[:5] == ["INFO", "DEBUG", "WARN", "ERROR", "DEBUG"]


def test_a_colon_after_a_bracketed_thread_is_not_part_of_the_message() -> None:
    lines = [
        f"[2023-04-01 09:00:0{s},123] INFO [GroupCoordinator 0]: rebalance {s} done "
        "(kafka.coordinator.group.GroupCoordinator)"
        for s in range(8)
    ]
    assert _log(lines).records["message"].iloc[2].startswith("rebalance 2 done")


def test_mongodb_json_gives_time_from_a_nested_date_and_level_from_its_severity() -> None:
    lines = [
        f'{{"t":{{"$date":"2023-04-01T09:00:0{i}.125+00:00"}},"s":"{s}","c":"NETWORK",'
        f'"id":{i},"ctx":"conn{i}","msg":"Connection ended","attr":{{"remote":"10.0.0.{i}"}}}}'
        for i, s in enumerate(["I", "W", "E", "D1", "I"])
    ]
    records = _log(lines).records
    assert records["timestamp"].iloc[2] == pd.Timestamp("2023-04-01 09:00:02.125")
    assert records["level"].tolist() == ["INFO", "WARN", "ERROR", "DEBUG", "INFO"]


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        # .NET and Windows tools: an unpadded US date and a 12-hour clock.
        ("3/5/2024 {h}:14:{s:02d} PM", "2024-03-05 {H}:14:{s:02d}"),
        ("03/05/2024 {h:02d}:14:{s:02d} PM -", "2024-03-05 {H}:14:{s:02d}"),
        ("2024-03-05 {h:02d}:14:{s:02d}pm", "2024-03-05 {H}:14:{s:02d}"),
    ],
)
def test_a_twelve_hour_clock_reads_pm_as_the_afternoon(head: str, expected: str) -> None:
    hours = [9, 10, 11, 12, 1, 2]
    lines = [
        head.format(h=hours[s % 6], s=s) + f" WARN worker {s} processed batch {s * 7}"
        for s in range(12)
    ]
    stamps = _log(lines).records["timestamp"]
    # 12 PM is noon, 1 PM is 13:00.
    assert stamps.iloc[3] == pd.Timestamp(expected.format(H=12, s=3))
    assert stamps.iloc[4] == pd.Timestamp(expected.format(H=13, s=4))
    assert stamps.iloc[0] == pd.Timestamp(expected.format(H=21, s=0))


def test_twelve_am_is_midnight_and_a_bare_clock_reads_am_and_pm() -> None:
    lines = [f"{h}:30:0{s} {m} job {s} started" for s, (h, m) in enumerate(
        [(11, "PM"), (12, "AM"), (1, "AM"), (11, "AM"), (12, "PM"), (1, "PM")])]
    stamps = _log(lines).records["timestamp"].dt.time.astype(str).tolist()
    assert stamps == ["23:30:00", "00:30:01", "01:30:02", "11:30:03", "12:30:04", "13:30:05"]


def test_tab_separated_fields_after_the_level_are_header_not_message() -> None:
    # zap's console encoder: time, level, logger and caller, each closed by a tab.
    loggers, callers = ["server", "db.pool", "tls"], ["server/main.go", "db/pool.go"]
    lines = [
        f"2024-03-05T22:14:{s:02d}.073Z\t{['INFO', 'WARN'][s % 2]}\t{loggers[s % 3]}\t"
        f"{callers[s % 2]}:{40 + s}\tworker {s} finished batch {s * 7}"
        for s in range(12)
    ]
    report = _log(lines)
    assert report.records["message"].iloc[4] == "worker 4 finished batch 28"
    assert report.records["level"].iloc[5] == "WARN"
    assert len(report.templates) == 1


def test_words_separated_by_tabs_inside_the_message_stay_in_it() -> None:
    # Only tabs the file's lines agree on are header: a message's own tab is kept.
    lines = [
        f"2024-03-05 22:14:{s:02d} INFO user{s} downloaded\treport-{s}.csv" for s in range(12)
    ]
    assert _log(lines).records["message"].iloc[2] == "user2 downloaded\treport-2.csv"


def test_times_without_a_date_run_forward_across_midnight_ending_today() -> None:
    lines = [f"23:59:5{s} INFO tick {s}" for s in range(5)]
    lines += [f"00:00:0{s} INFO tock {s}" for s in range(5)]
    report = _log(lines)
    stamps = report.records["timestamp"]
    today = pd.Timestamp(dt.date.today())
    assert stamps.iloc[-1] == today + pd.Timedelta(seconds=4)
    assert stamps.iloc[0] == today - pd.Timedelta(seconds=10)
    assert stamps.is_monotonic_increasing
    assert any("no date" in w for w in report.warnings)
    assert not any("backwards" in w for w in report.warnings)


def test_inferred_dates_step_a_day_only_when_time_jumps_back_over_an_hour() -> None:
    clock = ["1970-01-01 22:00:00", "1970-01-01 21:59:00", "1970-01-01 03:00:00", None,
             "1970-01-01 02:00:00", "1970-01-01 00:30:00", "1970-01-01 04:00:00"]  # fmt: skip
    stamps = pl.Series(clock).str.to_datetime()
    fixed = infer_dates(stamps, today=dt.date(2030, 3, 2)).to_list()
    # Back a minute: the same day; back 19 hours: the next; back exactly an hour: the same;
    # back an hour and a half: the next. The last record is on today's date.
    assert fixed == [
        dt.datetime(2030, 2, 28, 22), dt.datetime(2030, 2, 28, 21, 59),
        dt.datetime(2030, 3, 1, 3), None, dt.datetime(2030, 3, 1, 2),
        dt.datetime(2030, 3, 2, 0, 30), dt.datetime(2030, 3, 2, 4),
    ]  # fmt: skip


@pytest.mark.parametrize("sep", ["\t", ",", " "])
def test_quoted_time_and_level_fields_are_read_and_a_quoted_message_stays_the_message(
    sep: str,
) -> None:
    # Quoted TSV and CSV exports: each field in double quotes.
    levels = ["INFO", "WARN", "ERROR"]
    lines = [
        sep.join([f'"2024-03-05 22:14:{s:02d}"', f'"{levels[s % 3]}"', f'"job {s} done in {s}s"'])
        for s in range(12)
    ]
    records = _log(lines).records
    assert records["timestamp"].iloc[7] == pd.Timestamp("2024-03-05 22:14:07")
    assert records["level"].tolist() == [levels[s % 3] for s in range(12)]
    assert records["message"].iloc[4] == '"job 4 done in 4s"'


def test_an_access_log_of_an_unknown_shape_takes_levels_from_the_status_after_the_request() -> None:
    # A cloud store's access log: owner, bucket and time before the request, fields after it.
    statuses = [200, 404, 503, 200, 301, 500]
    lines = [
        f"79a59df9 bucket1 [06/Feb/2019:00:00:{s:02d} +0000] 192.0.2.{s} REST.GET.OBJECT k{s} "
        f'"GET /bucket1/k{s} HTTP/1.1" {statuses[s % 6]} - {100 + s} 7 "-" "S3Console/0.4"'
        for s in range(12)
    ]
    records = _log(lines).records
    expected = {200: "INFO", 301: "INFO", 404: "WARN", 500: "ERROR", 503: "ERROR"}
    assert records["level"].tolist() == [expected[statuses[s % 6]] for s in range(12)]
    assert not records["level_inferred"].any()


def test_a_request_quoted_in_a_few_messages_does_not_make_a_log_an_access_log() -> None:
    lines = [f"2024-03-05 22:14:{s:02d} worker {s} failed to start" for s in range(10)]
    lines.append('2024-03-05 22:14:59 proxy saw "GET /x HTTP/1.1" 404 from upstream')
    records = _log(lines).records
    assert records["level"].iloc[0] == "ERROR"
    assert records["level_inferred"].all()


@pytest.mark.parametrize(
    "shape",
    [
        # A game server's log4j pattern: the thread and the level share a bracket.
        "[22:14:{s:02d}] [Server thread/{lv}]: ",
        # log4j's ddMMMyyyy date, then thread/level and a logger bracket.
        "[05Mar2024 22:14:{s:02d}.073] [Worker-Main-{s}/{lv}] [minecraft/Server]: ",
        # VMware's bracket: a thread id, the level, a logger and an operation id.
        "2024-03-05T22:14:{s:02d}.073Z [7F3B4F7C{s:04d} {lv_lower} 'Default' opID=9a{s}] ",
    ],
)
def test_a_level_sharing_a_bracket_with_other_words_is_the_level(shape: str) -> None:
    levels = ["INFO", "WARN", "ERROR", "DEBUG"]
    lines = [
        shape.format(s=s, lv=levels[s % 4], lv_lower=levels[s % 4].lower())
        + f"worker {s} processed batch {s * 7}"
        for s in range(12)
    ]
    records = _log(lines).records
    assert records["level"].tolist() == [levels[s % 4] for s in range(12)]
    assert not records["level_inferred"].any()
    assert records["message"].iloc[3] == "worker 3 processed batch 21"
    assert records["timestamp"].iloc[5].second == 5


def test_a_bracket_whose_words_only_contain_a_level_word_is_not_a_level() -> None:
    lines = [
        f"2024-03-05 22:14:{s:02d} [error-reporter-{s}] INFO flushed {s} reports"
        for s in range(12)
    ]
    records = _log(lines).records
    assert records["level"].eq("INFO").all()
    assert records["message"].iloc[2] == "flushed 2 reports"


def test_a_go_panic_and_its_goroutine_dump_join_the_record_before_it() -> None:
    lines = [
        "2022-02-02 10:00:00 ERROR svc: worker crashed",
        "panic: runtime error: invalid memory address or nil pointer dereference",
        "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a0b2c]",
        "",
        "goroutine 1 [running]:",
        "main.(*Server).handle(0x0, {0x7f0, 0xc0001})",
        "\t/app/server.go:42 +0x2c",
        "net/http.HandlerFunc.ServeHTTP(0xc000010000)",
        "\t/usr/local/go/src/net/http/server.go:2136 +0x29",
        "created by net/http.(*Server).Serve in goroutine 1",
        "2022-02-02 10:00:01 INFO svc: worker restarted",
    ]
    records = _log(lines).records
    assert records["line"].tolist() == [1, 11]
    assert records["message"].iloc[0].endswith("created by net/http.(*Server).Serve in goroutine 1")
    assert records["level"].iloc[0] == "ERROR"


@pytest.mark.parametrize(
    "prefix",
    [
        # A container runtime's log file: its time, the stream and a full-line flag.
        "2024-03-05T22:14:{s:02d}.073456123Z stderr F ",
        # kubectl logs --timestamps.
        "2024-03-05T22:14:{s:02d}.073456123Z ",
    ],
)
def test_glog_lines_behind_another_header_give_their_level(prefix: str) -> None:
    letters = ["I", "W", "E", "I"]
    lines = [
        prefix.format(s=s) + f"{letters[s % 4]}0305 22:14:{s:02d}.073456       1 "
        f"controller.go:{40 + s}] worker {s} synced"
        for s in range(12)
    ]
    records = _log(lines).records
    names = {"I": "INFO", "W": "WARN", "E": "ERROR"}
    assert records["level"].tolist() == [names[letters[s % 4]] for s in range(12)]
    assert records["timestamp"].iloc[3] == pd.Timestamp("2024-03-05 22:14:03.073456")


@pytest.mark.parametrize("number", ["{i:>4}: ", "{i:>6}\t", "  [{i}] "])
def test_a_listing_with_every_line_indented_before_its_number_is_read_as_the_log(
    number: str,
) -> None:
    # `cat -n`, `nl` or a pasted listing: the indent is the file's, not a continuation's.
    lines = [
        number.format(i=i) + f"2024-03-05 22:14:{i:02d} {['INFO', 'WARN'][i % 2]} job {i} done"
        for i in range(12)
    ]
    report = _log(lines)
    assert len(report.records) == 12
    assert report.records["timestamp"].iloc[4] == pd.Timestamp("2024-03-05 22:14:04")
    assert report.records["level"].iloc[5] == "WARN"


def test_pretty_printed_json_keeps_its_indented_lines_as_continuations() -> None:
    lines = []
    for i in range(6):
        lines += [f"2024-03-05 22:14:0{i} INFO payload:", "{"]
        lines += [f'    "field_{k}": {k * i},' for k in range(30)] + ["}"]
    report = _log(lines)
    assert len(report.records) == 6


@pytest.mark.parametrize(
    "head",
    ["[{epoch}] HOST CHECK:", "({date}) [worker[main]] [poll] (0x0400):"],
)
def test_a_time_in_brackets_or_parentheses_is_read_as_any_other_time(head: str) -> None:
    start = dt.datetime(2024, 3, 5, 14, 22, 1)
    lines = []
    for i in range(6):
        moment = start + dt.timedelta(seconds=7 * i)
        epoch = int(moment.replace(tzinfo=dt.UTC).timestamp())
        date = f"{moment:%a %b} {moment.day:>2} {moment:%H:%M:%S %Y}"
        lines.append(head.format(epoch=epoch, date=date) + f" probe {i} answered in {i + 3} ms")
    stamps = _log(lines).records["timestamp"]
    assert stamps.tolist() == [pd.Timestamp(start + dt.timedelta(seconds=7 * i)) for i in range(6)]


def test_a_date_written_day_first_with_dots_is_read_day_first() -> None:
    lines = [
        f"{d:02d}.03.2024 14:22:0{d % 10},{d}21 INFO sync: batch {d} stored" for d in range(9, 15)
    ]
    stamps = _log(lines).records["timestamp"]
    assert stamps.iloc[0] == pd.Timestamp("2024-03-09 14:22:09.921")
    assert stamps.dt.month.eq(3).all()


def test_a_two_digit_year_and_a_one_capital_level_after_words_are_read() -> None:
    # WebSphere's shape: milliseconds after a colon, a hex thread id that is sometimes all
    # digits, a padded component, then the level as one capital.
    threads = ["000000f8", "00000031", "0000002b", "00000107", "000000ad", "00000042"]
    letters = ["I", "W", "E", "I", "A", "I"]
    lines = [
        f"[3/{5 + i}/24 14:22:0{i}:1{i}3 UTC] {threads[i]} {'Client':<13} {letters[i]} "
        f"request {i} finished after {i * 7} ms"
        for i in range(6)
    ]
    records = _log(lines).records
    assert records["timestamp"].iloc[1] == pd.Timestamp("2024-03-06 14:22:01.113")
    assert records["level"].tolist()[:3] == ["INFO", "WARN", "ERROR"]
    assert not records["level_inferred"].iloc[:3].any()


def test_an_access_log_with_its_status_before_the_request_takes_levels_from_that_column() -> None:
    statuses = [200, 503, 404, 200, 302, 200]
    lines = [
        f"https 2024-03-05T14:22:0{i}.123456Z app/lb-1/50dc6c495c0c9188 10.0.0.{i}:4{i}21 "
        f"10.0.1.{i}:80 0.00{i} 0.012 0.000 {s} {s} {120 + i} {4000 + 17 * i} "
        f'"GET https://shop.example.com:443/items/{i} HTTP/1.1" "curl/8.4.0" - -'
        for i, s in enumerate(statuses)
    ]
    records = _log(lines).records
    assert records["level"].tolist() == ["INFO", "ERROR", "WARN", "INFO", "INFO", "INFO"]
    assert not records["level_inferred"].any()


def test_an_access_log_keeps_the_request_in_the_message_whatever_comes_before_it() -> None:
    lines = [
        f'[2024-03-05T14:22:0{i}.123Z] "GET /api/items/{i} HTTP/1.1" {[200, 404][i % 2]} - 0 '
        f'{100 + i} {i + 3} {i + 2} "10.0.0.{i}" "curl/8.4.0"'
        for i in range(6)
    ]
    records = _log(lines).records
    assert records["message"].str.startswith('"GET /api/items/').all()
    assert records["level"].tolist()[:2] == ["INFO", "WARN"]


@pytest.mark.parametrize(
    ("shape", "levels"),
    [
        ("03-05 14:22:0{i}.123 {letter}/ActivityManager( 1{i}34): start proc {i}", "DIWE"),
        ("{word}[000{i}] worker {i} ready", "DIWE"),
    ],
)
def test_a_level_glued_to_what_follows_it_is_the_level(shape: str, levels: str) -> None:
    words = {"D": "DEBU", "I": "INFO", "W": "WARN", "E": "ERRO"}
    lines = [
        shape.format(i=i, letter=levels[i % 4], word=words[levels[i % 4]]) for i in range(8)
    ]
    records = _log(lines).records
    assert records["level"].tolist()[:4] == ["DEBUG", "INFO", "WARN", "ERROR"]
    assert not records["level_inferred"].any()


def test_json_lines_take_their_time_from_a_key_of_any_name_and_levels_from_an_http_status() -> None:
    lines = [
        json.dumps(
            {
                "time_local": f"05/Mar/2024:14:22:0{i} +0000",
                "remote_addr": f"10.0.0.{i}",
                "request": f"GET /items/{i} HTTP/1.1",
                "status": str([200, 500, 404, 200, 200, 301][i]),
            }
        )
        for i in range(6)
    ]
    records = _log(lines).records
    assert records["timestamp"].iloc[2] == pd.Timestamp("2024-03-05 14:22:02")
    assert records["level"].tolist()[:3] == ["INFO", "ERROR", "WARN"]


def test_a_json_status_that_is_no_http_status_gives_no_level() -> None:
    lines = [
        json.dumps({"ts": f"2024-03-05T14:22:0{i}Z", "msg": f"job {i} done", "status": i % 2})
        for i in range(6)
    ]
    records = _log(lines).records
    assert records["level_inferred"].all()


def test_a_level_stated_as_a_label_after_a_prefix_of_varying_length_is_the_records_level() -> None:
    # PostgreSQL with a log_line_prefix of session id, user, database and pid.
    labels = ["LOG", "DEBUG1", "WARNING", "ERROR", "LOG", "FATAL"]
    users = ["app@orders", "[unknown]@[unknown]", "app@orders", "report@stats", "app@orders", "x@y"]
    lines = [
        f"2024-03-05 14:22:0{i}.123 UTC 65e72c1{i}.1a2{i} {i} {users[i]} {3000 + i} "
        f"{labels[i]}:  statement {i} took {i + 1}.5 ms"
        for i in range(6)
    ]
    records = _log(lines).records
    assert records["level"].tolist() == ["INFO", "DEBUG", "WARN", "ERROR", "INFO", "FATAL"]
    assert not records["level_inferred"].any()


def test_a_level_word_deep_in_a_message_or_in_lower_case_is_no_label() -> None:
    lines = [
        f"2024-03-05 14:22:0{i} worker-{i} picked job {i} from the queue and then ERROR: nothing"
        if i == 0
        else f"2024-03-05 14:22:0{i} worker-{i} debug: job {i} picked"
        for i in range(6)
    ]
    records = _log(lines).records
    assert records["level"].iloc[1] == "INFO"
    assert records["level_inferred"].all()


@pytest.mark.parametrize(
    ("shape", "first"),
    [
        ("[{letter} 2024-03-05 14:22:0{i}.123 ServerApp] kernel {i} up", "2024-03-05 14:22:00.123"),
        ("[{letter} 240305 14:22:0{i} web:{i}39] 200 GET /api/{i} ({i}.2ms)", "2024-03-05 14:22"),
    ],
)
def test_a_bracket_with_the_level_before_the_time_gives_both(shape: str, first: str) -> None:
    letters = "IWEDII"
    lines = [shape.format(i=i, letter=letters[i]) for i in range(6)]
    records = _log(lines).records
    assert records["timestamp"].iloc[0] == pd.Timestamp(first)
    assert records["level"].tolist()[:4] == ["INFO", "WARN", "ERROR", "DEBUG"]
    assert not records["level_inferred"].any()


def test_fields_glued_by_pipes_give_their_level() -> None:
    levels = ["INFO", "WARN", "ERROR", "INFO", "DEBUG", "INFO"]
    lines = [
        f"2024-03-05T14:22:0{i}.1234567Z|{levels[i]}|api.worker|job {i} took {i + 2} ms"
        for i in range(6)
    ]
    assert _log(lines).records["level"].tolist() == levels


def test_a_json_time_held_in_an_object_of_numbers_is_read() -> None:
    # log4j2's JsonLayout: the instant as epoch seconds and nanoseconds.
    base = int(dt.datetime(2024, 3, 5, 14, 22, 1, tzinfo=dt.UTC).timestamp())
    lines = [
        json.dumps(
            {
                "instant": {"epochSecond": base + i, "nanoOfSecond": 123000000},
                "thread": "main",
                "level": "INFO",
                "loggerName": "com.example.Job",
                "message": f"job {i} done",
            }
        )
        for i in range(6)
    ]
    stamps = _log(lines).records["timestamp"]
    assert stamps.iloc[2] == pd.Timestamp("2024-03-05 14:22:03")


def test_a_date_in_the_style_of_email_headers_with_its_zone_is_read() -> None:
    lines = [f"Tue, 05 Mar 2024 16:22:0{i} +0200 - INFO - sent message {i}" for i in range(6)]
    stamps = _log(lines).records["timestamp"]
    assert stamps.iloc[0] == pd.Timestamp("2024-03-05 14:22:00")


def test_ruby_frames_without_indentation_join_their_error() -> None:
    lines = []
    for i in range(4):
        lines.append(f"E, [2024-03-05T14:22:0{i}.123456 #123] ERROR -- : undefined method `x'")
        lines += [f"app/models/user.rb:{10 + i}:in `save'", "gems/rack-3.0/lib/rack.rb:6:in `call'"]
    records = _log(lines).records
    assert len(records) == 4
    assert records["message"].iloc[0].endswith("lib/rack.rb:6:in `call'")


def test_a_php_stack_trace_joins_its_error() -> None:
    lines = []
    for i in range(4):
        lines.append(f"[05-Mar-2024 14:22:0{i} UTC] PHP Fatal error:  Uncaught Exception: boom")
        lines += ["Stack trace:", f"#0 /var/www/index.php(2{i}): run()", "#1 {main}"]
        lines.append(f"[05-Mar-2024 14:22:0{i} UTC] PHP Notice:  Undefined index: id")
    records = _log(lines).records
    assert len(records) == 8
    assert records["message"].iloc[0].endswith("#1 {main}")
    assert records["timestamp"].iloc[2] == pd.Timestamp("2024-03-05 14:22:01")


def test_a_zone_after_the_time_inside_its_bracket_is_not_left_in_the_message() -> None:
    lines = []
    for i in range(4):
        lines += [f"[05-Mar-2024 14:22:0{i} UTC] cron run {i} failed", "Stack trace:", "#0 {main}"]
    records = _log(lines).records
    assert records["message"].str.startswith("cron run").all()


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("20240305T1422{s:02d}.123Z", "2024-03-05 14:22:{s:02d}.123"),
        ("2024.03.05-14.22.{s:02d}", "2024-03-05 14:22:{s:02d}"),
        ("05.03.24 14:22:{s:02d}", "2024-03-05 14:22:{s:02d}"),
        ("03-05-2024 14:22:{s:02d}", "2024-03-05 14:22:{s:02d}"),
        ("Mar 5, 2024 @ 14:22:{s:02d}.123", "2024-03-05 14:22:{s:02d}.123"),
        ("Tuesday, March 5, 2024 2:22:{s:02d} PM", "2024-03-05 14:22:{s:02d}"),
    ],
)
def test_timestamps_written_in_less_common_ways_are_read(stamp: str, expected: str) -> None:
    lines = [f"{stamp.format(s=s)} INFO sync: batch {s} stored" for s in range(6)]
    stamps = _log(lines).records["timestamp"]
    assert stamps.tolist() == [pd.Timestamp(expected.format(s=s)) for s in range(6)]


def test_a_slow_query_log_gives_one_timed_record_per_query() -> None:
    lines = ["/usr/sbin/mysqld, Version: 8.0.36. started with:", "Tcp port: 3306"]
    for i in range(6):
        lines += [
            f"# Time: 2024-03-05T14:22:0{i}.123456Z",
            f"# User@Host: app[app] @ localhost []  Id:    1{i}",
            f"# Query_time: {i}.000123  Lock_time: 0.000012 Rows_sent: 1  Rows_examined: 9{i}",
            f"SET timestamp=170964852{i};",
            f"SELECT * FROM orders WHERE customer_id = {i};",
        ]
    records = _log(lines).records
    assert len(records) == 2 + 6
    assert records["timestamp"].iloc[2] == pd.Timestamp("2024-03-05 14:22:00.123456")
    assert records["message"].iloc[2].endswith("WHERE customer_id = 0;")


def test_a_time_alone_on_its_line_heads_the_lines_after_it() -> None:
    # An Oracle alert log: the time on a line of its own, then what happened.
    lines = []
    for i in range(6):
        lines += [
            f"Tue Mar 05 14:22:0{i} 2024",
            f"Thread 1 advanced to log sequence {100 + i} (LGWR switch)",
            f"  Current log# 2 seq# {100 + i} mem# 0: /u01/oradata/redo02.log",
        ]
    records = _log(lines).records
    assert len(records) == 6
    assert "log sequence 101" in records["message"].iloc[1]


def test_a_two_line_format_keeps_its_level_line_with_the_timed_line_above() -> None:
    # java.util.logging's SimpleFormatter: the time and source, then the level and message.
    lines = []
    for i in range(6):
        lines += [
            f"Mar 05, 2024 2:22:0{i} PM com.example.Server start",
            f"{['INFO', 'WARNING', 'SEVERE'][i % 3]}: step {i} done",
        ]
    records = _log(lines).records
    assert len(records) == 6
    assert records["level"].tolist()[:3] == ["INFO", "WARN", "ERROR"]


def test_a_container_runtimes_full_line_flag_is_no_level() -> None:
    lines = [
        f"2024-03-05T14:22:0{i}.123456789Z {'stdout' if i % 3 else 'stderr'} F "
        f"listening on port {8000 + i} with {i} workers"
        for i in range(8)
    ]
    records = _log(lines).records
    assert records["level"].eq("INFO").all()
    assert records["level_inferred"].all()
    assert records["message"].iloc[0] == "listening on port 8000 with 0 workers"


@pytest.mark.parametrize(
    "head", ["2024-03-05T14:22:0{i}.123456789Z stdout F ", "Mar  5 14:22:0{i} web-01 api[42]: "]
)
def test_a_json_message_behind_another_header_gives_its_level(head: str) -> None:
    levels = ["info", "warn", "error", "debug", "info", "info"]
    lines = [
        head.format(i=i) + json.dumps({"level": levels[i], "msg": f"job {i} done"})
        for i in range(6)
    ]
    records = _log(lines).records
    assert records["level"].tolist()[:4] == ["INFO", "WARN", "ERROR", "DEBUG"]
    assert not records["level_inferred"].any()


def test_json_keys_of_serilog_and_nested_ecs_give_time_level_and_message() -> None:
    levels = [None, "Warning", "Error", None, "Debug", None]
    clef = [
        json.dumps(
            {"@t": f"2024-03-05T14:22:0{i}.1234567Z", "@mt": f"job {i} done"}
            | ({"@l": levels[i]} if levels[i] else {})
        )
        for i in range(6)
    ]
    records = _log(clef).records
    assert records["timestamp"].iloc[0] == pd.Timestamp("2024-03-05 14:22:00.123456")
    assert records["level"].tolist()[1:3] == ["WARN", "ERROR"]
    assert records["message"].iloc[0] == "job 0 done"
    ecs = [
        json.dumps(
            {
                "@timestamp": f"2024-03-05T14:22:0{i}Z",
                "log": {"level": ["info", "warn", "error"][i % 3], "logger": "api"},
                "message": f"job {i} done",
            }
        )
        for i in range(6)
    ]
    records = _log(ecs).records
    assert records["level"].tolist()[:3] == ["INFO", "WARN", "ERROR"]
    assert records["message"].iloc[1] == "job 1 done"


def test_key_value_lines_with_single_quoted_values_are_read_as_logfmt() -> None:
    # structlog's KeyValueRenderer writes Python's repr of each value.
    levels = ["info", "warning", "error", "debug", "info", "info"]
    lines = [
        f"timestamp='2024-03-05T14:22:0{i}.123456Z' level='{levels[i]}' "
        f"event='job {i} done for o\\'brien' logger='jobs' attempt={i}"
        for i in range(6)
    ]
    records = _log(lines).records
    assert records["timestamp"].iloc[1] == pd.Timestamp("2024-03-05 14:22:01.123456")
    assert records["level"].tolist()[:4] == ["INFO", "WARN", "ERROR", "DEBUG"]
    assert records["message"].iloc[0] == "job 0 done for o\\'brien"


@pytest.mark.parametrize(
    "shape",
    [
        "05-Mar-2024 14:22:0{i}.123 queries: {level}: client 10.0.0.{i}#53 query {i}",
        "2024-03-05 14:22:0{i},123 fail2ban.filter  [12{i}]: {LEVEL}    [sshd] found 10.0.0.{i}",
        "[Mar  5 14:22:0{i}] {LEVEL}[12{i}][C-0000000{i}]: chan.c:{i}2 in read: frame {i} late",
    ],
)
def test_a_level_after_a_component_or_glued_to_its_pid_is_read(shape: str) -> None:
    levels = ["debug", "notice", "warning", "error", "info", "info"]
    lines = [shape.format(i=i, level=levels[i], LEVEL=levels[i].upper()) for i in range(6)]
    records = _log(lines).records
    assert records["level"].tolist()[:4] == ["DEBUG", "INFO", "WARN", "ERROR"]
    assert not records["level_inferred"].any()


def test_lines_holding_only_a_time_head_the_lines_after_them() -> None:
    # A shell history: each command after an epoch line of its own.
    start = int(dt.datetime(2024, 3, 5, 14, 22, 1, tzinfo=dt.UTC).timestamp())
    lines = []
    for i in range(6):
        lines += [f"#+{start + 60 * i}", f"git commit -m 'fix {i}'"]
    records = _log(lines).records
    assert len(records) == 6
    assert records["timestamp"].iloc[1] == pd.Timestamp("2024-03-05 14:23:01")
    assert records["message"].iloc[1].endswith("git commit -m 'fix 1'")


def test_a_time_at_the_end_of_a_line_heads_the_untimed_lines_after_it() -> None:
    lines = []
    for i in range(4):
        lines += [
            f"/dev/disk0s{i}: check started at Tue Mar  5 14:2{i}:01 2024",
            f"/dev/disk0s{i}: ** checking volume {i}",
            "   Executing check (version 366.1.1).",
            "FILESYSTEM CLEAN",
            f"========== report written at Tue Mar  5 14:2{i}:02 UTC 2024 ==========",
        ]
    records = _log(lines).records
    assert len(records) == 8
    assert records["timestamp"].iloc[0] == pd.Timestamp("2024-03-05 14:20:01")
    assert records["message"].iloc[0].endswith("FILESYSTEM CLEAN")


def test_a_label_glued_to_a_twelve_hour_time_with_milliseconds_and_a_zone_is_read() -> None:
    lines = []
    for i in range(6):
        lines += [
            f"amSession:03/05/2024 02:2{i}:01:123 PM UTC: Thread[http-8080-{i},5,main]",
            f"session {i} created",
            "--------------------------------",
        ]
    records = _log(lines).records
    assert len(records) == 6
    assert records["timestamp"].iloc[0] == pd.Timestamp("2024-03-05 14:20:01.123")


def test_a_blocks_template_is_that_of_all_its_lines() -> None:
    lines = []
    for i in range(8):
        statement = (
            f"SELECT * FROM orders WHERE customer_id = {i};"
            if i % 2
            else f"UPDATE stock SET n = n - 1 WHERE id = {i};"
        )
        lines += [
            f"# Time: 2024-03-05T14:22:0{i}.123456Z",
            f"# Query_time: {i}.000123  Lock_time: 0.000012",
            statement,
        ]
    report = _log(lines)
    assert len(report.records) == 8
    assert report.records["template_id"].nunique() == 2
    assert report.records["message"].iloc[0].startswith("# Time: 2024-03-05T14:22:00")


@pytest.mark.parametrize("stamp", ["03/05/2024-14:22:0{s}.123456", "03/05-14:22:0{s}.123456"])
def test_a_month_first_date_joined_to_its_time_by_a_dash_is_read(stamp: str) -> None:
    # Suricata's and Snort's fast alert logs (Snort's has no year).
    lines = [
        f"{stamp.format(s=s)}  [**] [1:2013028:7] rule {s} matched [**] {{TCP}} 10.0.0.{s}:53 -> "
        f"10.0.1.{s}:80"
        for s in range(6)
    ]
    stamps = _log(lines).records["timestamp"]
    assert stamps.dt.strftime("%m-%d %H:%M:%S.%f").tolist() == [
        f"03-05 14:22:0{s}.123456" for s in range(6)
    ]


def test_a_one_letter_level_in_brackets_after_a_source_location_is_read() -> None:
    letters = "IWEDII"
    lines = [
        f"2024/03/05 14:22:0{i} ...s/graceful/server.go:6{i}:NewServer() [{letters[i]}] "
        f"started worker {i}"
        for i in range(6)
    ]
    records = _log(lines).records
    assert records["level"].tolist()[:4] == ["INFO", "WARN", "ERROR", "DEBUG"]


@pytest.mark.parametrize(
    "shape",
    [
        "[2024-03-05T14:22:0{i}.123456+00:00] request.{LEVEL}: matched route {i} [] []",
        "2024-03-05T14:22:0{i}Z {L}! gathered metrics from input {i}",
    ],
)
def test_a_level_after_a_channel_and_dot_or_before_a_bang_is_stated(shape: str) -> None:
    levels = ["DEBUG", "INFO", "WARNING", "ERROR", "INFO", "INFO"]
    lines = [shape.format(i=i, LEVEL=levels[i], L=levels[i][0]) for i in range(6)]
    records = _log(lines).records
    assert records["level"].tolist()[:4] == ["DEBUG", "INFO", "WARN", "ERROR"]
    assert not records["level_inferred"].any()


@pytest.mark.parametrize(
    ("stamp", "shape"),
    [
        ("March 5th 2024, 14:22:0{s}.123", "%Y-%m-%d %H:%M:%S"),
        ("*Mar  5 14:22:0{s}.123:", "%m-%d %H:%M:%S"),
    ],
)
def test_an_ordinal_day_and_a_clock_marked_unsure_are_read(stamp: str, shape: str) -> None:
    lines = [f"{stamp.format(s=s)} %LINK-3-UPDOWN: interface {s} changed state" for s in range(6)]
    stamps = _log(lines).records["timestamp"]
    expected = [pd.Timestamp(f"2024-03-05 14:22:0{s}").strftime(shape) for s in range(6)]
    assert stamps.dt.strftime(shape).tolist() == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("05-MAR-2024 14:22:0{s} * (CONNECT_DATA=(SID=orcl)) * establish * orcl * 0", "14:22:0{s}"),
        ("2024-03-05-14.22.0{s}.123456+060 I1234E567  LEVEL: Warning  probe {s}", "14:22:0{s}"),
    ],
)
def test_a_month_in_capitals_and_an_offset_in_minutes_are_read(line: str, expected: str) -> None:
    stamps = _log([line.format(s=s) for s in range(6)]).records["timestamp"]
    assert stamps.dt.strftime("%Y-%m-%d %H:%M:%S").tolist() == [
        "2024-03-05 " + expected.format(s=s) for s in range(6)
    ]


def test_a_level_in_brackets_after_a_components_name_is_stated() -> None:
    levels = ["DEBUG", "INFO", "WARNING", "ERROR", "INFO", "INFO"]
    lines = [
        f"2024-03-05 14:22:0{i},123 - util.py[{levels[i]}]: read /proc/uptime {i}" for i in range(6)
    ]
    records = _log(lines).records
    assert records["level"].tolist()[:4] == ["DEBUG", "INFO", "WARN", "ERROR"]
    assert not records["level_inferred"].any()


def test_a_level_in_angle_brackets_opening_a_syslog_message_is_stated() -> None:
    levels = ["debug", "info", "warning", "err", "info", "notice"]
    lines = [
        f"Mar  5 14:22:0{i} gw01 dnsmasq[12{i}]: <{levels[i]}> lease {i} renewed"
        for i in range(6)
    ]
    records = _log(lines).records
    assert records["level"].tolist()[:4] == ["DEBUG", "INFO", "WARN", "ERROR"]
    assert not records["level_inferred"].any()


def test_dotnet_console_levels_and_powershell_verbose_labels_are_levels() -> None:
    dotnet = ["dbug", "info", "warn", "fail", "info", "trce"]
    lines = [f"{dotnet[i]}: Microsoft.Hosting.Lifetime[{i}] step {i} done" for i in range(6)]
    records = _log(lines).records
    assert records["level"].tolist() == ["DEBUG", "INFO", "WARN", "ERROR", "INFO", "TRACE"]
    lines = [f"2024-03-05 14:22:0{i} job-{i} VERBOSE: step {i} done" for i in range(6)]
    assert _log(lines).records["level"].eq("TRACE").all()


def test_json_nanosecond_epochs_and_a_status_under_a_longer_name_are_read() -> None:
    base = int(dt.datetime(2024, 3, 5, 14, 22, 1, tzinfo=dt.UTC).timestamp()) * 1_000_000_000
    lines = [
        json.dumps(
            {
                "ClientIP": f"10.0.0.{i}",
                "EdgeStartTimestamp": base + i * 1_000_000_000 + 123_456_000,
                "EdgeResponseStatus": [200, 502, 404, 200, 301, 200][i],
                "ClientRequestURI": f"/items/{i}",
            }
        )
        for i in range(6)
    ]
    records = _log(lines).records
    assert records["timestamp"].iloc[1] == pd.Timestamp("2024-03-05 14:22:02.123456")
    assert records["level"].tolist()[:3] == ["INFO", "ERROR", "WARN"]


def test_json_keys_that_cannot_be_written_into_a_path_are_passed_over_not_fatal() -> None:
    # Keys of an uploaded file are the uploader's: a quote or bracket in one must not break
    # the analysis (they were written into a JSON path as they were).
    lines = [
        json.dumps(
            {
                "ti'me": f"2024-03-05T14:22:0{i}Z",
                "a']['b status": 500,
                "when": f"2024-03-05T15:22:0{i}Z",
                "msg": f"job {i} done",
            }
        )
        for i in range(6)
    ]
    records = _log(lines).records
    assert records["timestamp"].iloc[0] == pd.Timestamp("2024-03-05 15:22:00")
    assert records["message"].iloc[0] == "job 0 done"
