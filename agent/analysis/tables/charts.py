"""Plotly figures for a TableProfile, built from the full-file stats it holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go

if TYPE_CHECKING:
    from agent.analysis.tables import TableProfile


def distribution_figure(profile: TableProfile, column: str) -> go.Figure:
    """A histogram for numeric/datetime columns, a top-values bar chart otherwise."""
    kind = profile.kind_of(column)
    hist = profile.histograms.get(column)
    if hist is not None and kind in ("numeric", "datetime", "id"):
        edges, counts = hist
        if kind == "datetime":
            stamps = pd.to_datetime(pd.Series(edges), unit="us")
            centers = stamps[:-1] + (stamps.diff().iloc[1:].to_numpy() / 2)
            widths = [(edges[1] - edges[0]) / 1000] * len(counts)
        else:
            centers = pd.Series([(lo + hi) / 2 for lo, hi in zip(edges, edges[1:], strict=False)])
            widths = [edges[1] - edges[0]] * len(counts)
        figure = go.Figure(go.Bar(x=list(centers), y=counts, width=widths, name=column))
        figure.update_layout(bargap=0.02, xaxis_title=column, yaxis_title="rows")
    else:
        pairs = profile.top_values.get(column, [])
        figure = go.Figure(go.Bar(x=[n for _, n in pairs][::-1], y=[v for v, _ in pairs][::-1],
                                  orientation="h", name=column))
        figure.update_layout(xaxis_title="rows", yaxis_title=column)
    figure.update_layout(title=f"{column} ({kind})", margin={"t": 40, "b": 40})
    return figure


def correlation_figure(profile: TableProfile) -> go.Figure | None:
    """A heatmap of Pearson correlations between numeric columns, or None with fewer than two."""
    matrix = profile.correlations
    if matrix.shape[0] < 2:
        return None
    figure = go.Figure(go.Heatmap(z=matrix.to_numpy(), x=list(matrix.columns),
                                  y=list(matrix.index), zmin=-1, zmax=1,
                                  colorscale="RdBu", reversescale=True))
    figure.update_layout(title="Correlation (numeric columns)", yaxis_autorange="reversed")
    return figure


def timeseries_figure(profile: TableProfile) -> go.Figure | None:
    """Rows per period along the first datetime column, or None when there is none."""
    series = profile.timeseries
    if series is None or series.empty:
        return None
    figure = go.Figure(go.Scatter(x=series["period"], y=series["rows"], mode="lines+markers",
                                  name="rows"))
    figure.update_layout(title=f"Rows per {profile.time_unit} of {profile.time_column}",
                         xaxis_title=profile.time_column, yaxis_title="rows")
    return figure
