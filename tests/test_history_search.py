"""History search strategies: every way of counting and paging a search gives the same rows."""

from __future__ import annotations

import io
from dataclasses import astuple
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from db import history
from db.history_filters import Filters, where_clauses
from db.history_usage import Usage, usage
from db.models import LOCAL_USER_ID, Interaction
from tests.history_data import NOW, ROWS, seed

# Rows written without naming a user are the local user's.
ME = LOCAL_USER_ID

I = Interaction.__table__.c  # noqa: E741

# (BITMAP_MAX, PROBE_ROWS, MATCH_FIRST_MAX): rare word via the GIN bitmap; common word
# counted exactly along the index; probe too short so the bitmap counts; more than the cap.
STRATEGIES = {
    "bitmap": (10**9, 100_000, 10_000),
    "walk, exhaustive": (-1, 100_000, 10_000),
    "walk, then bitmap": (-1, 2, 10_000),
    "over the cap": (-1, 100_000, 1),
}
SEARCHES = [
    Filters(user_id=ME, search="docker"),
    Filters(user_id=ME, search="docker", start=NOW - timedelta(days=30)),
    Filters(user_id=ME, search="python OR docker OR rust", models=("gpt-a",)),
    Filters(user_id=ME, search='"compose file"'),
    Filters(user_id=ME, search="docker -cache", statuses=("ok",)),
]


def docker_rows(n: int) -> list[dict]:
    """N rows mentioning docker, one hour apart, newest first."""
    return [{**ROWS[0], "ago": 1 + i, "prompt": f"docker question {i}"} for i in range(n)]


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_every_search_strategy_lists_and_counts_the_same_rows(
    sessions, monkeypatch: pytest.MonkeyPatch, strategy: str
) -> None:
    bitmap_max, probe_rows, cap = STRATEGIES[strategy]
    monkeypatch.setattr(history, "BITMAP_MAX", bitmap_max)
    monkeypatch.setattr(history, "PROBE_ROWS", probe_rows)
    monkeypatch.setattr(history, "MATCH_FIRST_MAX", cap)
    seed(sessions, ROWS + docker_rows(3))
    with sessions() as session:
        for filters in SEARCHES:
            newest = (I.created_at.desc(), I.id.desc())
            expected = session.scalars(
                select(I.id).where(*where_clauses(filters)).order_by(*newest)).all()
            total = history.count_matching(session, filters)
            assert (total.value, total.exact) == (min(len(expected), cap),
                                                  len(expected) <= cap), filters
            rows = history.list_page(session, filters, total=total)
            assert [r.id for r in rows] == expected, filters
            ranked = history.list_page(session, filters, total=total, ranked=True)
            assert sorted(r.id for r in ranked) == sorted(expected), filters
            if total.ids is not None:
                assert sorted(total.ids) == sorted(expected)
                assert_same_usage(usage(session, filters, now=NOW, ids=total.ids),
                                  usage(session, filters, now=NOW))


def assert_same_usage(found: Usage, expected: Usage) -> None:
    """The figures of two usages agree (sums to float precision)."""
    assert astuple(found.totals) == pytest.approx(astuple(expected.totals))
    assert [(r.bucket, r.model, r.interactions) for r in found.by_bucket_model] == [
        (r.bucket, r.model, r.interactions) for r in expected.by_bucket_model]
    assert found.by_model == expected.by_model
    assert found.errors_by_class == expected.errors_by_class


def test_bulk_delete_of_a_search_over_the_cap_counts_every_match(
    sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "MATCH_FIRST_MAX", 2)
    seed(sessions, docker_rows(5))
    filters = Filters(user_id=ME, search="docker")
    with sessions() as session:
        assert history.count_matching(session, filters) == history.Count(2, False)
        count = history.count_exact(session, filters)
        assert count == 5
        assert history.delete_matching(session, filters, expected=count) == 5


def test_rows_copied_in_by_plain_sql_are_searchable(sessions, engine) -> None:
    lines = "".join(f"{NOW - timedelta(hours=h)}\tgpt-d\theliotrope note {h}\tok\n"
                    for h in range(3))
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor, cursor.copy(
            "COPY interactions (created_at, model, prompt, status) FROM STDIN"
        ) as copy:
            copy.write(io.StringIO(lines).read())
        raw.commit()
    finally:
        raw.close()
    with sessions() as session:
        assert history.count_matching(session, Filters(user_id=ME, search="heliotropes")).value == 3
        assert session.scalar(select(func.count()).select_from(Interaction)) == 3
