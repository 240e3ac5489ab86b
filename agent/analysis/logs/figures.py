"""Plotly figures for a LogReport (built here, drawn by the page)."""

from __future__ import annotations

import plotly.graph_objects as go

from agent.analysis.logs import LogReport
from agent.analysis.logs.fields import LEVELS

LEVEL_COLOURS = {
    "TRACE": "#c7c7c7",
    "DEBUG": "#9ecae1",
    "INFO": "#3182bd",
    "WARN": "#fd8d3c",
    "ERROR": "#de2d26",
    "FATAL": "#67000d",
    "UNKNOWN": "#969696",
}


def timeline_figure(report: LogReport) -> go.Figure:
    """Stacked bars of records per time bucket by level, with spikes marked above the bars."""
    figure = go.Figure()
    table = report.timeline
    for level in (*LEVELS, "UNKNOWN"):
        if len(table) and table[level].sum() > 0:
            figure.add_bar(
                x=table["bucket"], y=table[level], name=level, marker_color=LEVEL_COLOURS[level]
            )
    spikes = report.spikes
    if len(spikes):
        figure.add_scatter(
            x=spikes["bucket"],
            y=spikes["total"],
            mode="markers",
            name="spike",
            marker={"symbol": "triangle-down", "size": 12, "color": "black"},
        )
    figure.update_layout(
        barmode="stack",
        title=f"Records per {report.bucket or 'bucket'} by level",
        xaxis_title="time",
        yaxis_title="records",
        legend_title="level",
    )
    return figure


def top_templates_figure(report: LogReport, limit: int = 10) -> go.Figure:
    """Horizontal bars of the most frequent message templates."""
    top = report.templates.head(limit).iloc[::-1]
    figure = go.Figure(
        go.Bar(x=top["count"], y=[_short(t) for t in top["template"]], orientation="h")
    )
    figure.update_layout(title="Most frequent message templates", xaxis_title="records")
    return figure


def _short(text: str, width: int = 80) -> str:
    """Shorten long templates so the axis stays readable."""
    return text if len(text) <= width else text[: width - 1] + "…"
