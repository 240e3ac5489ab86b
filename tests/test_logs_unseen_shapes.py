"""Header shapes of systems the other log tests never saw, each on a small file made here."""

from __future__ import annotations

import pandas as pd
import pytest

from agent.analysis.logs import LogReport, analyze_log


def _log(lines: list[str]) -> LogReport:
    return analyze_log(("\n".join(lines) + "\n").encode())


@pytest.mark.parametrize(
    "shape",
    [
        # A game server's spaced dash between date and time.
        "L 03/05/2024 - 14:22:{s:02d}: World triggered round {s}",
        # Erlang's two colons between date and time, heading a multi-line report.
        "=INFO REPORT==== 5-Mar-2024::14:22:{s:02d} ===\naccepting connection {s}",
        # Zabbix: the process id glued to a compact date and time by colons.
        "{s:>6}:20240305:1422{s:02d}.123 housekeeper deleted {s} items",
        # An at sign marks an epoch.
        "@{epoch}.25 web-01 sshd[{s}]: session {s} opened",
        # CockroachDB's glog header with the year, and its redaction mark.
        "I240305 14:22:{s:02d}.123456 {s}77 server/server.go:1{s}2 \u22ee [n1] {s}  ready",
    ],
)
def test_times_glued_or_spaced_in_less_common_ways_are_read(shape: str) -> None:
    lines = [shape.format(s=s, epoch=1709648520 + s) for s in range(1, 7)]
    records = _log("\n".join(lines).split("\n")).records
    assert len(records) == len(lines)
    expected = [pd.Timestamp(f"2024-03-05 14:22:{s:02d}") for s in range(1, 7)]
    assert records["timestamp"].dt.floor("s").tolist() == expected


_LEVELS = ["info", "debug", "warn", "error", "info", "info"]


@pytest.mark.parametrize(
    "shape",
    [
        # Zigbee2MQTT: the level glued to the program's name by a colon.
        "Zigbee2MQTT:{level:<5} 2024-03-05 14:22:{s:02d}: device {s} reported",
        # Jetty: time, level and component glued by colons.
        "2024-03-05 14:22:{s:02d}.123:{LEVEL}:oejs.Server:main: connector {s} started",
        # A semicolon-separated export.
        "05.03.2024 14:22:{s:02d};{LEVEL};cache;entry {s} stored",
    ],
)
def test_a_level_glued_to_its_neighbours_by_punctuation_is_the_level(shape: str) -> None:
    lines = [
        shape.format(s=s, level=level, LEVEL=level.upper())
        for s, level in enumerate(_LEVELS, start=1)
    ]
    records = _log(lines).records
    assert records["level"].tolist() == [level.upper() for level in _LEVELS]
    assert not records["level_inferred"].any()
    expected = [pd.Timestamp(f"2024-03-05 14:22:{s:02d}") for s in range(1, 7)]
    assert records["timestamp"].dt.floor("s").tolist() == expected


def test_a_capitalised_label_after_the_headers_component_is_the_level() -> None:
    # Unreal: most records say Display (no level word), a few Verbose or Warning.
    labels = ["Display", "Display", "Verbose", "Display", "Warning", "Display"]
    lines = [
        f"[2024.03.05-14.22.{s:02d}:123][{s:3d}]LogNet: {label}: channel {s} ticked"
        for s, label in enumerate(labels, start=1)
    ]
    records = _log(lines).records
    assert records["level"].tolist() == ["INFO", "INFO", "TRACE", "INFO", "WARN", "INFO"]


def test_one_digit_levels_count_up_unless_a_value_past_four_says_they_are_syslogs() -> None:
    def lines(levels: list[int]) -> list[str]:
        return [
            f'{{"time":"2024-03-05T14:22:{s:02d}+00:00","level":{level},"message":"job {s}"}}'
            for s, level in enumerate(levels, start=1)
        ]

    # Nextcloud: 0 debug .. 4 fatal.
    ascending = _log(lines([1, 1, 0, 2, 3, 4, 1])).records["level"].tolist()
    assert ascending == ["INFO", "INFO", "DEBUG", "WARN", "ERROR", "FATAL", "INFO"]
    # GELF: syslog severities, 6 informational.
    syslog = _log(lines([6, 6, 7, 4, 3, 6, 6])).records["level"].tolist()
    assert syslog == ["INFO", "INFO", "DEBUG", "WARN", "ERROR", "INFO", "INFO"]


