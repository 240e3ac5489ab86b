"""History reads and deletes: the filtered list, one interaction's detail, export rows."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    delete,
    func,
    literal_column,
    select,
)
from sqlalchemy.orm import Session

from db.history_filters import (
    SEARCH_VECTOR,
    TS_CONFIG,
    Filters,
    I,
    custom_plans,
    owner_clause,
    search_query,
    where_clauses,
)
from db.history_usage import count_rollup
from db.models import Conversation, Interaction

PAGE_SIZE = 50
PROMPT_PREVIEW_CHARS = 200
# Below this many matches a search is matched first, then sorted (fast for rare words);
# above it, walking the created_at index finds a page of matches quickly.
MATCH_FIRST_MAX = 10_000
# A search for a word the planner expects in more rows than this is counted along the
# created_at index first: listing its whole GIN posting list would cost more.
BITMAP_MAX = 20_000
# A search is first counted along this many newest rows (~1 µs each): enough to find
# MATCH_FIRST_MAX matches of a word in one row in ten.
PROBE_ROWS = 100_000
# Relevance ranking looks at the newest this-many matches (ranking every match of a very
# common word would read them all).
RANK_WINDOW = 2_000
COUNT_CAP = 100_000
HIGHLIGHT_START, HIGHLIGHT_STOP = "\x02", "\x03"

LIST_COLUMNS = (
    I.id, I.created_at, I.model, I.status,
    func.left(I.prompt, PROMPT_PREVIEW_CHARS).label("prompt"),
    I.prompt_tokens, I.completion_tokens, I.cost_usd, I.latency_ms, I.conversation_id,
)
EXPORT_COLUMNS = (
    I.id, I.created_at, I.conversation_id, I.model, I.status, I.prompt, I.response, I.error,
    I.prompt_tokens, I.completion_tokens, I.cost_usd, I.latency_ms, I.first_token_ms,
)


class MatchingSetChanged(RuntimeError):
    """A bulk delete found a different number of rows than the user confirmed."""

    def __init__(self, expected: int, found: int) -> None:
        super().__init__(f"expected {expected} interactions, found {found}")
        self.expected, self.found = expected, found


@dataclass(frozen=True)
class Count:
    """How many interactions match; `exact` is False when counting stopped at a cap.

    `ids` holds a search's matches when they were few and found by the GIN index: the page
    looks them up by key for the table and the charts instead of searching again.
    """

    value: int
    exact: bool
    ids: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Detail:
    """One interaction in full, with search matches marked by HIGHLIGHT_START/STOP."""

    id: int
    user_id: int
    created_at: datetime
    conversation_id: int | None
    model: str
    status: str
    prompt: str
    response: str | None
    error: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    cost_usd: float | None
    latency_ms: int | None
    first_token_ms: int | None


def search_has_terms(session: Session, text: str) -> bool:
    """True when the search string yields at least one lexeme to look for."""
    return bool(session.scalar(select(func.numnode(search_query(text)) > 0)))


def count_matching(session: Session, filters: Filters, *, cap: int = COUNT_CAP) -> Count:
    """Exact from the rollups when they can answer, else counted up to `cap` (for a search,
    up to MATCH_FIRST_MAX)."""
    custom_plans(session)
    if filters.rollup_ok:
        return Count(count_rollup(session, filters), True)
    if filters.search:
        return _count_search(session, filters, min(cap, MATCH_FIRST_MAX))
    probe: Select[Any] = (select(literal_column("1")).select_from(Interaction.__table__)
             .where(*where_clauses(filters)).limit(cap + 1))
    found = int(session.scalar(select(func.count()).select_from(probe.subquery())) or 0)
    return Count(min(found, cap), found <= cap)


def _count_search(session: Session, filters: Filters, cap: int) -> Count:
    """A search counted up to `cap`: along the newest rows for a common word, else by the
    GIN index, keeping the ids it finds."""
    if not search_has_terms(session, filters.search):
        return Count(0, True)
    if estimated_matches(session, filters.search) > BITMAP_MAX:
        seen, found = _walk_probe(session, filters)
        if seen < PROBE_ROWS or found > cap:
            return Count(min(found, cap), found <= cap)
    ids = tuple(session.scalars(select(I.id).where(*where_clauses(filters)).limit(cap + 1)))
    if len(ids) > cap:
        return Count(cap, False)
    return Count(len(ids), True, ids)


def count_exact(session: Session, filters: Filters) -> int:
    """Every match counted, however many (what a bulk delete must confirm)."""
    custom_plans(session)
    if filters.rollup_ok:
        return count_rollup(session, filters)
    query = select(func.count()).select_from(Interaction.__table__)
    return int(session.scalar(query.where(*where_clauses(filters))) or 0)


def estimated_matches(session: Session, search: str) -> int:
    """The planner's guess of how many rows contain the search (from the lexeme statistics
    ANALYZE keeps for search_vector): free, and right about common versus rare."""
    query: Select[Any] = (select(literal_column("1")).select_from(Interaction.__table__)
             .where(SEARCH_VECTOR.op("@@")(search_query(search))))
    compiled = query.compile(dialect=session.get_bind().dialect)
    plan = session.connection().exec_driver_sql(
        f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar()
    return int(plan[0]["Plan"]["Plan Rows"]) if plan else 0


def _walk_probe(session: Session, filters: Filters) -> tuple[int, int]:
    """(rows read, matches) among the newest PROBE_ROWS rows that pass the other filters.

    A common word is counted past the cap here by cheap `@@` tests along the created_at
    index, where the GIN bitmap would list (and the heap scan visit) all its rows; a narrow
    filter (a day, a conversation) is counted exactly.
    """
    others = replace(filters, search="")
    window = (
        select(SEARCH_VECTOR.op("@@")(search_query(filters.search)).label("hit"))
        .select_from(Interaction.__table__).where(*where_clauses(others))
        .order_by(I.created_at.desc(), I.id.desc()).limit(PROBE_ROWS).subquery("window")
    )
    seen, found = session.execute(
        select(func.count(), func.count().filter(window.c.hit)).select_from(window)).one()
    return int(seen), int(found)


def list_page(
    session: Session, filters: Filters, *, page: int = 1, ranked: bool = False,
    total: Count | None = None, limit: int = PAGE_SIZE, offset: int | None = None,
) -> list[Any]:
    """One page of matching interactions, newest first (or by relevance for a search).

    The page shows `page` of PAGE_SIZE rows; the API asks for any `limit` from any `offset`.
    """
    custom_plans(session)
    if offset is None:
        offset = (max(page, 1) - 1) * limit
    newest = (I.created_at.desc(), I.id.desc())
    if not filters.search:
        query = select(*LIST_COLUMNS).where(*where_clauses(filters)).order_by(*newest)
        return list(session.execute(query.offset(offset).limit(limit)))
    if total is None:
        total = count_matching(session, filters, cap=MATCH_FIRST_MAX)
    if total.value == 0:
        return []
    conditions = where_clauses(filters, ids=total.ids)
    few = total.exact and total.value <= MATCH_FIRST_MAX
    if ranked:
        rank = func.ts_rank(SEARCH_VECTOR, search_query(filters.search)).label("rank")
        matches = select(*LIST_COLUMNS, rank).where(*conditions)
        if not few:
            matches = matches.order_by(*newest).limit(RANK_WINDOW)
        cte = matches.cte("matches").prefix_with("MATERIALIZED")
        order: tuple[Any, ...] = (cte.c.rank.desc(), cte.c.created_at.desc(), cte.c.id.desc())
    elif few:
        cte = select(*LIST_COLUMNS).where(*conditions).cte("matches").prefix_with("MATERIALIZED")
        order = (cte.c.created_at.desc(), cte.c.id.desc())
    else:
        query = select(*LIST_COLUMNS).where(*conditions).order_by(*newest)
        return list(session.execute(query.offset(offset).limit(limit)))
    columns = [cte.c[c.name] for c in LIST_COLUMNS]
    query = select(*columns).order_by(*order).offset(offset).limit(limit)
    return list(session.execute(query))


def get_detail(
    session: Session, interaction_id: int, *, user_id: int | None, search: str = ""
) -> Detail | None:
    """One interaction of `user_id` (of anyone's when None: admins) in full; with a search,
    its matched words are marked."""
    prompt: ColumnElement[Any] = I.prompt
    response: ColumnElement[Any] = I.response
    if search and search_has_terms(session, search):
        options = f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_STOP}, HighlightAll=true"
        query = search_query(search)
        prompt = func.ts_headline(TS_CONFIG, I.prompt, query, options)
        response = func.ts_headline(TS_CONFIG, I.response, query, options)
    row = session.execute(
        select(
            I.id, I.user_id, I.created_at, I.conversation_id, I.model, I.status,
            prompt.label("prompt"), response.label("response"), I.error, I.prompt_tokens,
            I.completion_tokens, I.cost_usd, I.latency_ms, I.first_token_ms,
        ).where(I.id == interaction_id, *owner_clause(user_id))
    ).one_or_none()
    return Detail(**row._mapping) if row is not None else None


def delete_interaction(session: Session, interaction_id: int, *, user_id: int | None) -> bool:
    """Delete one interaction of `user_id` (anyone's when None: admins), and its conversation
    if that was its last turn; False when it was already gone or is not theirs."""
    gone = session.execute(
        delete(Interaction).where(Interaction.id == interaction_id, *owner_clause(user_id))
        .returning(Interaction.conversation_id)).all()
    drop_emptied_conversations(session, [row.conversation_id for row in gone])
    session.commit()
    return len(gone) == 1


def delete_matching(session: Session, filters: Filters, *, expected: int) -> int:
    """Delete every match, but only if there are exactly `expected` (what the user confirmed)."""
    custom_plans(session)
    # Counted and the conversations gathered in the database: a bulk delete may be millions.
    gone = (delete(Interaction).where(*where_clauses(filters))
            .returning(Interaction.conversation_id).cte("gone"))
    found, conversations = session.execute(
        select(func.count(), func.array_agg(gone.c.conversation_id.distinct()))).one()
    if found != expected:
        session.rollback()
        raise MatchingSetChanged(expected, found)
    drop_emptied_conversations(session, conversations or [])
    session.commit()
    return int(found)


def drop_emptied_conversations(session: Session, ids: Sequence[int | None]) -> None:
    """Delete those of these conversations that no longer hold a turn (not committed)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return
    has_turns = select(Interaction.id).where(Interaction.conversation_id == Conversation.id)
    session.execute(
        delete(Conversation).where(Conversation.id.in_(sorted(wanted)), ~has_turns.exists()))


def export_rows(session: Session, filters: Filters, *, limit: int) -> Iterator[dict[str, Any]]:
    """Full matching rows, newest first, at most `limit`, streamed from a server-side cursor."""
    custom_plans(session)
    query = (
        select(*EXPORT_COLUMNS).where(*where_clauses(filters))
        .order_by(I.created_at.desc(), I.id.desc()).limit(limit)
    )
    for row in session.execute(query.execution_options(yield_per=1000)):
        yield dict(row._mapping)
