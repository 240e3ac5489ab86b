"""The History page's filter state and how each filter reads as SQL over raw interactions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    ColumnElement,
    Integer,
    any_,
    func,
    literal,
    literal_column,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import cast

from db.models import Interaction

I = Interaction.__table__.c  # noqa: E741 - a short alias keeps the query code readable

# The stored tsvector of prompt and response (migration 0004). The ORM model leaves it out:
# only the database writes it, and only these queries read it.
SEARCH_VECTOR: ColumnElement[Any] = literal_column("interactions.search_vector")
TS_CONFIG: ColumnElement[Any] = literal_column("'english'::regconfig")
MAX_SEARCH_CHARS = 1000


@dataclass(frozen=True)
class Filters:
    """One filter state: it drives the table, the charts, the export and bulk delete.

    `user_id` is whose interactions these are; None means every user's, for admins only.
    It has no default: no query can forget whose rows it reads.
    """

    user_id: int | None = field(kw_only=True)
    start: datetime | None = None
    end: datetime | None = None
    models: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    conversation_id: int | None = None
    search: str = ""
    cost_min: float | None = None
    cost_max: float | None = None
    tokens_min: int | None = None
    tokens_max: int | None = None
    latency_min: int | None = None
    latency_max: int | None = None

    @property
    def rollup_ok(self) -> bool:
        """True when the rollups can answer (only dates, models and statuses are set)."""
        return (
            not self.search
            and self.conversation_id is None
            and all(
                v is None
                for v in (self.cost_min, self.cost_max, self.tokens_min, self.tokens_max,
                          self.latency_min, self.latency_max)
            )
        )

    def previous_period(self, now: datetime) -> Filters | None:
        """The same filters over the period of equal length just before; None for all time."""
        if self.start is None:
            return None
        length = (self.end or now) - self.start
        return replace(self, start=self.start - length, end=self.start)


def custom_plans(session: Session) -> None:
    """Plan each statement for its own values (a generic plan walks the wrong index), without
    JIT (walks priced over jit_above_cost stop after a page; compiling them costs more).

    Both settings last until the transaction ends, so they are sent once per transaction, in
    one statement: on a busy server every round trip costs as much as a small query.
    """
    transaction = session.get_transaction()
    if transaction is not None and session.info.get("custom_plans") is transaction:
        return
    session.execute(select(func.set_config("plan_cache_mode", "force_custom_plan", True),
                           func.set_config("jit", "off", True)))
    session.info["custom_plans"] = session.get_transaction()


def search_query(text: str) -> ColumnElement:
    """The tsquery of a user's search; websearch syntax never raises on odd input."""
    return func.websearch_to_tsquery(TS_CONFIG, text)


def total_tokens() -> ColumnElement:
    """Prompt plus completion tokens, unknown parts counted as zero."""
    return func.coalesce(I.prompt_tokens, 0) + func.coalesce(I.completion_tokens, 0)


def owner_clause(user_id: int | None) -> list[ColumnElement]:
    """The condition that keeps `user_id`'s rows; none for None (every user's: admins)."""
    return [] if user_id is None else [I.user_id == user_id]


def where_clauses(filters: Filters, *, ids: Sequence[int] | None = None) -> list[ColumnElement]:
    """Every filter as a condition on `interactions`. `ids`, when given, are the search's
    matches, already found: looking them up by key beats searching again."""
    clauses = owner_clause(filters.user_id)
    if filters.start is not None:
        clauses.append(I.created_at >= filters.start)
    if filters.end is not None:
        clauses.append(I.created_at < filters.end)
    if filters.models:
        clauses.append(I.model.in_(filters.models))
    if filters.statuses:
        clauses.append(I.status.in_(filters.statuses))
    if filters.conversation_id is not None:
        clauses.append(I.conversation_id == filters.conversation_id)
    if ids is not None:
        clauses.append(I.id == any_(literal(list(ids), ARRAY(BigInteger))))
    elif filters.search:
        clauses.append(SEARCH_VECTOR.op("@@")(search_query(filters.search)))
    bounds = (
        (I.cost_usd, filters.cost_min, filters.cost_max),
        (total_tokens(), filters.tokens_min, filters.tokens_max),
        (I.latency_ms, filters.latency_min, filters.latency_max),
    )
    for column, low, high in bounds:
        if low is not None:
            clauses.append(column >= low)
        if high is not None:
            clauses.append(column <= high)
    return clauses


def error_class() -> ColumnElement:
    """The error class of a row, as the rollup trigger computes it ('' unless an error)."""
    return func.history_error_class(I.status, I.error)


def latency_bin(column: ColumnElement) -> ColumnElement:
    """The log-spaced latency bin of a column, as the rollup trigger computes it."""
    return func.history_latency_bin(column)


def bin_bounds_ms(bin_: int) -> tuple[float, float]:
    """The latency range [low, high) in ms that a bin stands for (inverse of the SQL bin)."""
    return 2 ** (bin_ / 4) - 1, 2 ** ((bin_ + 1) / 4) - 1


def bin_value_ms(bin_: int) -> float:
    """The value reported for a bin: its geometric middle, within ~9% of any value in it."""
    return 2 ** ((bin_ + 0.5) / 4) - 1


def utc_day_floor(moment: datetime) -> datetime:
    """Midnight UTC at or before `moment`."""
    moment = moment.astimezone(UTC)
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def utc_day_ceil(moment: datetime) -> datetime:
    """Midnight UTC at or after `moment`."""
    floor = utc_day_floor(moment)
    return floor if floor == moment else floor + timedelta(days=1)


def cost_known_flag() -> ColumnElement:
    """1 when the row's cost is known, else 0."""
    return cast(I.cost_usd.isnot(None), Integer)

