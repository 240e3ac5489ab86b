"""Each alert kind on a small hand-made table that must raise it and one that must not."""

from __future__ import annotations

import math

import pytest

from agent.analysis.tables import profile_csv


def csv(columns: dict[str, list[object]]) -> bytes:
    """A CSV from equal-length columns (None is an empty field)."""
    names = list(columns)
    rows = zip(*columns.values(), strict=True)
    lines = [",".join(names)] + [",".join("" if v is None else str(v) for v in row)
                                 for row in rows]
    return ("\n".join(lines) + "\n").encode()


def alerts(columns: dict[str, list[object]]) -> set[tuple[str | None, str]]:
    """(column, kind) pairs raised on the table."""
    return {(a.column, a.kind) for a in profile_csv(csv(columns)).alerts}


N = 40
SPREAD = [(i * 37) % 101 + 0.5 for i in range(N)]  # 40 distinct, unordered values
OTHER = [(i * 53) % 97 + 0.25 for i in range(N)]


CASES = {
    "missing": ({"x": SPREAD, "m": [None, *SPREAD[1:]]}, {"x": SPREAD, "m": OTHER}, "m"),
    "zeros": ({"x": SPREAD, "z": [0, 0, *SPREAD[2:]]}, {"x": SPREAD, "z": OTHER}, "z"),
    "high_cardinality": ({"code": [f"c{i % 60}" for i in range(200)]},
                         {"code": [f"c{i % 10}" for i in range(200)]}, "code"),
    "imbalance": ({"g": ["a"] * 36 + ["b", "b", "c", "d"], "x": SPREAD},
                  {"g": ["a", "b", "c", "d"] * 10, "x": SPREAD}, "g"),
    "skewed": ({"s": [i % 7 for i in range(600)] + [10**7]},
               {"s": [i % 7 for i in range(600)] + [7]}, "s"),
    "unique": ({"u": SPREAD}, {"u": [*SPREAD[:-1], SPREAD[0]]}, "u"),
    "uniform": ({"g": ["a", "b", "c", "d"] * 10, "x": SPREAD},
                {"g": ["a"] * 20 + ["b"] * 12 + ["c"] * 6 + ["d"] * 2, "x": SPREAD}, "g"),
    "constant": ({"c": ["FR"] * N, "x": SPREAD}, {"c": ["FR", "DE"] * 20, "x": SPREAD}, "c"),
    "constant_length": ({"ref": [f"AB{i:03d}" for i in range(N)]},
                        {"ref": [f"AB{i}" for i in range(N)]}, "ref"),
    "infinite": ({"v": ["inf"] * 2 + SPREAD[2:]}, {"v": SPREAD}, "v"),
    "date_as_text": ({"d": [f'"March {i % 28 + 1}, 2021"' for i in range(N)]},
                     {"d": [f"March team {i % 28 + 1}" for i in range(N)]}, "d"),
    "mixed_types": ({"ref": [str(i) for i in range(30)] + ["abc"] * 10},
                    {"ref": [f"r{i}" for i in range(N)]}, "ref"),
    "outliers": ({"o": [*SPREAD[:-1], 10_000]}, {"o": SPREAD}, "o"),
    "id_like": ({"customer_id": list(range(1, N + 1)), "x": SPREAD},
                {"amount": list(range(1, N + 1)), "x": SPREAD}, "customer_id"),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_each_column_alert_is_raised_where_it_applies_and_only_there(kind: str) -> None:
    raising, quiet, column = CASES[kind]
    assert (column, kind) in alerts(raising)
    assert not {pair for pair in alerts(quiet) if pair[1] == kind}


def test_strongly_related_columns_are_flagged_each_naming_the_other() -> None:
    y = [2 * v + (i % 3) for i, v in enumerate(SPREAD)]
    profile = profile_csv(csv({"x": SPREAD, "y": y, "noise": OTHER}))
    flagged = {a.column: a.message for a in profile.alerts if a.kind == "high_correlation"}
    assert set(flagged) == {"x", "y"}
    assert "'y'" in flagged["x"] and "'x'" in flagged["y"]


def test_whole_row_duplicates_are_flagged_and_distinct_rows_are_not() -> None:
    assert (None, "duplicates") in alerts({"a": [*SPREAD[:-1], SPREAD[0]],
                                           "b": [*OTHER[:-1], OTHER[0]]})
    assert (None, "duplicates") not in alerts({"a": SPREAD, "b": OTHER})


def test_a_header_only_file_says_it_has_no_rows() -> None:
    profile = profile_csv(b"a,b,c\n")
    assert profile.rows == 0
    assert [(a.column, a.kind) for a in profile.alerts] == [(None, "empty")]
    assert "no data rows" in profile.alerts[0].message
    assert profile.correlations == {} and profile.series is None


def test_a_three_row_file_gets_facts_not_statistics() -> None:
    profile = profile_csv(b"id,amount,city\n1,10,paris\n2,,rome\n3,30,rome\n")
    assert {(a.column, a.kind) for a in profile.alerts} == {("amount", "missing")}
    assert (None, "empty") not in {(a.column, a.kind) for a in profile.alerts}


def trend_and_season(months: int) -> dict[str, list[object]]:
    """A monthly series in year and month-name columns: a rising and a seasonal value."""
    names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return {
        "year": [1950 + i // 12 for i in range(months)],
        "month": [names[i % 12] for i in range(months)],
        "passengers": [100 + 3 * i + (i * 7919) % 13 for i in range(months)],
        "temperature": [round(10 + 8 * math.sin(2 * math.pi * i / 12) + (i * 7919) % 13 / 10, 3)
                        for i in range(months)],
    }


def test_a_year_month_series_is_found_and_tested_for_trend_and_season() -> None:
    profile = profile_csv(csv(trend_and_season(120)))
    series = profile.series
    assert series is not None and series.kind == "calendar" and series.entity is None
    assert series.parts == ["year", "month"]
    assert series.frame["period"].is_monotonic_increasing and len(series.frame) == 120
    found = {(a.column, a.kind) for a in profile.alerts}
    assert ("passengers", "non_stationary") in found
    assert ("temperature", "seasonal") in found
    assert ("temperature", "non_stationary") not in found
    assert ("passengers", "seasonal") not in found


def test_a_year_per_country_table_is_a_panel() -> None:
    countries = ["France", "Japan", "Canada"]
    table = {"country": [c for c in countries for _ in range(20)],
             "year": [2000 + y for _ in countries for y in range(20)],
             "spending": [round(100 * (1 + k) + 5 * y + (y * 31) % 7, 1)
                          for k in range(3) for y in range(20)]}
    series = profile_csv(csv(table)).series
    assert series is not None and series.kind == "panel"
    assert series.entity == "country" and series.values == ["spending"]


def test_white_noise_over_dates_is_not_called_non_stationary_or_seasonal() -> None:
    days = [f"2024-01-{d:02d}" for d in range(1, 31)] + [f"2024-02-{d:02d}" for d in range(1, 11)]
    found = alerts({"day": days, "v": SPREAD})
    assert profile_csv(csv({"day": days, "v": SPREAD})).series is not None
    assert not {k for _, k in found} & {"non_stationary", "seasonal"}
