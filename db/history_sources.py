"""Where usage figures come from: daily rollups for whole UTC days, raw rows for the rest.

Dates, models and statuses are answered from the rollups (kept by triggers, see migration
0004) for whole UTC days, and from raw rows for the partial days at either end of the
range. Any other filter (search, conversation, cost/token/latency ranges) and short ranges
(charted by hour) are answered from raw rows. For every user's rows (admins) the partial
days, and short ranges, are read from hourly rollups (migration 0009) but for the partial
hours at the ends: a user's rows of a day are few, everyone's are many.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

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
from db.history_tables import (
    latency_rollup,
    latency_rollup_all,
    latency_rollup_hourly_all,
    rollup,
    rollup_all,
    rollup_hourly,
    rollup_hourly_all,
)

HOURLY_MAX = timedelta(days=3)


def _bucket(grain: str) -> ColumnElement:
    """The UTC hour or day a raw row falls in."""
    return func.date_trunc(grain, func.timezone("UTC", I.created_at))


Interval = tuple[datetime | None, datetime | None]


@dataclass(frozen=True)
class Pieces:
    """Where each part of a filter's range is read from: raw rows (extra conditions, one list
    per part), the hourly all-users rollups ([from, to) UTC hours) and the daily rollups."""

    raw: list[list[ColumnElement]]
    hours: list[Interval] = field(default_factory=list)
    days: tuple | None = None


def _raw_conditions(lo: datetime | None, hi: datetime | None) -> list[ColumnElement]:
    return ([I.created_at >= lo] if lo is not None else []) + (
        [I.created_at < hi] if hi is not None else [])


def _pieces(filters: Filters, grain: str, *, hourly: bool) -> Pieces:
    """Whole UTC days from the daily rollups (day grain, rollup filters only); with `hourly`
    (everyone's rows, rollup filters only) whole hours of the rest from the hourly rollups;
    raw rows for what is left: the partial days, or hours, at the range's ends."""
    if not filters.rollup_ok:
        return Pieces([[true()]])
    intervals: list[Interval] = [(filters.start, filters.end)]
    days = None
    first = utc_day_ceil(filters.start) if filters.start is not None else None
    last = utc_day_floor(filters.end) if filters.end is not None else None
    if grain == "day" and not (first is not None and last is not None and first >= last):
        days, intervals = (first, last), []
        if first is not None and filters.start is not None and filters.start < first:
            intervals.append((filters.start, first))
        if last is not None and filters.end is not None and filters.end > last:
            intervals.append((last, filters.end))
    if not hourly:
        return Pieces([_raw_conditions(lo, hi) for lo, hi in intervals], days=days)
    raw, hours = [], []
    for lo, hi in intervals:
        h_lo = utc_hour_ceil(lo) if lo is not None else None
        h_hi = utc_hour_floor(hi) if hi is not None else None
        if h_lo is not None and h_hi is not None and h_lo >= h_hi:
            raw.append(_raw_conditions(lo, hi))
            continue
        if lo is not None and h_lo is not None and lo < h_lo:
            raw.append(_raw_conditions(lo, h_lo))
        hours.append((h_lo, h_hi))
        if hi is not None and h_hi is not None and hi > h_hi:
            raw.append(_raw_conditions(h_hi, hi))
    return Pieces(raw, hours, days)


def utc_hour_floor(moment: datetime) -> datetime:
    """The start of the UTC hour `moment` falls in."""
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def utc_hour_ceil(moment: datetime) -> datetime:
    """The first start of a UTC hour at or after `moment`."""
    floor = utc_hour_floor(moment)
    return floor if floor == moment else floor + timedelta(hours=1)


def _naive_utc(moment: datetime) -> datetime:
    """The hourly rollups' `hour` is UTC without a time zone."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def _hourly_where(table: Table, filters: Filters, hours: Interval) -> list[ColumnElement]:
    lo, hi = hours
    clauses = []
    if filters.user_id is not None and "user_id" in table.c:
        clauses.append(table.c.user_id == filters.user_id)
    if lo is not None:
        clauses.append(table.c.hour >= _naive_utc(lo))
    if hi is not None:
        clauses.append(table.c.hour < _naive_utc(hi))
    if filters.models:
        clauses.append(table.c.model.in_(filters.models))
    if filters.statuses:
        clauses.append(table.c.status.in_(filters.statuses))
    return clauses


def _hour_bucket(table: Table, grain: str) -> ColumnElement:
    return table.c.hour if grain == "hour" else func.date_trunc("day", table.c.hour)


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
    pieces = _pieces(filters, grain, hourly=filters.user_id is None)
    parts: list[Select] = [
        select(
            _bucket(grain).label("bucket"), I.user_id, I.model, I.status,
            error_class().label("error_class"), literal(1).label("n"),
            func.coalesce(I.prompt_tokens, 0).label("prompt_tokens"),
            func.coalesce(I.completion_tokens, 0).label("completion_tokens"),
            I.cost_usd, cost_known_flag().label("cost_known"),
        ).where(*where_clauses(filters, ids=ids), *edge)
        for edge in pieces.raw
    ]
    hourly = rollup_hourly if by_user else rollup_hourly_all
    h = hourly.c
    parts += [
        select(
            _hour_bucket(hourly, grain).label("bucket"),
            (h.user_id if by_user else cast(null(), Integer)).label("user_id"), h.model,
            h.status, h.error_class, h.n, h.prompt_tokens, h.completion_tokens, h.cost_usd,
            h.cost_known,
        ).where(*_hourly_where(hourly, filters, hours))
        for hours in pieces.hours
    ]
    days = pieces.days
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
    pieces = _pieces(filters, grain, hourly=filters.user_id is None)
    parts: list[Select] = []
    for edge in pieces.raw:
        # Both latencies from one pass over the matching rows (a search's rows are costly
        # to find): unnest() in lockstep turns each row into a 't' and an 'f' row.
        pairs = select(
            I.model,
            func.unnest(array([literal("t"), literal("f")])).label("kind"),
            func.unnest(array([I.latency_ms, I.first_token_ms])).label("ms"),
        ).where(*where_clauses(filters, ids=ids), *edge).subquery("pairs")
        parts.append(
            select(pairs.c.kind, pairs.c.model, latency_bin(pairs.c.ms).label("bin"),
                   literal(1).label("n")).where(pairs.c.ms.isnot(None))
        )
    hl = latency_rollup_hourly_all.c
    parts += [
        select(cast(hl.kind, Text).label("kind"), hl.model, hl.bin, hl.n)
        .where(*_hourly_where(latency_rollup_hourly_all, filters, hours))
        for hours in pieces.hours
    ]
    days = pieces.days
    if days is not None:
        table = latency_rollup_all if filters.user_id is None else latency_rollup
        lr = table.c
        parts.append(
            select(cast(lr.kind, Text).label("kind"), lr.model, lr.bin,
                   lr.n).where(*_rollup_where(table, filters, days))
        )
    return union_all(*parts).subquery("lat")