def test_a_row_of_column_names_says_which_columns_hold_the_time_and_the_level() -> None:
    # An event viewer's CSV export: a 12-hour US time, a quoted message that may span lines.
    levels = ["Information", "Warning", "Error", "Information", "Critical", "Information"]
    lines = ["Level,Date and Time,Source,Event ID,Task Category"]
    for s, level in zip(range(6, 0, -1), levels, strict=True):
        lines.append(f'{level},3/5/2024 2:22:{s:02d} PM,Service Control Manager,7036,None,"A')
        lines.append(f'service entered state {s}."')
    records = _log(lines).records
    assert records["line"].tolist() == [1, 2, 4, 6, 8, 10, 12]
    assert records["level"].tolist()[1:] == ["INFO", "WARN", "ERROR", "INFO", "FATAL", "INFO"]
    expected = [pd.Timestamp(f"2024-03-05 14:22:{s:02d}") for s in range(6, 0, -1)]
    assert records["timestamp"].tolist()[1:] == expected


def test_a_date_and_a_time_in_columns_of_their_own_under_a_title_are_read() -> None:
    # A DHCP server's audit CSV: a title and a legend, then the row of names.
    lines = ["\t\tDHCP Service Activity Log", "", "ID  Meaning", "10\tA lease was granted.", ""]
    lines.append("ID,Date,Time,Description,IP Address,Host Name,MAC Address")
    lines += [
        f"1{s % 2},03/05/24,14:22:{s:02d},Renew,10.0.0.{s},host{s}.example.com,0011223344{s:02d}"
        for s in range(1, 7)
    ]
    records = _log(lines).records
    assert len(records) == 3 + 1 + 6
    expected = [pd.Timestamp(f"2024-03-05 14:22:{s:02d}") for s in range(1, 7)]
    assert records["timestamp"].tolist()[-6:] == expected


def test_a_flow_logs_first_line_names_its_epoch_columns() -> None:
    lines = ["version account-id srcaddr dstaddr srcport packets bytes start end action"]
    lines += [
        f"2 123456789012 10.0.0.{s} 10.0.1.{s} {4431 * s} {s * 7} {s * 5301} {1709648520 + s} "
        f"{1709648580 + s} ACCEPT"
        for s in range(1, 7)
    ]
    records = _log(lines).records
    expected = [pd.Timestamp(f"2024-03-05 14:22:{s:02d}") for s in range(1, 7)]
    assert records["timestamp"].tolist()[1:] == expected


def test_columns_of_numbers_are_never_cut_inside_a_number() -> None:
    # A flow log without its row of names: the epoch columns come after many numbers.
    rows = [
        ("f05ee23dc8aefea72", "10.238.50.253 10.124.220.146 7201 22 6 26 23004", 36),
        ("9e9eeaac3e0b2e482", "10.174.230.109 10.152.70.31 3682 5432 6 75 15444", 32),
        ("4945ea6817ecb713a", "10.109.84.129 10.14.179.216 59129 443 6 54 24142", 10),
        ("d994b5fd22e143d64", "10.33.7.69 10.131.151.59 29309 5432 6 20 21391", 27),
        ("869c02aa30a1c91c7", "10.215.87.99 10.15.62.118 46649 80 6 13 758", 4),
        ("0c093668ecf0e3a25", "10.86.216.240 10.184.111.192 2085 443 6 94 48821", 32),
    ]
    lines = [
        f"2 123456789012 eni-{eni} {middle} {1709648520 + s} {1709648520 + s + length} ACCEPT OK"
        for s, (eni, middle, length) in enumerate(rows, start=1)
    ]
    records = _log(lines).records
    expected = [pd.Timestamp(f"2024-03-05 14:22:{s:02d}") for s in range(1, 7)]
    assert records["timestamp"].tolist() == expected


