"""The CSV tabs of the Analyze page: overview, columns, charts and a paged view of the data."""

from __future__ import annotations

import math
from dataclasses import asdict

import pandas as pd
import streamlit as st

from agent.analysis.tables import (
    TableProfile,
    correlation_figure,
    distribution_figure,
    missing_figure,
    series_figure,
    timeseries_figure,
)
from agent.analysis.tables.charts import METHOD_NAMES
from db.models import Upload
from ui.analyze_source import file_size

PAGE_SIZES = [25, 50, 100, 500]
# Wider tables make the Data tab slow to draw; the rest stay one pick away.
DEFAULT_SHOWN_COLUMNS = 50
SHOWN_ALERTS = 10
# The small chart comes early so it is in view without scrolling sideways.
COLUMN_FIELDS = ["column", "kind", "histogram", "dtype", "missing", "missing_share", "distinct",
                 "min", "p25", "p50", "p75", "max", "mean", "std", "zeros", "first", "last"]


def draw_table_profile(upload: Upload, profile: TableProfile) -> None:
    """All the CSV tabs."""
    tabs = st.tabs(["Overview", "Columns", "Charts", "Data"])
    with tabs[0]:
        _overview(upload, profile)
    with tabs[1]:
        _columns(profile)
    with tabs[2]:
        _charts(profile)
    with tabs[3]:
        _data(profile)


def _overview(upload: Upload, profile: TableProfile) -> None:
    """Size, shape, duplicates, memory, and what needs a look."""
    cells = st.columns(4)
    cells[0].metric("File size", file_size(upload.size_bytes))
    cells[1].metric("Rows", f"{profile.rows:,}")
    cells[2].metric("Columns", f"{profile.column_count:,}")
    cells[3].metric("Memory (est.)", file_size(profile.memory_bytes))
    cells = st.columns(4)
    cell_count = profile.rows * profile.column_count
    cells[0].metric("Missing cells", f"{profile.missing_cells:,}",
                    help=f"{profile.missing_cells / cell_count:.1%} of all cells"
                    if cell_count else None)
    cells[1].metric("Rows with a missing value", f"{profile.rows_with_missing:,}")
    cells[2].metric("Duplicate rows", f"{profile.duplicate_rows:,}")
    cells[3].metric("Alerts", f"{len(profile.alerts):,}")
    delimiter = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(
        profile.delimiter, repr(profile.delimiter))
    st.caption(f"{delimiter}-separated · {profile.encoding}"
               + (f" · {profile.compression}" if profile.compression else "")
               + ("" if profile.has_header else " · no header row"))
    if profile.rows == 0:
        st.info("The file has no rows: only a header was found, so there is nothing to profile.")
    if not profile.quartiles_exact:
        st.caption(f"Medians and quartiles are approximate: computed on a random sample of "
                   f"{profile.analysis_rows:,} rows (files over 10 million rows).")
    if profile.sampled:
        st.info(f"The Data tab and the charts of raw rows use a random sample of "
                f"{profile.sample_rows:,} rows; the statistics cover all {profile.rows:,} rows.")
    for warning in profile.warnings:
        st.warning(warning)
    if profile.alerts:
        st.markdown(f"**Alerts** ({len(profile.alerts):,})")
        for alert in profile.alerts[:SHOWN_ALERTS]:
            st.markdown(f"- {alert.message}")
        if len(profile.alerts) > SHOWN_ALERTS:
            st.dataframe(pd.DataFrame([asdict(a) for a in profile.alerts]), hide_index=True,
                         width="stretch")
    elif profile.rows:
        st.success("No alerts: no missing, constant, skewed, correlated or duplicated data found.")
    if profile.bad_lines:
        st.markdown(f"**Lines left out** ({profile.bad_line_count:,})")
        st.dataframe(pd.DataFrame([asdict(b) for b in profile.bad_lines]), hide_index=True,
                     width="stretch")


