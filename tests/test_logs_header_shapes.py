"""Header shapes of systems the learner had not met: each a small file made here."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from agent.analysis.logs import LogReport, analyze_log


def _log(lines: list[str]) -> LogReport:
    return analyze_log(("\n".join(lines) + "\n").encode())


def _times(count: int, start: dt.datetime, step: int = 97) -> list[dt.datetime]:
    return [start + dt.timedelta(seconds=step * i, milliseconds=7 * i) for i in range(count)]


def test_a_decorated_angle_bracket_holding_a_twelve_hour_time_and_zone_is_the_time() -> None:
    levels = ["Info", "Warning", "Info", "Error", "Notice", "Info"] * 3
    lines = []
    times = _times(18, dt.datetime(2023, 7, 2, 11, 58))
    for i, (t, level) in enumerate(zip(times, levels, strict=True)):
        hour = t.hour % 12 or 12
        lines.append(
            f"####<{t:%b} {t.day}, {t.year} {hour}:{t:%M:%S},{t.microsecond // 1000:03d} "
            f"{'AM' if t.hour < 12 else 'PM'} CEST> <{level}> <Store> <node{i % 2}> "
            f"<<Kernel Thread>> <{1688291880000 + i}> <batch {i} flushed to disk>"
        )
    records = _log(lines).records
    assert records["timestamp"].iloc[0] == pd.Timestamp("2023-07-02 11:58:00")
    # 97 s a step: the third record is past noon, written 12:01:14 PM.
    assert records["timestamp"].iloc[2] == pd.Timestamp("2023-07-02 12:01:14.014")
    assert records["level"].tolist()[:4] == ["INFO", "WARN", "INFO", "ERROR"]
    assert len(records) == len(lines)


def test_a_month_and_day_joined_to_the_clock_by_a_pipe_is_a_yearless_time() -> None:
    levels = ["INFO", "WARN", "INFO", "EROR", "DBUG", "INFO"] * 3
    times = _times(18, dt.datetime(2022, 11, 30, 23, 40))
    lines = [
        f"{level} [{t:%m-%d|%H:%M:%S}.{t.microsecond // 1000:03d}] Synced segment "
        f"height={1000 + i} peers={i % 7}"
        for i, (t, level) in enumerate(zip(times, levels, strict=True))
    ]
    records = _log(lines).records
    stamps = records["timestamp"]
    assert (stamps.dt.strftime("%m-%d %H:%M:%S").iloc[1]) == "11-30 23:41:37"
    # Past midnight into December: same year, one day on.
    assert stamps.iloc[17].month == 12 and stamps.iloc[17].year == stamps.iloc[0].year
    assert records["level"].tolist()[:5] == ["INFO", "WARN", "INFO", "ERROR", "DEBUG"]


def test_a_lowercase_level_joined_to_its_component_by_a_slash_is_the_level() -> None:
    words = ["information", "warning", "notice", "critical", "debug", "information"] * 3
    lines = [
        f"[2021-02-0{1 + i % 3} 08:15:{10 + i:02d} +0000] {word}/Scheduler{i % 2}: "
        f"job {i} moved to queue {i * 3}"
        for i, word in enumerate(words)
    ]
    records = _log(lines).records
    assert records["level"].tolist()[:5] == ["INFO", "WARN", "INFO", "FATAL", "DEBUG"]
    assert not records["level_inferred"].any()
    assert records["message"].iloc[0] == "job 0 moved to queue 0"


def test_a_bracketed_level_of_a_programs_own_beside_known_ones_keeps_the_header() -> None:
    # `[Startup]` is this program's own level name: the lines holding it share the header.
    kinds = ["Startup", "Note", "Warning", "Startup", "Note", "Note", "ERROR", "Note"] * 3
    lines = [
        f"2024-01-1{i % 9}T10:00:{i:02d}.{i:06d}Z {i % 3} [{kind}] [AB-{4000 + i % 5}] "
        f"[Core] step {i} reported error count {i % 4}"
        for i, kind in enumerate(kinds)
    ]
    records = _log(lines).records
    assert records["message"].iloc[0] == "step 0 reported error count 0"
    assert records["level"].iloc[1] == "INFO" and records["level"].iloc[2] == "WARN"
    assert records["level"].iloc[6] == "ERROR"
    # A level name nobody maps is no known level: those records take their words' level.
    assert records["level_inferred"].tolist()[:4] == [True, False, False, True]


def test_short_capitalised_levels_of_a_programs_own_share_the_level_place() -> None:
    # supervisord writes DEBG and CRIT beside INFO and WARN.
    levels = ["INFO", "DEBG", "INFO", "WARN", "DEBG", "CRIT", "INFO", "DEBG"] * 3
    lines = [
        f"2020-06-0{1 + i % 5} 03:0{i % 10}:1{i % 10},{i:03d} {level} 'worker{i}' state "
        f"changed to {['RUNNING', 'BACKOFF'][i % 2]}"
        for i, level in enumerate(levels)
    ]
    records = _log(lines).records
    assert records["level"].tolist()[:6] == ["INFO", "DEBUG", "INFO", "WARN", "DEBUG", "FATAL"]
    assert not records["level_inferred"].any()
    assert records["message"].iloc[1] == "'worker1' state changed to BACKOFF"


def test_a_lowercase_level_label_opening_the_message_is_the_level() -> None:
    labels = ["", "debug:  ", "error: ", "", "warning: ", "debug:  "] * 3
    lines = [
        f"[2019-12-0{1 + i % 7}T11:0{i % 10}:00.{i:03d}] {label}sched: queue {i} has "
        f"{i * 2} jobs pending"
        for i, label in enumerate(labels)
    ]
    records = _log(lines).records
    assert records["level"].tolist()[:6] == ["INFO", "DEBUG", "ERROR", "INFO", "WARN", "DEBUG"]


def test_a_name_glued_to_brackets_after_the_level_is_header_not_message() -> None:
    # One event written by three processes: the process is a header field, the event one
    # template.
    levels = ["INFO ", "DEBUG", "INFO ", "WARN ", "INFO ", "ERROR"] * 4
    lines = [
        f"2022.08.1{i % 9} 17:2{i % 10}:0{i % 10} {level} {['web', 'ce', 'es'][i % 3]}[]"
        f"[o.x.{['Boot', 'Cache'][i % 2]}] cache warmed for tenant t{i}"
        for i, level in enumerate(levels)
    ]
    report = _log(lines)
    records = report.records
    assert records["message"].iloc[0] == "cache warmed for tenant t0"
    assert records["template_id"].nunique() == 1
    assert records["level"].tolist()[:4] == ["INFO", "DEBUG", "INFO", "WARN"]
