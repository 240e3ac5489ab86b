"""Usage analytics for the History page, aggregated in SQL from rollups plus raw edges.

Dates, models and statuses are answered from the daily rollups (kept by triggers, see
migration 0004) for whole UTC days, and from raw rows for the partial days at either end of
the range. Any other filter (search, conversation, cost/token/latency ranges) is answered from
raw rows. Short ranges (<= 3 days) are charted by hour from raw rows. Percentiles come from
log-spaced latency bins (four per doubling), so they are within ~9% of the exact value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import (
    DateTime,
    Select,
    Text,
    cast,
    func,
    literal,
    null,
    select,
    true,
    tuple_,
    union_all,
)
from sqlalchemy.orm import Session

from db.history_filters import (
    Filters,
    I,
    bin_value_ms,
    cost_known_flag,
    error_class,
    latency_bin,
    utc_day_ceil,
    utc_day_floor,
    where_clauses,
)
from db.history_tables import latency_rollup, rollup

HOURLY_MAX = timedelta(days=3)
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


def _bucket(grain: str):
    return func.date_trunc(grain, func.timezone("UTC", I.created_at))


def _split(filters: Filters, grain: str) -> tuple[list, tuple | None]:
    """Raw-row conditions for the parts the rollup cannot answer, and the rollup's day range."""
    if not filters.rollup_ok or grain == "hour":
        return [true()], None
    first = utc_day_ceil(filters.start) if filters.start is not None else None
    last = utc_day_floor(filters.end) if filters.end is not None else None
    if first is not None and last is not None and first >= last:
        return [true()], None
    edges = []
    if first is not None and filters.start < first:
        edges.append(I.created_at < first)
    if last is not None and filters.end > last:
        edges.append(I.created_at >= last)
    return edges, (first, last)


def _rollup_where(table, filters: Filters, days: tuple) -> list:
    first, last = days
    clauses = []
    if first is not None:
        clauses.append(table.c.day >= first.date())
    if last is not None:
        clauses.append(table.c.day < last.date())
    if filters.models:
        clauses.append(table.c.model.in_(filters.models))
    if filters.statuses:
        clauses.append(table.c.status.in_(filters.statuses))
    return clauses


def _counts_source(filters: Filters, grain: str):
    """Rows of (bucket, model, status, error_class, n, tokens, cost, cost_known)."""
    edges, days = _split(filters, grain)
    parts: list[Select] = [
        select(
            _bucket(grain).label("bucket"), I.model, I.status,
            error_class().label("error_class"), literal(1).label("n"),
            func.coalesce(I.prompt_tokens, 0).label("prompt_tokens"),
            func.coalesce(I.completion_tokens, 0).label("completion_tokens"),
            I.cost_usd, cost_known_flag().label("cost_known"),
        ).where(*where_clauses(filters), edge)
        for edge in edges
    ]
    if days is not None:
        r = rollup.c
        parts.append(
            select(
                cast(r.day, DateTime).label("bucket"), r.model, r.status, r.error_class, r.n,
                r.prompt_tokens, r.completion_tokens, r.cost_usd, r.cost_known,
            ).where(*_rollup_where(rollup, filters, days))
        )
    return union_all(*parts).subquery("src")


def _latency_source(filters: Filters, grain: str):
    """Rows of (kind, model, bin, n): 't' total latency, 'f' first-token latency."""
    edges, days = _split(filters, grain)
    parts: list[Select] = []
    for edge in edges:
        for kind, column in (("t", I.latency_ms), ("f", I.first_token_ms)):
            parts.append(
                select(
                    literal(kind).label("kind"), I.model, latency_bin(column).label("bin"),
                    literal(1).label("n"),
                ).where(*where_clauses(filters), edge, column.isnot(None))
            )
    if days is not None:
        lr = latency_rollup.c
        parts.append(
            select(cast(lr.kind, Text).label("kind"), lr.model, lr.bin,
                   lr.n).where(*_rollup_where(latency_rollup, filters, days))
        )
    return union_all(*parts).subquery("lat")


def _percentiles(session: Session, filters: Filters, grain: str) -> dict:
    """{(kind, model or None): {p: ms}} from binned latencies, computed in SQL."""
    src = _latency_source(filters, grain)
    bins = (
        select(src.c.kind, src.c.model, src.c.bin, func.sum(src.c.n).label("n"))
        .group_by(func.grouping_sets(tuple_(src.c.kind, src.c.model, src.c.bin),
                                     tuple_(src.c.kind, src.c.bin)))
        .subquery("bins")
    )
    window = {"partition_by": (bins.c.kind, bins.c.model)}
    cum = select(
        bins.c.kind, bins.c.model, bins.c.bin,
        func.sum(bins.c.n).over(order_by=bins.c.bin, **window).label("cum"),
        func.sum(bins.c.n).over(**window).label("total"),
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


def usage(session: Session, filters: Filters, *, now: datetime, detail: bool = True) -> Usage:
    """KPI totals and (when `detail`) every chart's series for `filters`."""
    session.execute(select(func.set_config("plan_cache_mode", "force_custom_plan", True)))
    session.execute(select(func.set_config("jit", "off", True)))
    grain = grain_for(filters, now)
    src = _counts_source(filters, grain)
    sets = [tuple_()]
    if detail:
        sets += [tuple_(src.c.bucket, src.c.model), tuple_(src.c.bucket), tuple_(src.c.model),
                 tuple_(src.c.error_class)]
    is_error = src.c.status == "error"
    keys = (src.c.bucket, src.c.model, src.c.error_class)
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
    percentiles = _percentiles(session, filters, grain)
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


def count_rollup(session: Session, filters: Filters) -> int:
    """Exact count of interactions for rollup-answerable filters (cheap at any size)."""
    src = _counts_source(filters, "day")
    return int(session.scalar(select(func.coalesce(func.sum(src.c.n), 0))))


def has_interactions(session: Session) -> bool:
    """True once any interaction exists."""
    return session.scalar(select(true()).select_from(rollup).limit(1)) is not None


def known_models(session: Session) -> list[str]:
    """Every model that has interactions (from the rollup: cheap and complete)."""
    return list(session.scalars(select(rollup.c.model).distinct().order_by(rollup.c.model)))

