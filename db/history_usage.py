"""Usage analytics for the History page, aggregated in SQL (sources: db.history_sources).

Short ranges (<= 3 days) are charted by hour, longer ones by UTC day. Percentiles come from
log-spaced latency bins (four per doubling), so they are within ~9% of the exact value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, null, select, true, tuple_
from sqlalchemy.orm import Session

from db.history_filters import (
    Filters,
    I,
    bin_value_ms,
    custom_plans,
    latency_bin,
    where_clauses,
)
from db.history_sources import HOURLY_MAX, counts_source, latency_source
from db.history_tables import rollup, rollup_all
from db.models import User

# Filters the rollups cannot answer are charted from raw rows only up to this many matches,
# so that every chart query stays well under a second.
RAW_CHART_CAP = 50_000
PERCENTILES = (0.5, 0.95)


@dataclass(frozen=True)
class Totals:
    """KPI figures for one period."""

    interactions: int = 0
    errors: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    cost_known: int = 0
    p95_latency_ms: float | None = None

    @property
    def tokens(self) -> int:
        """Prompt plus completion tokens."""
        return self.prompt_tokens + self.completion_tokens

    @property
    def cost_unknown(self) -> int:
        """How many interactions have no known cost."""
        return self.interactions - self.cost_known

    @property
    def error_rate(self) -> float | None:
        """Errors over interactions; None when there are none."""
        return self.errors / self.interactions if self.interactions else None


@dataclass(frozen=True)
class BucketRow:
    """One time bucket, for one model or (model None) for all models."""

    bucket: datetime
    model: str | None
    interactions: int
    errors: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    cost_known: int


@dataclass(frozen=True)
class ModelRow:
    """Totals and latency percentiles of one model."""

    model: str
    interactions: int
    cost_usd: float
    cost_known: int
    latency_p50_ms: float | None = None
    latency_p95_ms: float | None = None
    first_token_p50_ms: float | None = None
    first_token_p95_ms: float | None = None


@dataclass(frozen=True)
class Usage:
    """Everything the charts and KPI tiles show for one filter state."""

    grain: str
    totals: Totals
    by_bucket_model: list[BucketRow] = field(default_factory=list)
    by_bucket: list[BucketRow] = field(default_factory=list)
    by_model: list[ModelRow] = field(default_factory=list)
    errors_by_class: dict[str, int] = field(default_factory=dict)


def grain_for(filters: Filters, now: datetime) -> str:
    """'hour' for ranges of three days or less, else 'day'."""
    if filters.start is not None and (filters.end or now) - filters.start <= HOURLY_MAX:
        return "hour"
    return "day"


def _percentiles(
    session: Session, filters: Filters, grain: str, ids: Sequence[int] | None
) -> dict:
    """{(kind, model or None): {p: ms}} from binned latencies, computed in SQL."""
    src = latency_source(filters, grain, ids)
    bins = (
        select(src.c.kind, src.c.model, src.c.bin, func.sum(src.c.n).label("n"))
        .group_by(func.grouping_sets(tuple_(src.c.kind, src.c.model, src.c.bin),
                                     tuple_(src.c.kind, src.c.bin)))
        .subquery("bins")
    )
    partition = (bins.c.kind, bins.c.model)
    cum = select(
        bins.c.kind, bins.c.model, bins.c.bin,
        func.sum(bins.c.n).over(partition_by=partition, order_by=bins.c.bin).label("cum"),
        func.sum(bins.c.n).over(partition_by=partition).label("total"),
    ).subquery("cum")
    columns = [
        func.min(cum.c.bin).filter(cum.c.cum >= p * cum.c.total).label(f"p{i}")
        for i, p in enumerate(PERCENTILES)
    ]
    query = select(cum.c.kind, cum.c.model, *columns).group_by(cum.c.kind, cum.c.model)
    result = {}
    for row in session.execute(query):
        result[(row.kind, row.model)] = {
            p: bin_value_ms(row[2 + i]) for i, p in enumerate(PERCENTILES)
        }
    return result


def chartable(filters: Filters, matches: int, exact: bool) -> bool:
    """True when charts for `filters` can be drawn quickly (rollups, or few raw matches)."""
    return filters.rollup_ok or (exact and matches <= RAW_CHART_CAP)


def usage(
    session: Session, filters: Filters, *, now: datetime, detail: bool = True,
    ids: Sequence[int] | None = None,
) -> Usage:
    """KPI totals and (when `detail`) every chart's series for `filters`; `ids` are the
    search's matches when count_matching found them (Count.ids)."""
    custom_plans(session)
    grain = grain_for(filters, now)
    src = counts_source(filters, grain, ids)
    sets = [tuple_()]
    if detail:
        sets += [tuple_(src.c.bucket, src.c.model), tuple_(src.c.bucket), tuple_(src.c.model),
                 tuple_(src.c.error_class)]
    is_error = src.c.status == "error"
    keys: tuple[ColumnElement[Any], ...] = (src.c.bucket, src.c.model, src.c.error_class)
    if not detail:
        # GROUPING() only accepts grouped columns: totals alone have none.
        keys = tuple(null().label(k.name) for k in keys)
    query = select(
        func.grouping(*keys).label("g") if detail else literal(0b111).label("g"), *keys,
        func.coalesce(func.sum(src.c.n), 0).label("n"),
        func.coalesce(func.sum(src.c.n).filter(is_error), 0).label("errors"),
        func.coalesce(func.sum(src.c.prompt_tokens), 0).label("prompt_tokens"),
        func.coalesce(func.sum(src.c.completion_tokens), 0).label("completion_tokens"),
        func.coalesce(func.sum(src.c.cost_usd), 0.0).label("cost_usd"),
        func.coalesce(func.sum(src.c.cost_known), 0).label("cost_known"),
    ).group_by(func.grouping_sets(*sets))
    percentiles = _percentiles(session, filters, grain, ids)
    totals = Totals()
    by_bucket_model, by_bucket, by_model, errors_by_class = [], [], [], {}
    for row in session.execute(query):
        bucket_row = BucketRow(row.bucket, row.model, int(row.n), int(row.errors),
                               int(row.prompt_tokens), int(row.completion_tokens),
                               float(row.cost_usd), int(row.cost_known))
        if row.g == 0b001:
            by_bucket_model.append(bucket_row)
        elif row.g == 0b011:
            by_bucket.append(bucket_row)
        elif row.g == 0b101:
            lat = percentiles.get(("t", row.model), {})
            first = percentiles.get(("f", row.model), {})
            by_model.append(ModelRow(
                row.model, int(row.n), float(row.cost_usd), int(row.cost_known),
                lat.get(0.5), lat.get(0.95), first.get(0.5), first.get(0.95)))
        elif row.g == 0b110:
            if row.error_class and row.errors:
                errors_by_class[row.error_class] = int(row.errors)
        else:
            totals = Totals(int(row.n), int(row.errors), int(row.prompt_tokens),
                            int(row.completion_tokens), float(row.cost_usd),
                            int(row.cost_known),
                            percentiles.get(("t", None), {}).get(0.95))
    return Usage(
        grain=grain,
        totals=totals,
        by_bucket_model=sorted(by_bucket_model, key=lambda r: (r.bucket, r.model)),
        by_bucket=sorted(by_bucket, key=lambda r: r.bucket),
        by_model=sorted(by_model, key=lambda r: r.model),
        errors_by_class=dict(sorted(errors_by_class.items(), key=lambda kv: -kv[1])),
    )


