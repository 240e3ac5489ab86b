"""History's figures on little data: whole-bucket ticks, dollars, a 0-100% error axis."""

from __future__ import annotations

from datetime import UTC, datetime

import plotly.io as pio

from db.history_usage import BucketRow, ModelRow, Totals, Usage
from ui.history_charts import (
    ALL_CHARTS,
    cost_by_model,
    cost_over_time,
    error_rate_over_time,
    interactions_over_time,
)

DAY = datetime(2026, 3, 15, tzinfo=UTC)


def one_day() -> Usage:
    row = BucketRow(DAY, None, interactions=4, errors=1, prompt_tokens=10, completion_tokens=20,
                    cost_usd=0.000005, cost_known=4)
    by_model = BucketRow(DAY, "gpt-a", 4, 1, 10, 20, 0.000005, 4)
    return Usage("day", Totals(interactions=4, errors=1), by_bucket_model=[by_model],
                 by_bucket=[row], by_model=[ModelRow("gpt-a", 4, 0.000005, 4, 900, 1200)])


def test_a_single_day_gets_one_whole_day_tick_not_sub_second_ones() -> None:
    axis = interactions_over_time(one_day()).layout.xaxis
    assert axis.dtick == 86_400_000
    assert axis.tickformat == "%b %d, %Y"
    start, end = (datetime.fromisoformat(str(v)) for v in axis.range)
    assert start < DAY < end


def test_costs_are_dollars_with_decimals_not_si_prefixes() -> None:
    for build in (cost_over_time, cost_by_model):
        axis = build(one_day()).layout.yaxis
        assert (axis.tickprefix, axis.tickformat) == ("$", ",.6~f")


def test_the_error_rate_axis_runs_from_zero_to_a_hundred_percent() -> None:
    axis = error_rate_over_time(one_day()).layout.yaxis
    assert axis.range[0] == 0 and 1 <= axis.range[1] < 1.1
    assert axis.tickformat == ".0%"


def test_every_chart_renders_with_one_day_of_data() -> None:
    for build in ALL_CHARTS:
        assert pio.to_json(build(one_day()))
