"""History queries against real Postgres: counts, sums, percentiles, search, rollup upkeep."""

from __future__ import annotations

import io
import math
from dataclasses import astuple, replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from db import history
from db.history_filters import Filters, bin_bounds_ms, error_class, where_clauses
from db.history_tables import (
    latency_rollup,
    latency_rollup_all,
    latency_rollup_hourly_all,
    rollup,
    rollup_all,
    rollup_hourly,
    rollup_hourly_all,
)
from db.history_usage import previous_totals, raw_totals, usage
from db.models import LOCAL_USER_ID, Interaction
from tests.history_data import NOW, ROWS, seed

# Rows written without naming a user are the local user's.
ME = LOCAL_USER_ID

I = Interaction.__table__.c  # noqa: E741

COMBINATIONS = [
    Filters(user_id=ME),
    Filters(user_id=ME, start=NOW - timedelta(days=7)),
    Filters(user_id=ME, start=NOW - timedelta(hours=24)),
    Filters(user_id=ME, start=NOW - timedelta(days=30), end=NOW - timedelta(hours=20)),
    Filters(user_id=ME, start=NOW.replace(hour=0, minute=0) - timedelta(days=60),
            end=NOW.replace(hour=0, minute=0)),
    Filters(user_id=ME, models=("gpt-a",), start=NOW - timedelta(days=30)),
    Filters(user_id=ME, statuses=("error", "stopped")),
    Filters(user_id=ME, search="docker"),
    Filters(user_id=ME, cost_min=0.001, latency_max=5000),
    Filters(user_id=ME, tokens_min=50),
    # Every user's rows, as an admin sees them (from the all-users rollups).
    Filters(user_id=None),
    Filters(user_id=None, start=NOW - timedelta(days=30), end=NOW - timedelta(hours=20)),
    Filters(user_id=None, models=("gpt-a",), start=NOW - timedelta(days=30)),
    # Everyone's partial days and hours: whole hours from the hourly rollups, the rest raw.
    Filters(user_id=None, start=NOW - timedelta(hours=24)),
    Filters(user_id=None, start=NOW - timedelta(days=2, minutes=17),
            end=NOW - timedelta(hours=5, minutes=3)),
    Filters(user_id=None, statuses=("ok",), start=NOW - timedelta(days=9, minutes=41),
            end=NOW - timedelta(minutes=7)),
    Filters(user_id=None, start=NOW - timedelta(minutes=50)),
]


def recount(session: Session, filters: Filters) -> dict:
    """The figures straight from raw rows, by plain SQL that shares nothing with rollups."""
    where = where_clauses(filters)
    total = session.execute(select(
        func.count(), func.count().filter(I.status == "error"),
        func.coalesce(func.sum(I.prompt_tokens), 0),
        func.coalesce(func.sum(I.completion_tokens), 0),
        func.coalesce(func.sum(I.cost_usd), 0.0), func.count(I.cost_usd),
    ).where(*where)).one()
    by_model = dict(session.execute(
        select(I.model, func.count()).where(*where).group_by(I.model)).all())
    by_class = dict(session.execute(
        select(error_class(), func.count()).where(*where, I.status == "error")
        .group_by(error_class())).all())
    return {"total": tuple(total), "by_model": by_model, "by_class": by_class}


def figures(session: Session, filters: Filters) -> dict:
    """The same figures as the page's usage query reports them."""
    result = usage(session, filters, now=NOW)
    t = result.totals
    return {
        "total": (t.interactions, t.errors, t.prompt_tokens, t.completion_tokens,
                  pytest.approx(t.cost_usd), t.cost_known),
        "by_model": {r.model: r.interactions for r in result.by_model},
        "by_class": result.errors_by_class,
    }


