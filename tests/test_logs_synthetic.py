"""Log shapes the dev set lacks, generated with known truth: templates, times, levels, records.

The generators (bench/synthetic_systems.py, LogHub-like; bench/synthetic_lnav.py, shapes lnav
reads by format) write each system's lines from its own event list, so these figures say how
analyze_log does on logs it was not built on. Floors sit just under what it reaches; a system
whose figure falls below its floor has regressed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from synthetic_logs import FRESH, LNAV_LIKE, SYSTEMS, score  # noqa: E402

# GA floor per LogHub-like system (time and level must be right on 99% of lines everywhere).
GA_FLOORS = {
    "Hadoop": 0.98,
    "Zookeeper": 0.98,
    "OpenStack": 0.98,
    "Thunderbird": 0.98,
    "Windows": 0.98,
    "Android": 0.98,
    "HPC": 0.98,
    "Proxifier": 0.98,
    "SpringBoot": 0.98,
    "Redis": 0.98,
    "SQLServer": 0.98,
    "PythonApp": 0.98,
    "Logback": 0.98,
    "Cassandra": 0.98,
    "Bracketed": 0.98,
    "SyslogISO": 0.98,
    "GoLogfmt": 0.98,
    "ZapConsole": 0.98,
    "DotNetUS": 0.98,
    "LongTail": 0.98,
}
MEAN_GA_FLOOR = 0.99
LNAV_GA_FLOOR = 0.98
LNAV_LINES = 400
TIME_FLOOR = 0.99
LEVEL_FLOOR = 0.99


@pytest.fixture(scope="module")
def scores() -> dict[str, dict[str, float]]:
    return {system.name: score(system) for system in SYSTEMS}


def test_every_synthetic_system_has_a_floor(scores: dict[str, dict[str, float]]) -> None:
    assert set(scores) == set(GA_FLOORS)


@pytest.mark.parametrize("name", sorted(GA_FLOORS))
def test_templates_times_and_levels_hold_on_a_log_shape_never_tuned_for(
    scores: dict[str, dict[str, float]], name: str
) -> None:
    result = scores[name]
    assert result["ga"] >= GA_FLOORS[name]
    assert result["records"] == 1.0
    assert result.get("time", 1.0) >= TIME_FLOOR
    assert result.get("level", 1.0) >= LEVEL_FLOOR


def test_mean_grouping_accuracy_over_the_synthetic_systems_stays_above_the_floor(
    scores: dict[str, dict[str, float]],
) -> None:
    assert sum(s["ga"] for s in scores.values()) / len(scores) >= MEAN_GA_FLOOR


# lnav-like shapes, and the shapes written fresh after the rules they needed
# (bench/synthetic_fresh.py): records per line, time, level and GA on each.
@pytest.mark.parametrize("system", (*LNAV_LIKE, *FRESH), ids=lambda s: s.name)
def test_times_levels_and_records_hold_on_lnav_like_and_fresh_shapes(system) -> None:  # noqa: ANN001
    result = score(system, LNAV_LINES)
    assert result["records"] == 1.0
    assert result.get("time", 1.0) >= TIME_FLOOR
    assert result.get("level", 1.0) >= LEVEL_FLOOR
    assert result["ga"] >= LNAV_GA_FLOOR
