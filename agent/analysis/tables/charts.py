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


METHOD_NAMES = {
    "auto": "ydata's mixed (Spearman; Cramér's V with a category)",
    "pearson": "Pearson",
    "spearman": "Spearman",
    "cramers": "Cramér's V",
}
# Rows drawn one by one in the missing-value matrix; longer tables are shown in bands.
MISSING_MATRIX_ROWS = 500


def correlation_figure(profile: TableProfile, method: str = "auto") -> go.Figure | None:
    """A heatmap of one correlation matrix (METHOD_NAMES), or None when it was not computed."""
    matrix = profile.correlations.get(method)
    if matrix is None or matrix.shape[0] < 2:
        return None
    low = 0 if method == "cramers" else -1
    figure = go.Figure(go.Heatmap(z=matrix.to_numpy(), x=list(matrix.columns),
                                  y=list(matrix.index), zmin=low, zmax=1,
                                  colorscale="RdBu", reversescale=True))
    note = "" if profile.analysis_rows >= profile.rows else (
        f", from a random sample of {profile.analysis_rows:,} rows")
    figure.update_layout(title=f"Correlation: {METHOD_NAMES[method]}{note}",
                         yaxis_autorange="reversed")
    return figure


def missing_figure(profile: TableProfile) -> go.Figure | None:
    """Where values are missing: rows (or bands of rows) down, columns across; None if none."""
    frame = profile.frame
    if frame.empty or not profile.missing_cells:
        return None
    missing = frame.isna().to_numpy(dtype=float)
    bands = max(1, -(-len(missing) // MISSING_MATRIX_ROWS))
    if bands > 1:
        index = [i // bands for i in range(len(missing))]
        missing = pd.DataFrame(missing).groupby(index).mean().to_numpy()
    label = "row" if bands == 1 else f"rows (bands of {bands:,})"
    figure = go.Figure(go.Heatmap(z=missing, x=list(frame.columns), zmin=0, zmax=1,
                                  colorscale=[[0, "#f4f4f4"], [1, "#1f3b73"]],
                                  colorbar={"title": "missing"}))
    sample = " (random sample)" if profile.sampled else ""
    figure.update_layout(title=f"Missing values by {label}{sample}",
                         yaxis_title=label, yaxis_autorange="reversed")
    return figure


def series_figure(profile: TableProfile, column: str | None = None) -> go.Figure | None:
    """A value column of the detected time series over time, one line per entity on panels."""
    series = profile.series
    if series is None or not series.values:
        return None
    column = column if column in series.values else series.values[0]
    frame = series.frame
    figure = go.Figure()
    if series.entity is None:
        figure.add_trace(go.Scatter(x=frame["period"], y=frame[column], mode="lines",
                                    name=column))
    else:
        busiest = frame["entity"].value_counts().index[:MAX_ENTITY_LINES]
        for entity in busiest:
            part = frame[frame["entity"] == entity]
            figure.add_trace(go.Scatter(x=part["period"], y=part[column], mode="lines",
                                        name=str(entity)))
    per = f" per {series.entity}" if series.entity else ""
    figure.update_layout(title=f"{column} over {series.time}{per}", xaxis_title=series.time,
                         yaxis_title=column)
    return figure


MAX_ENTITY_LINES = 12


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
