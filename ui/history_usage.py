"""The History usage section: KPI tiles against the previous period, and the charts."""

from __future__ import annotations

import streamlit as st

from db.history_usage import Totals, Usage
from ui.format import duration, money
from ui.history_charts import ALL_CHARTS, LATENCY_NOTE


def _change(now: float | None, before: float | None, *, percent: bool = True) -> str | None:
    if now is None or before is None:
        return None
    if percent:
        return f"{(now - before) / before:+.0%}" if before else None
    return f"{(now - before) * 100:+.1f} pts"


def kpi_tiles(current: Totals, previous: Totals | None) -> None:
    """Interactions, tokens, cost, p95 latency and error rate, with their change."""
    before = previous or Totals()
    compare = previous is not None
    tiles = st.columns(5)
    tiles[0].metric("Interactions", f"{current.interactions:,}",
                    _change(current.interactions, before.interactions) if compare else None)
    tiles[1].metric("Tokens", f"{current.tokens:,}",
                    _change(current.tokens, before.tokens) if compare else None)
    tiles[2].metric("Cost", money(current.cost_usd) if current.cost_known else "unknown",
                    _change(current.cost_usd, before.cost_usd) if compare else None,
                    delta_color="inverse")
    tiles[3].metric("p95 latency", duration(current.p95_latency_ms),
                    _change(current.p95_latency_ms, before.p95_latency_ms) if compare else None,
                    delta_color="inverse", help=LATENCY_NOTE)
    rate = current.error_rate
    tiles[4].metric("Error rate", "–" if rate is None else f"{rate:.1%}",
                    _change(rate, before.error_rate, percent=False) if compare else None,
                    delta_color="inverse")
    notes = []
    if current.cost_unknown:
        notes.append(f"cost unknown for {current.cost_unknown:,} interactions")
    if compare:
        notes.append("changes are against the previous period of the same length")
    if notes:
        st.caption("; ".join(notes).capitalize() + ".")


def charts(usage: Usage) -> None:
    """Every usage chart, two per row."""
    columns = st.columns(2)
    for i, build in enumerate(ALL_CHARTS):
        with columns[i % 2]:
            st.plotly_chart(build(usage), key=f"h_chart_{build.__name__}")
    st.caption(LATENCY_NOTE)