def raw_totals(session: Session, filters: Filters, *, cap: int) -> Totals | None:
    """KPI totals from raw rows in one pass over at most `cap` matches; None if more match.

    For the previous period of a search or range filter: counting it, then summing it and
    binning its latencies would find the same rows three times.
    """
    custom_plans(session)
    raw = (
        select(I.status, I.prompt_tokens, I.completion_tokens, I.cost_usd, I.latency_ms)
        .where(*where_clauses(filters)).limit(cap + 1).cte("raw").prefix_with("MATERIALIZED")
    )
    bins = (
        select(latency_bin(raw.c.latency_ms).label("bin"), func.count().label("n"))
        .where(raw.c.latency_ms.isnot(None)).group_by(latency_bin(raw.c.latency_ms))
        .subquery("bins")
    )
    cum = select(bins.c.bin, func.sum(bins.c.n).over(order_by=bins.c.bin).label("cum"),
                 func.sum(bins.c.n).over().label("total")).subquery("cum")
    p95 = select(func.min(cum.c.bin)).where(cum.c.cum >= PERCENTILES[1] * cum.c.total)
    row = session.execute(select(
        func.count(), func.count().filter(raw.c.status == "error"),
        func.coalesce(func.sum(raw.c.prompt_tokens), 0),
        func.coalesce(func.sum(raw.c.completion_tokens), 0),
        func.coalesce(func.sum(raw.c.cost_usd), 0.0), func.count(raw.c.cost_usd),
        p95.scalar_subquery(),
    )).one()
    if row[0] > cap:
        return None
    return Totals(int(row[0]), int(row[1]), int(row[2]), int(row[3]), float(row[4]),
                  int(row[5]), None if row[6] is None else bin_value_ms(row[6]))


