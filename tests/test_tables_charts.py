"""Figure builders of agent.analysis.tables, asserted on the figure data."""

from __future__ import annotations

import pandas as pd
import pytest

from agent.analysis.tables import (
    TableProfile,
    correlation_figure,
    distribution_figure,
    profile_csv,
    timeseries_figure,
)

CSV = (
    "day,qty,price,color,ok\n"
    "2024-01-01,1,10.0,red,yes\n"
    "2024-01-01,2,20.0,red,no\n"
    "2024-01-02,3,30.0,blue,yes\n"
    "2024-01-03,4,40.5,red,yes\n"
)


@pytest.fixture(scope="module")
def profile() -> TableProfile:
    """A small profile with every kind a chart cares about."""
    return profile_csv(CSV.encode())


def test_numeric_distribution_is_a_histogram_of_every_row(profile: TableProfile) -> None:
    figure = distribution_figure(profile, "qty")
    (bar,) = figure.data
    assert list(bar.y) == [1, 1, 1, 1]
    assert list(bar.x) == [1.0, 2.0, 3.0, 4.0]


def test_datetime_distribution_is_a_histogram_over_time(profile: TableProfile) -> None:
    (bar,) = distribution_figure(profile, "day").data
    assert sum(bar.y) == 4
    assert pd.Timestamp(bar.x[0]) >= pd.Timestamp("2024-01-01")


def test_categorical_distribution_is_a_top_values_bar(profile: TableProfile) -> None:
    (bar,) = distribution_figure(profile, "color").data
    assert bar.orientation == "h"
    assert dict(zip(bar.y, bar.x, strict=True)) == {"red": 3, "blue": 1}


def test_boolean_distribution_counts_both_values(profile: TableProfile) -> None:
    (bar,) = distribution_figure(profile, "ok").data
    # DuckDB reads yes/no as BOOLEAN, so the bars are labelled true/false.
    assert dict(zip(bar.y, bar.x, strict=True)) == {"true": 3, "false": 1}


def test_pearson_heatmap_covers_numeric_columns(profile: TableProfile) -> None:
    figure = correlation_figure(profile, "pearson")
    assert figure is not None
    (heatmap,) = figure.data
    assert list(heatmap.x) == ["qty", "price"]
    assert heatmap.z[0][0] == 1.0
    assert heatmap.z[0][1] == pytest.approx(1.0, abs=0.01)


def test_time_series_counts_rows_per_period(profile: TableProfile) -> None:
    figure = timeseries_figure(profile)
    assert figure is not None
    (line,) = figure.data
    assert list(line.y) == [2, 1, 1]
    assert profile.time_column == "day" and profile.time_unit == "hour"


def test_no_time_series_or_heatmap_without_the_columns() -> None:
    profile = profile_csv(b"color\nred\nblue\n")
    assert timeseries_figure(profile) is None
    assert correlation_figure(profile) is None


def test_sparkline_histograms_are_plain_int_lists(profile: TableProfile) -> None:
    sparks = dict(zip(profile.columns["column"], profile.columns["histogram"], strict=True))
    assert sparks["qty"] == [1, 1, 1, 1]
    assert sparks["color"] == [3, 1]
    assert all(isinstance(n, int) for counts in sparks.values() for n in counts)
