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