def previous_totals(session: Session, filters: Filters, *, now: datetime) -> Totals | None:
    """Totals of the period of the same length just before `filters`' (None when unbounded)."""
    previous = filters.previous_period(now)
    if previous is None:
        return None
    if previous.rollup_ok:
        return usage(session, previous, now=now, detail=False).totals
    return raw_totals(session, previous, cap=RAW_CHART_CAP)


def count_rollup(session: Session, filters: Filters) -> int:
    """Exact count of interactions for rollup-answerable filters (cheap at any size)."""
    src = counts_source(filters, "day")
    return int(session.scalar(select(func.coalesce(func.sum(src.c.n), 0))) or 0)


def _rollup_of(user_id: int | None) -> Select:
    """The counts rollup of `user_id`, or summed over users for None."""
    if user_id is None:
        return select(rollup_all)
    return select(rollup).where(rollup.c.user_id == user_id)


def has_interactions(session: Session, *, user_id: int | None) -> bool:
    """True once `user_id` (anyone, for None) has an interaction."""
    query = _rollup_of(user_id).limit(1).subquery()
    return session.scalar(select(true()).select_from(query)) is not None


def known_models(session: Session, *, user_id: int | None) -> list[str]:
    """Every model `user_id` (anyone, for None) used (from the rollup: cheap and complete)."""
    rows = _rollup_of(user_id).subquery()
    return list(session.scalars(select(rows.c.model).distinct().order_by(rows.c.model)))


@dataclass(frozen=True)
class UserRow:
    """One user's share of the usage, for admins."""

    user_id: int
    email: str
    interactions: int
    errors: int
    tokens: int
    cost_usd: float


def usage_by_user(session: Session, filters: Filters, *, now: datetime) -> list[UserRow]:
    """Per-user totals for `filters` (meant for user_id None: every user), busiest first."""
    src = counts_source(filters, grain_for(filters, now), by_user=True)
    per_user = (
        select(
            src.c.user_id, func.sum(src.c.n).label("n"),
            func.coalesce(func.sum(src.c.n).filter(src.c.status == "error"), 0).label("errors"),
            func.sum(src.c.prompt_tokens + src.c.completion_tokens).label("tokens"),
            func.coalesce(func.sum(src.c.cost_usd), 0.0).label("cost_usd"),
        ).group_by(src.c.user_id).subquery("per_user")
    )
    query = (select(per_user, User.email).join(User, User.id == per_user.c.user_id)
             .order_by(per_user.c.n.desc(), User.email))
    return [UserRow(row.user_id, row.email, int(row.n), int(row.errors), int(row.tokens),
                    float(row.cost_usd)) for row in session.execute(query)]

