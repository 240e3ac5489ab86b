"""Plotly figures of usage; pure functions of `db.history_usage.Usage` (no Streamlit)."""

from __future__ import annotations

from datetime import timedelta

import plotly.graph_objects as go

from db.history_usage import Usage

LAYOUT = {"height": 320, "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
          "legend": {"orientation": "h", "y": -0.2}}
# Dollars with up to six decimals (a cheap model's turn costs $0.000005), never SI's "5µ".
USD_AXIS = {"tickprefix": "$", "tickformat": ",.6~f", "rangemode": "tozero"}
COUNT_AXIS = {"tickformat": ",~d", "rangemode": "tozero"}
# Few buckets: one tick per bucket, not plotly's sub-second ticks around a single day.
FEW_BUCKETS = 12
LATENCY_NOTE = ("Latency percentiles are read from log-spaced bins (four per doubling), so each "
                "is within about ±9% of the exact value.")


def _figure(title: str, **layout: object) -> go.Figure:
    figure = go.Figure()
    figure.update_layout(title=title, **LAYOUT, **layout)
    return figure


def _per(usage: Usage) -> str:
    return "hour" if usage.grain == "hour" else "day"


def time_axis(usage: Usage) -> dict:
    """An x axis of whole buckets: dates for days, times for hours; padded around few points."""
    width = timedelta(hours=1) if usage.grain == "hour" else timedelta(days=1)
    axis: dict = {"type": "date",
                  "tickformat": "%H:%M<br>%b %d" if usage.grain == "hour" else "%b %d, %Y"}
    buckets = sorted({r.bucket for r in (*usage.by_bucket, *usage.by_bucket_model)})
    if buckets and len(buckets) <= FEW_BUCKETS:
        axis["dtick"] = width.total_seconds() * 1000
        axis["range"] = [buckets[0] - width / 2, buckets[-1] + width / 2]
    return axis


def interactions_over_time(usage: Usage) -> go.Figure:
    """Interactions per bucket, stacked by model."""
    figure = _figure(f"Interactions per {_per(usage)} (UTC)", barmode="stack",
                     xaxis=time_axis(usage), yaxis=COUNT_AXIS)
    for model in sorted({r.model for r in usage.by_bucket_model}):
        rows = [r for r in usage.by_bucket_model if r.model == model]
        figure.add_bar(name=model, x=[r.bucket for r in rows], y=[r.interactions for r in rows])
    return figure


def tokens_over_time(usage: Usage) -> go.Figure:
    """Prompt and completion tokens per bucket, stacked."""
    figure = _figure(f"Tokens per {_per(usage)}", barmode="stack", xaxis=time_axis(usage),
                     yaxis=COUNT_AXIS)
    x = [r.bucket for r in usage.by_bucket]
    figure.add_bar(name="prompt", x=x, y=[r.prompt_tokens for r in usage.by_bucket])
    figure.add_bar(name="completion", x=x, y=[r.completion_tokens for r in usage.by_bucket])
    return figure


def cost_over_time(usage: Usage) -> go.Figure:
    """Known cost per bucket, stacked by model."""
    figure = _figure(f"Cost per {_per(usage)} (USD, known costs)", barmode="stack",
                     xaxis=time_axis(usage), yaxis=USD_AXIS)
    for model in sorted({r.model for r in usage.by_bucket_model}):
        rows = [r for r in usage.by_bucket_model if r.model == model and r.cost_known]
        if rows:
            figure.add_bar(name=model, x=[r.bucket for r in rows], y=[r.cost_usd for r in rows])
    return figure


def cost_by_model(usage: Usage) -> go.Figure:
    """Total known cost per model; the hover says how many costs are unknown."""
    figure = _figure("Cost by model (USD)", yaxis=USD_AXIS)
    figure.add_bar(
        x=[r.model for r in usage.by_model],
        y=[r.cost_usd if r.cost_known else None for r in usage.by_model],
        customdata=[r.interactions - r.cost_known for r in usage.by_model],
        hovertemplate="%{x}: $%{y:.4f}<br>cost unknown for %{customdata} interactions"
                      "<extra></extra>",
    )
    return figure


def latency_by_model(usage: Usage) -> go.Figure:
    """p50 and p95 of total and first-token latency per model (ms, binned)."""
    figure = _figure("Latency by model (ms, each within ±9%)", barmode="group",
                     yaxis={"rangemode": "tozero"})
    models = [r.model for r in usage.by_model]
    for name, attr in (("p50", "latency_p50_ms"), ("p95", "latency_p95_ms"),
                       ("first token p50", "first_token_p50_ms"),
                       ("first token p95", "first_token_p95_ms")):
        figure.add_bar(name=name, x=models, y=[getattr(r, attr) for r in usage.by_model])
    return figure


def error_rate_over_time(usage: Usage) -> go.Figure:
    """Share of interactions that failed, per bucket."""
    figure = _figure(f"Error rate per {_per(usage)}", xaxis=time_axis(usage),
                     yaxis={"tickformat": ".0%", "range": [0, 1.05], "dtick": 0.25})
    figure.add_scatter(
        mode="lines+markers", x=[r.bucket for r in usage.by_bucket],
        y=[r.errors / r.interactions for r in usage.by_bucket],
    )
    return figure


def errors_by_class(usage: Usage) -> go.Figure:
    """Errors per error class (the text before ': ' in the error)."""
    figure = _figure("Errors by type", yaxis=COUNT_AXIS)
    figure.add_bar(x=list(usage.errors_by_class), y=list(usage.errors_by_class.values()))
    return figure


ALL_CHARTS = (interactions_over_time, tokens_over_time, cost_over_time, cost_by_model,
              latency_by_model, error_rate_over_time, errors_by_class)