def test_key_value_lines_without_a_time_key_take_the_time_a_value_wraps() -> None:
    # auditd: the epoch and serial inside `msg=audit(...)`, which is no message.
    lines = [
        f"type=SYSCALL msg=audit({1709648520 + s}.{s}25:{400 + s}): arch=c000003e syscall=59 "
        f'success=yes exit=0 pid={900 + s} uid=0 comm="sudo" exe="/usr/bin/sudo" key="exec"'
        for s in range(1, 7)
    ]
    records = _log(lines).records
    expected = [pd.Timestamp(f"2024-03-05 14:22:{s:02d}") for s in range(1, 7)]
    assert records["timestamp"].dt.floor("s").tolist() == expected
    assert records["message"].str.contains("syscall=59").all()


@pytest.mark.parametrize(
    "head",
    [
        "Mar 05 2024 14:22:{s:02d}: ",
        # Forwarded by syslog: the code after the host.
        "Mar  5 14:22:{s:02d} fw-01 ",
    ],
)
def test_a_message_code_carrying_its_syslog_severity_gives_the_level(head: str) -> None:
    codes = ["%ASA-6-302013", "%LINK-3-UPDOWN", "%ASA-4-106023", "%SYS-5-CONFIG_I"] * 2
    lines = [head.format(s=s) + f"{code}: event {s} seen" for s, code in enumerate(codes)]
    records = _log(lines).records
    assert records["level"].tolist() == ["INFO", "ERROR", "WARN", "INFO"] * 2
    assert not records["level_inferred"].any()


def test_a_block_starts_at_its_first_lines_time_never_at_an_indented_one() -> None:
    # IBM MQ's error log: a 12-hour US time heads each block; an indented field holds a time too.
    lines = []
    for s in range(1, 5):
        lines += [
            f"03/05/2024 02:22:{s:02d} PM - Process({s}123.1) User(mqm) Program(amqrmppa)",
            "                    Host(mqhost) Installation(Installation1)",
            f"                    Time(2024-03-05T14:22:{s:02d}.123Z)",
            "",
            f"AMQ9209E: Connection to host 'qm{s}' closed.",
            "EXPLANATION:",
            "The remote end closed the connection.",
            "-" * 40,
        ]
    records = _log(lines).records
    assert records["line"].tolist() == [1, 9, 17, 25]
    expected = [pd.Timestamp(f"2024-03-05 14:22:{s:02d}") for s in range(1, 5)]
    assert records["timestamp"].tolist() == expected


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        # Windows Installer: a bracketed clock with milliseconds after a colon, then a colon.
        ("MSI (s) (7C:44) [14:22:{s:02d}:123]: Doing action {s}", "14:22:{s:02d}.123"),
        ("worker [2024-03-05 14:22:{s:02d}]: job {s} done", "2024-03-05 14:22:{s:02d}"),
        # GPFS: an underscore between date and time.
        (
            "2024-03-05_14:22:{s:02d}.123+0000: [I] Command: mount fs{s}",
            "2024-03-05 14:22:{s:02d}.123",
        ),
    ],
)
def test_a_bracketed_time_closed_by_a_colon_or_joined_by_an_underscore_is_read(
    shape: str, expected: str
) -> None:
    records = _log([shape.format(s=s) for s in range(1, 7)]).records
    stamps = records["timestamp"]
    if "-" not in expected:
        # A clock without a date: compare the time of day.
        assert [t.strftime("%H:%M:%S.%f")[:12] for t in stamps] == [
            expected.format(s=s) for s in range(1, 7)
        ]
    else:
        assert stamps.tolist() == [pd.Timestamp(expected.format(s=s)) for s in range(1, 7)]