def assert_charts_match_raw_rows(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        for filters in COMBINATIONS:
            assert figures(session, filters) == recount(session, filters), filters
            result = usage(session, filters, now=NOW)
            assert sum(r.interactions for r in result.by_bucket) == result.totals.interactions
            assert sum(r.interactions for r in result.by_bucket_model) == (
                result.totals.interactions)


def assert_rollups_equal_a_rebuild(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        kept = set(session.execute(select(rollup)).all())
        rebuilt = set(session.execute(text(
            "SELECT user_id, (created_at AT TIME ZONE 'UTC')::date, model, status,"
            " history_error_class(status, error), count(*), sum(coalesce(prompt_tokens, 0)),"
            " sum(coalesce(completion_tokens, 0)), coalesce(sum(cost_usd), 0), count(cost_usd)"
            " FROM interactions GROUP BY 1, 2, 3, 4, 5")).all())
        assert {r[:8] + (round(r[8], 9),) + r[9:] for r in kept} == {
            r[:8] + (round(r[8], 9),) + r[9:] for r in rebuilt}
        latencies = set(session.execute(select(latency_rollup)).all())
        rebuilt = set(session.execute(text(
            "SELECT user_id, (created_at AT TIME ZONE 'UTC')::date, model, status, k, b, count(*)"
            " FROM (SELECT user_id, created_at, model, status, 't' k,"
            " history_latency_bin(latency_ms) b FROM interactions WHERE latency_ms IS NOT NULL"
            " UNION ALL SELECT user_id, created_at, model, status, 'f',"
            " history_latency_bin(first_token_ms) FROM interactions"
            " WHERE first_token_ms IS NOT NULL) x GROUP BY 1, 2, 3, 4, 5, 6"
        )).all())
        assert latencies == rebuilt
        # The all-users rollups (for admins) are the per-user ones summed over users.
        everyone = set(session.execute(select(rollup_all)).all())
        summed = set(session.execute(text(
            "SELECT day, model, status, error_class, sum(n), sum(prompt_tokens),"
            " sum(completion_tokens), sum(cost_usd), sum(cost_known) FROM interaction_rollup"
            " GROUP BY 1, 2, 3, 4")).all())
        assert {r[:7] + (round(r[7], 9),) + r[8:] for r in everyone} == {
            r[:7] + (round(r[7], 9),) + r[8:] for r in summed}
        assert set(session.execute(select(latency_rollup_all)).all()) == set(session.execute(
            text("SELECT day, model, status, kind, bin, sum(n) FROM interaction_latency_rollup"
                 " GROUP BY 1, 2, 3, 4, 5")).all())
        # The hourly all-users rollups are the raw rows counted per UTC hour.
        hourly = set(session.execute(select(rollup_hourly_all)).all())
        rebuilt = set(session.execute(text(
            "SELECT date_trunc('hour', created_at AT TIME ZONE 'UTC'), model, status,"
            " history_error_class(status, error), count(*), sum(coalesce(prompt_tokens, 0)),"
            " sum(coalesce(completion_tokens, 0)), coalesce(sum(cost_usd), 0), count(cost_usd)"
            " FROM interactions GROUP BY 1, 2, 3, 4")).all())
        assert {r[:7] + (round(r[7], 9),) + r[8:] for r in hourly} == {
            r[:7] + (round(r[7], 9),) + r[8:] for r in rebuilt}
        per_user = set(session.execute(select(rollup_hourly)).all())
        rebuilt = set(session.execute(text(
            "SELECT user_id, date_trunc('hour', created_at AT TIME ZONE 'UTC'), model, status,"
            " history_error_class(status, error), count(*), sum(coalesce(prompt_tokens, 0)),"
            " sum(coalesce(completion_tokens, 0)), coalesce(sum(cost_usd), 0), count(cost_usd)"
            " FROM interactions GROUP BY 1, 2, 3, 4, 5")).all())
        assert {r[:8] + (round(r[8], 9),) + r[9:] for r in per_user} == {
            r[:8] + (round(r[8], 9),) + r[9:] for r in rebuilt}
        assert set(session.execute(select(latency_rollup_hourly_all)).all()) == set(
            session.execute(text(
                "SELECT date_trunc('hour', created_at AT TIME ZONE 'UTC'), model, status, k, b,"
                " count(*) FROM (SELECT created_at, model, status, 't' k,"
                " history_latency_bin(latency_ms) b FROM interactions"
                " WHERE latency_ms IS NOT NULL UNION ALL SELECT created_at, model, status, 'f',"
                " history_latency_bin(first_token_ms) FROM interactions"
                " WHERE first_token_ms IS NOT NULL) x GROUP BY 1, 2, 3, 4, 5")).all())


def test_every_chart_figure_equals_a_recount_over_raw_rows(sessions) -> None:
    seed(sessions)
    assert_charts_match_raw_rows(sessions)


def test_the_admins_per_user_split_equals_a_recount_over_raw_rows(sessions) -> None:
    from db.history_usage import usage_by_user

    seed(sessions)
    with sessions() as session:
        for filters in (f for f in COMBINATIONS if f.user_id is None):
            where = where_clauses(filters)
            raw = {row[0]: tuple(row[1:]) for row in session.execute(
                select(I.user_id, func.count(), func.count().filter(I.status == "error"),
                       func.coalesce(func.sum(I.prompt_tokens), 0)
                       + func.coalesce(func.sum(I.completion_tokens), 0))
                .where(*where).group_by(I.user_id))}
            split = {r.user_id: (r.interactions, r.errors, r.tokens)
                     for r in usage_by_user(session, filters, now=NOW)}
            assert split == raw, filters


def test_totals_for_known_data_are_exact(sessions) -> None:
    seed(sessions)
    with sessions() as session:
        t = usage(session, Filters(user_id=ME), now=NOW).totals
    assert (t.interactions, t.errors) == (8, 2)
    assert (t.prompt_tokens, t.completion_tokens) == (122, 208)
    assert t.cost_usd == pytest.approx(0.0161)
    assert t.cost_unknown == 3


def test_one_pass_totals_equal_the_usage_totals_and_stop_at_the_cap(sessions) -> None:
    seed(sessions)
    with sessions() as session:
        for filters in COMBINATIONS:
            expected = astuple(usage(session, filters, now=NOW).totals)
            found = astuple(raw_totals(session, filters, cap=100))
            assert found == pytest.approx(expected), filters
        assert raw_totals(session, Filters(user_id=ME), cap=7) is None
        assert raw_totals(session, Filters(user_id=ME), cap=8) is not None


def test_percentiles_are_within_one_latency_bin_of_the_exact_value(sessions) -> None:
    seed(sessions)
    with sessions() as session:
        result = usage(session, Filters(user_id=ME), now=NOW)
        exact = session.scalar(select(
            func.percentile_disc(0.95).within_group(I.latency_ms)))
    low, high = bin_bounds_ms(math.floor(4 * math.log2(exact + 1)))
    assert low <= exact < high
    assert low <= result.totals.p95_latency_ms < high


def test_rollups_follow_inserts_updates_deletes_copy_and_truncate(sessions, engine) -> None:
    ids = seed(sessions)
    with sessions() as session:
        # The chat's path: pending, then finalized with usage.
        session.execute(text(
            "UPDATE interactions SET status = 'ok', prompt_tokens = 7, completion_tokens = 8,"
            " cost_usd = 0.5, latency_ms = 700, first_token_ms = 70 WHERE id = :id"
        ), {"id": ids[6]})
        session.execute(text("UPDATE interactions SET created_at = created_at - interval '3 days'"
                             " WHERE model = 'gpt-b'"))
        session.execute(text("DELETE FROM interactions WHERE id = :id"), {"id": ids[0]})
        # Rows handed to another user move between that user's rollups and the first's.
        other = session.scalar(text(
            "INSERT INTO users (email) VALUES ('other@example.com') RETURNING id"))
        session.execute(text("UPDATE interactions SET user_id = :other WHERE model = 'gpt-a'"),
                        {"other": other})
        session.commit()
    assert_rollups_equal_a_rebuild(sessions)
    assert_charts_match_raw_rows(sessions)
    null = "\\N"
    lines = "".join(
        f"{NOW - timedelta(hours=h, minutes=7)}\tgpt-d\tcopied prompt {h}\tok\t{h}\t{h * 2}\t"
        f"{null if h % 2 else 0.001}\t{100 + h}\n" for h in range(40)
    )
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor, cursor.copy(
            "COPY interactions (created_at, model, prompt, status, prompt_tokens,"
            " completion_tokens, cost_usd, latency_ms) FROM STDIN"
        ) as copy:
            copy.write(io.StringIO(lines).read())
        raw.commit()
    finally:
        raw.close()
    assert_rollups_equal_a_rebuild(sessions)
    assert_charts_match_raw_rows(sessions)
    with engine.begin() as connection:
        connection.execute(text("TRUNCATE interactions CASCADE"))
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(rollup)) == 0
        assert usage(session, Filters(user_id=ME), now=NOW).totals.interactions == 0


def test_search_matches_word_forms_and_quoted_phrases(sessions) -> None:
    ids = seed(sessions)
    with sessions() as session:
        def hits(query: str) -> list[int]:
            return [r.id for r in history.list_page(session, Filters(user_id=ME, search=query))]

        assert hits("docker") == [ids[0], ids[7]]
        assert hits("rebuilding") == [ids[0]]
        assert hits('"compose file"') == [ids[7]]
        assert hits('"file compose"') == []
        assert hits("docker -cache") == [ids[7]]
        assert history.count_matching(session, Filters(user_id=ME, search="docker")).value == 2


@pytest.mark.parametrize("query", [
    '"unbalanced', "back\\slash\\", "100% _under_", "'; drop table interactions; --",
    "🐳 docker 🚀", "مرحبا بالعالم", "x" * 10_000, "the and of", "&|!():*<->",
])
def test_odd_search_strings_give_results_or_nothing_but_never_an_error(
    sessions, query: str
) -> None:
    seed(sessions)
    filters = Filters(user_id=ME, search=query[:1000])
    with sessions() as session:
        for ranked in (False, True):
            history.list_page(session, filters, ranked=ranked)
        history.count_matching(session, filters)
        usage(session, filters, now=NOW)
        assert session.scalar(select(func.count()).select_from(Interaction)) == len(ROWS)


def test_ranked_search_puts_the_best_match_first(sessions) -> None:
    rows = [replace_row(prompt="docker " * 5 + "docker", ago=300),
            replace_row(prompt="one docker mention among many other words here", ago=1)]
    ids = seed(sessions, rows)
    with sessions() as session:
        newest = history.list_page(session, Filters(user_id=ME, search="docker"))
        ranked = history.list_page(session, Filters(user_id=ME, search="docker"), ranked=True)
    assert [r.id for r in newest] == [ids[1], ids[0]]
    assert [r.id for r in ranked] == [ids[0], ids[1]]


def replace_row(**changes) -> dict:
    """A copy of the first known row with some fields changed."""
    return {**ROWS[0], **changes}


def test_the_detail_marks_matched_words(sessions) -> None:
    ids = seed(sessions)
    with sessions() as session:
        item = history.get_detail(session, ids[0], user_id=ME, search="rebuild")
    assert f"{history.HIGHLIGHT_START}rebuild{history.HIGHLIGHT_STOP}" in item.prompt
    assert item.prompt.replace(history.HIGHLIGHT_START, "").replace(
        history.HIGHLIGHT_STOP, "") == ROWS[0]["prompt"]


def test_pages_hold_fifty_newest_first(sessions) -> None:
    seed(sessions, [replace_row(ago=i) for i in range(120)])
    with sessions() as session:
        first = history.list_page(session, Filters(user_id=ME))
        third = history.list_page(session, Filters(user_id=ME), page=3)
    assert len(first) == 50 and len(third) == 20
    times = [r.created_at for r in first]
    assert times == sorted(times, reverse=True)


def test_bulk_delete_removes_exactly_the_confirmed_rows(sessions) -> None:
    seed(sessions)
    filters = Filters(user_id=ME, models=("gpt-b",))
    with sessions() as session:
        with pytest.raises(history.MatchingSetChanged):
            history.delete_matching(session, filters, expected=2)
        assert session.scalar(select(func.count()).select_from(Interaction)) == len(ROWS)
        assert history.delete_matching(session, filters, expected=3) == 3
        assert set(session.scalars(select(I.model).distinct())) == {"gpt-a", "gpt-c"}
    assert_rollups_equal_a_rebuild(sessions)


def test_export_rows_are_exactly_the_filtered_rows(sessions) -> None:
    seed(sessions)
    filters = Filters(user_id=ME, statuses=("ok",), start=NOW - timedelta(days=30))
    with sessions() as session:
        rows = list(history.export_rows(session, filters, limit=1000))
        expected = session.scalars(select(I.id).where(*where_clauses(filters))).all()
    assert sorted(r["id"] for r in rows) == sorted(expected)
    assert len(rows) == 3


def test_searches_use_the_full_text_index(sessions) -> None:
    with sessions() as session:
        session.execute(text("SET LOCAL enable_seqscan = off"))
        # Every user's rows (an admin's view): on an empty table a user's own search may
        # walk their user_id index instead, which bench/bench_history.py times at scale.
        query = select(I.id).where(*where_clauses(Filters(user_id=None, search="docker")))
        plan = "\n".join(session.execute(text("EXPLAIN " + str(query.compile(
            compile_kwargs={"literal_binds": True})))).scalars())
    assert "ix_interactions_fts" in plan


def test_the_previous_period_totals_are_the_same_filters_one_period_earlier(sessions) -> None:
    seed(sessions)
    with sessions() as session:
        assert previous_totals(session, Filters(user_id=ME), now=NOW) is None
        for filters in (Filters(user_id=ME, start=NOW - timedelta(days=3)),
                        Filters(user_id=ME, start=NOW - timedelta(days=3), tokens_min=1)):
            earlier = replace(filters, start=filters.start - (NOW - filters.start),
                              end=filters.start)
            expected = astuple(usage(session, earlier, now=NOW).totals)
            found = previous_totals(session, filters, now=NOW)
            assert found.interactions > 0
            assert astuple(found) == pytest.approx(expected), filters
