"""Where usage figures come from: daily rollups for whole UTC days, raw rows for the rest.

Dates, models and statuses are answered from the rollups (kept by triggers, see migration
0004) for whole UTC days, and from raw rows for the partial days at either end of the
range. Any other filter (search, conversation, cost/token/latency ranges) and short ranges
(charted by hour) are answered from raw rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    Select,
    Subquery,
    Table,
    Text,
    cast,
    func,
    literal,
    null,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import array

from db.history_filters import (
    Filters,
    I,
    cost_known_flag,
    error_class,
    latency_bin,
    utc_day_ceil,
    utc_day_floor,
    where_clauses,
)
from db.history_tables import latency_rollup, latency_rollup_all, rollup, rollup_all

HOURLY_MAX = timedelta(days=3)


def _bucket(grain: str) -> ColumnElement:
    """The UTC hour or day a raw row falls in."""
    return func.date_trunc(grain, func.timezone("UTC", I.created_at))


def _split(filters: Filters, grain: str) -> tuple[list[ColumnElement], tuple | None]:
    """Raw-row conditions for the parts the rollup cannot answer, and the rollup's day range."""
    if not filters.rollup_ok or grain == "hour":
        return [true()], None
    first = utc_day_ceil(filters.start) if filters.start is not None else None
    last = utc_day_floor(filters.end) if filters.end is not None else None
    if first is not None and last is not None and first >= last:
        return [true()], None
    edges = []
    if first is not None and filters.start is not None and filters.start < first:
        edges.append(I.created_at < first)
    if last is not None and filters.end is not None and filters.end > last:
        edges.append(I.created_at >= last)
    return edges, (first, last)


def _rollup_where(table: Table, filters: Filters, days: tuple) -> list[ColumnElement]:
    """The rollup rows of the whole days in range, for the chosen models and statuses."""
    first, last = days
    clauses = []
    if filters.user_id is not None and "user_id" in table.c:
        clauses.append(table.c.user_id == filters.user_id)
    if first is not None:
        clauses.append(table.c.day >= first.date())
    if last is not None:
        clauses.append(table.c.day < last.date())
    if filters.models:
        clauses.append(table.c.model.in_(filters.models))
    if filters.statuses:
        clauses.append(table.c.status.in_(filters.statuses))
    return clauses


def counts_source(
    filters: Filters, grain: str, ids: Sequence[int] | None = None, *, by_user: bool = False
) -> Subquery:
    """Rows of (bucket, user_id, model, status, error_class, n, tokens, cost, cost_known).

    For every user's rows (user_id None) the rollup part is read summed over users, with
    user_id NULL, unless `by_user`.
    """
    edges, days = _split(filters, grain)
    parts: list[Select] = [
        select(
            _bucket(grain).label("bucket"), I.user_id, I.model, I.status,
            error_class().label("error_class"), literal(1).label("n"),
            func.coalesce(I.prompt_tokens, 0).label("prompt_tokens"),
            func.coalesce(I.completion_tokens, 0).label("completion_tokens"),
            I.cost_usd, cost_known_flag().label("cost_known"),
        ).where(*where_clauses(filters, ids=ids), edge)
        for edge in edges
    ]
    if days is not None:
        table = rollup_all if filters.user_id is None and not by_user else rollup
        r = table.c
        owner = r.user_id if "user_id" in r else cast(null(), Integer)
        parts.append(
            select(
                cast(r.day, DateTime).label("bucket"), owner.label("user_id"), r.model,
                r.status, r.error_class, r.n,
                r.prompt_tokens, r.completion_tokens, r.cost_usd, r.cost_known,
            ).where(*_rollup_where(table, filters, days))
        )
    return union_all(*parts).subquery("src")


def latency_source(filters: Filters, grain: str, ids: Sequence[int] | None = None) -> Subquery:
    """Rows of (kind, model, bin, n): 't' total latency, 'f' first-token latency."""
    edges, days = _split(filters, grain)
    parts: list[Select] = []
    for edge in edges:
        # Both latencies from one pass over the matching rows (a search's rows are costly
        # to find): unnest() in lockstep turns each row into a 't' and an 'f' row.
        pairs = select(
            I.model,
            func.unnest(array([literal("t"), literal("f")])).label("kind"),
            func.unnest(array([I.latency_ms, I.first_token_ms])).label("ms"),
        ).where(*where_clauses(filters, ids=ids), edge).subquery("pairs")
        parts.append(
            select(pairs.c.kind, pairs.c.model, latency_bin(pairs.c.ms).label("bin"),
                   literal(1).label("n")).where(pairs.c.ms.isnot(None))
        )
    if days is not None:
        table = latency_rollup_all if filters.user_id is None else latency_rollup
        lr = table.c
        parts.append(
            select(cast(lr.kind, Text).label("kind"), lr.model, lr.bin,
                   lr.n).where(*_rollup_where(table, filters, days))
        )
    return union_all(*parts).subquery("lat")
