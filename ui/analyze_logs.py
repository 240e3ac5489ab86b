"""The log tabs of the Analyze page: overview, timeline, errors, templates, traces, search."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import streamlit as st

from agent.analysis.logs import LogReport
from agent.analysis.logs.figures import timeline_figure
from agent.log_search import InvalidPattern
from agent.log_search import search_records as search_all_records
from db.models import Upload
from ui.analyze_source import file_size

MAX_MATCHES = 1_000
SHOWN_TRACES = 10


def draw_log_report(upload: Upload, report: LogReport) -> None:
    """All the log tabs."""
    tabs = st.tabs(["Overview", "Timeline", "Top errors", "Templates", "Stack traces", "Search"])
    with tabs[0]:
        _overview(upload, report)
    with tabs[1]:
        _timeline(report)
    with tabs[2]:
        _top_errors(report)
    with tabs[3]:
        st.dataframe(_readable(report.templates), hide_index=True, width="stretch")
    with tabs[4]:
        _stack_traces(report)
    with tabs[5]:
        _search(report)


def _overview(upload: Upload, report: LogReport) -> None:
    """Format, span, counts per level and what the reader noticed."""
    cells = st.columns(5)
    cells[0].metric("Records", f"{len(report.records):,}")
    cells[1].metric("With a time", f"{report.time_share:.0%}")
    cells[2].metric("Time span", _span(report.span))
    cells[3].metric("Templates", f"{len(report.templates):,}")
    cells[4].metric("Stack traces", f"{int(report.stack_traces['count'].sum()):,}")
    st.caption(
        f"Format: {report.format} · {file_size(upload.size_bytes)} · "
        f"from {_when(report.start)} to {_when(report.end)}"
    )
    if report.level_counts:
        levels = st.columns(len(report.level_counts))
        for cell, (level, count) in zip(levels, report.level_counts.items(), strict=True):
            cell.metric(level, f"{count:,}")
        if report.inferred_share:
            st.caption(
                f"Levels of {report.inferred_share:.0%} of records were inferred from their "
                "words (error, failed, refused, warning…), the log has no level field there; "
                "INFO where no word says otherwise."
            )
    else:
        st.info("No log levels were recognised.")
    for warning in report.warnings:
        st.warning(warning)


def _timeline(report: LogReport) -> None:
    """Records per time bucket, stacked by level, with spikes marked and listed."""
    if report.timeline.empty:
        st.info("No timestamps were found in this log, so there is no timeline.")
        return
    st.plotly_chart(timeline_figure(report), width="stretch")
    spikes = report.spikes
    if spikes.empty:
        st.caption("No spikes: no bucket had three times its usual number of records.")
    else:
        st.caption(f"{len(spikes)} spike(s): buckets with at least three times the usual count.")
        st.dataframe(
            spikes[["bucket", "total", "baseline", "ERROR", "FATAL", "WARN"]],
            hide_index=True, width="stretch",
        )


def _top_errors(report: LogReport) -> None:
    """The commonest warning/error templates; selecting one lists its records."""
    if report.top_errors.empty:
        st.info("No warnings or errors in this log.")
        return
    seen = report.templates[["template_id", "first_seen", "last_seen"]]
    table = report.top_errors.merge(seen, on="template_id", how="left")
    table = table.assign(
        level_from=table["inferred"].map({True: "inferred from words", False: "level field"})
    )
    table = table[["template_id", "template", "count", "levels", "level_from", "first_seen",
                   "last_seen", "example"]]
    st.caption("Select a row to see that template's records.")
    event = st.dataframe(
        _readable(table), hide_index=True, width="stretch", key="analyze-top-errors",
        on_select="rerun", selection_mode="single-row",
    )
    rows = event.selection.rows if event is not None else []
    if rows:
        template_id = int(table.iloc[rows[0]]["template_id"])
        matches = report.records[report.records["template_id"] == template_id]
        st.markdown(f"**Records of template {template_id}** ({len(matches):,})")
        st.dataframe(matches.head(MAX_MATCHES), hide_index=True, width="stretch")
        if len(matches) > MAX_MATCHES:
            st.caption(f"The first {MAX_MATCHES:,} of {len(matches):,} records.")


def _stack_traces(report: LogReport) -> None:
    """Stack traces grouped by exception and top frame, with an example of each."""
    traces = report.stack_traces
    if traces.empty:
        st.info("No stack traces were found.")
        return
    st.dataframe(traces.drop(columns="example"), hide_index=True, width="stretch")
    for row in traces.head(SHOWN_TRACES).itertuples():
        with st.expander(f"{row.exception} at {row.top_frame} · {row.count:,}×"):
            st.code(row.example, language=None)


def _search(report: LogReport) -> None:
    """Text or regex search with level and time filters; the result is bounded."""
    records = report.records
    text = st.text_input("Search the messages", key="analyze-search-text")
    use_regex = st.toggle("Regular expression", key="analyze-search-regex")
    levels = st.multiselect(
        "Levels", list(report.level_counts), key="analyze-search-levels",
        placeholder="All levels",
    )
    window = _time_window(report)
    try:
        matches, total = search_records(
            records, text=text, regex=use_regex, levels=levels, window=window
        )
    except InvalidPattern as exc:
        st.error(f"{exc} Fix it, or switch “Regular expression” off to search for the text "
                 "as typed.")
        return
    st.caption(
        f"{total:,} matching records"
        + (f"; showing the first {MAX_MATCHES:,}." if total > MAX_MATCHES else ".")
    )
    st.dataframe(matches, hide_index=True, width="stretch")


def _time_window(report: LogReport) -> tuple[datetime, datetime] | None:
    """A time range slider when the log has timestamps spanning some time."""
    if report.start is None or report.end is None or report.start >= report.end:
        return None
    start, end = report.start.to_pydatetime(), report.end.to_pydatetime()
    # About 500 steps across the span, never finer than a second.
    step = max(timedelta(seconds=1), timedelta(seconds=round((end - start).total_seconds() / 500)))
    window = st.slider(
        "Time", min_value=start, max_value=end, value=(start, end), step=step,
        format="YYYY-MM-DD HH:mm:ss", key="analyze-search-time",
    )
    # The whole span means no filter, so records without a timestamp are found too.
    return None if window == (start, end) else window


def search_records(
    records: pd.DataFrame,
    *,
    text: str = "",
    regex: bool = False,
    levels: list[str] | None = None,
    window: tuple[datetime, datetime] | None = None,
    limit: int = MAX_MATCHES,
) -> tuple[pd.DataFrame, int]:
    """The first `limit` records matching every filter, and how many match in all.

    Text matches case-insensitively; the one log search in agent/ does the work (a
    linear-time regex engine; an invalid pattern raises InvalidPattern).
    """
    return search_all_records(records, text=text, regex=regex, ignore_case=True,
                              levels=levels, window=window, limit=limit)


def _readable(table: pd.DataFrame) -> pd.DataFrame:
    """Level lists as text, so the table shows "ERROR, WARN" rather than an array."""
    if "levels" not in table:
        return table
    return table.assign(levels=table["levels"].map(lambda levels: ", ".join(levels)))


def _span(span: timedelta | None) -> str:
    """A time span in its largest sensible unit."""
    if span is None:
        return "–"
    seconds = span.total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.0f} s"


def _when(stamp: pd.Timestamp | None) -> str:
    """A timestamp as the page shows it."""
    return stamp.strftime("%Y-%m-%d %H:%M:%S") if stamp is not None else "–"