def _columns(profile: TableProfile) -> None:
    """One row per column, with a small bar chart of its values."""
    fields = [f for f in COLUMN_FIELDS if f in profile.columns]
    st.dataframe(
        profile.columns[fields], hide_index=True, width="stretch",
        column_config={
            "missing_share": st.column_config.ProgressColumn(
                "missing %", min_value=0.0, max_value=1.0, format="percent"),
            "histogram": st.column_config.BarChartColumn(
                "distribution", help="Histogram for numbers and dates, top values for text"),
        },
    )


def _charts(profile: TableProfile) -> None:
    """A chosen column's distribution, the correlation heatmap and rows over time."""
    names = list(profile.columns["column"])
    if not names:
        st.info("There are no columns to chart.")
        return
    if profile.rows == 0:
        st.info("The file has no rows: there is nothing to chart.")
        return
    column = st.selectbox("Distribution of", names, key="analyze-chart-column")
    st.plotly_chart(distribution_figure(profile, column), width="stretch")
    methods = [m for m in METHOD_NAMES if m in profile.correlations]
    if methods:
        method = st.radio("Correlation", methods, horizontal=True, key="analyze-chart-corr",
                          format_func=lambda m: METHOD_NAMES[m])
        st.plotly_chart(correlation_figure(profile, method), width="stretch")
        if method == "auto":
            st.caption("High-correlation alerts come from this matrix (|value| ≥ 0.5), as in "
                       "ydata-profiling.")
    else:
        st.caption("No correlation heatmap: it needs at least two numeric or categorical columns.")
    missing = missing_figure(profile)
    if missing is None:
        st.caption("No missing-value matrix: no value is missing.")
    else:
        st.plotly_chart(missing, width="stretch")
    _series(profile)


def _series(profile: TableProfile) -> None:
    """The detected time series (a value over time), else rows per period of a date column."""
    series = profile.series
    if series is not None and series.values:
        value = st.selectbox(f"Time series over {series.time}", series.values,
                             key="analyze-chart-series")
        st.plotly_chart(series_figure(profile, value), width="stretch")
        return
    counts = timeseries_figure(profile)
    if counts is None:
        st.caption("No time series: no dates, times or year columns order the rows.")
    else:
        st.plotly_chart(counts, width="stretch")


def _data(profile: TableProfile) -> None:
    """The rows, a page at a time, sorted on demand."""
    frame = profile.frame
    if frame.empty:
        st.info("There are no data rows to show.")
        return
    names = list(frame.columns)
    shown = names
    if len(names) > DEFAULT_SHOWN_COLUMNS:
        shown = st.multiselect("Columns shown", names, default=names[:DEFAULT_SHOWN_COLUMNS],
                               key="analyze-data-columns") or names[:DEFAULT_SHOWN_COLUMNS]
    controls = st.columns(4)
    sort_by = controls[0].selectbox("Sort by", [None, *names], key="analyze-data-sort",
                                    format_func=lambda n: "(file order)" if n is None else n)
    descending = controls[1].radio("Direction", ["Ascending", "Descending"], horizontal=True,
                                   key="analyze-data-direction") == "Descending"
    page_size = controls[2].selectbox("Rows per page", PAGE_SIZES, key="analyze-data-size")
    pages = max(1, math.ceil(len(frame) / page_size))
    page = controls[3].number_input("Page", min_value=1, max_value=pages, step=1,
                                    key="analyze-data-page")
    rows = page_of(frame, sort_by=sort_by, descending=descending, page=int(page),
                   page_size=page_size)
    st.dataframe(rows[shown], width="stretch")
    first = (int(page) - 1) * page_size
    sample = f" (a random sample of the file's {profile.rows:,})" if profile.sampled else ""
    st.caption(f"Rows {first + 1:,}–{first + len(rows):,} of {len(frame):,}{sample} · "
               f"page {int(page):,} of {pages:,}")


def page_of(
    frame: pd.DataFrame, *, sort_by: str | None, descending: bool, page: int, page_size: int
) -> pd.DataFrame:
    """One page (1-based) of the frame, sorted by a column with missing values last."""
    if sort_by is not None:
        frame = frame.sort_values(sort_by, ascending=not descending, na_position="last",
                                  kind="stable")
    start = (page - 1) * page_size
    return frame.iloc[start:start + page_size]