def test_a_programs_own_longer_capitalised_level_shares_the_level_place() -> None:
    # tinyproxy's CONNECT among INFO, NOTICE and WARNING, before a year-less time.
    levels = ["CONNECT", "INFO", "CONNECT", "NOTICE", "WARNING", "CONNECT", "INFO", "CONNECT"]
    lines = [
        f"{level:<9} Mar 05 14:22:{s:02d}.123 [{s}42]: request {s} handled"
        for s, level in enumerate(levels)
    ]
    records = _log(lines).records
    assert records["timestamp"].notna().all()
    assert records["level"].tolist()[3:5] == ["INFO", "WARN"]
    assert records["message"].iloc[0] == "request 0 handled"


def test_messages_starting_alike_with_a_name_glued_to_brackets_keep_those_words() -> None:
    # Celery: most records are one task's; the time's bracket holds the level.
    levels = ["INFO"] * 4 + ["DEBUG"] + ["INFO"] * 6 + ["WARNING"]
    lines = [
        f"[2024-03-05 14:22:{s:02d},123: {level}/MainProcess] Task tasks.add[{s}a2f-{s}c] received"
        if level == "INFO"
        else f"[2024-03-05 14:22:{s:02d},123: {level}/MainProcess] | Worker: step {s}"
        for s, level in enumerate(levels)
    ]
    records = _log(lines).records
    assert records["level"].tolist() == [
        {"WARNING": "WARN"}.get(level, level) for level in levels
    ]
    assert records["message"].iloc[0].startswith("Task tasks.add[")


def test_a_programs_own_titled_level_inside_a_run_of_header_words_is_its_level() -> None:
    # macOS's `log show`: Default among Info, Debug and Error, between a thread id and an
    # activity id.
    kinds = ["Default", "Info", "Default", "Debug", "Error", "Default", "Info", "Default"]
    lines = [
        f"2024-03-05 14:22:{s:02d}.123456-0800 0x{s}a2b     {kind:<11} 0x0     {s}12    0    "
        f"kernel: (IOKit) device {s} matched"
        for s, kind in enumerate(kinds)
    ]
    records = _log(lines).records
    assert records["level"].tolist()[1:5] == ["INFO", "INFO", "DEBUG", "ERROR"]
    assert records["message"].str.contains("device").all()
    assert not records["message"].str.contains("Default").any()


@pytest.mark.parametrize(
    "stamp",
    ["14:22:{s:02d} Mar 5 2024", "[14:22:{s:02d} 2024-03-05]", "14:22:{s:02d} 05.03.2024"],
)
def test_a_time_written_before_its_date_gets_the_date(stamp: str) -> None:
    records = _log([f"{stamp.format(s=s)} WARN job {s} done" for s in range(1, 7)]).records
    expected = [pd.Timestamp(f"2024-03-05 14:22:{s:02d}") for s in range(1, 7)]
    assert records["timestamp"].tolist() == expected
    assert records["message"].str.startswith("job").all()


@pytest.mark.parametrize(
    "banner", ["Starting MyApp, version 2, build 7", "Starting MyApp, please wait, loading"]
)
def test_a_banner_with_commas_over_lines_with_a_decimal_comma_is_no_row_of_names(
    banner: str,
) -> None:
    levels = ["INFO", "WARNING", "INFO", "ERROR", "INFO", "INFO"]
    lines = [banner] + [
        f"2024-03-05 14:22:{s:02d},123 {level} loaded {s} rows, {s * 3} skipped, {s} failed"
        for s, level in enumerate(levels)
    ]
    records = _log(lines).records.iloc[1:]
    assert records["level"].tolist() == ["INFO", "WARN", "INFO", "ERROR", "INFO", "INFO"]
    assert records["message"].str.startswith("loaded").all()
    assert records["timestamp"].iloc[0] == pd.Timestamp("2024-03-05 14:22:00.123")


def test_a_status_column_after_the_time_still_makes_a_table() -> None:
    lines = ["time,status,path"] + [f"2024-03-05 14:22:{s:02d},200,/items/{s}" for s in range(6)]
    records = _log(lines).records.iloc[1:]
    assert records["timestamp"].iloc[2] == pd.Timestamp("2024-03-05 14:22:02")
