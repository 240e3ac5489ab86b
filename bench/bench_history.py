"""Time the History page's own queries and an AppTest render at several sizes.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python \
        bench/bench_history.py 10000 100000 1000000 [--users 100] [--reuse]

The database is emptied and reseeded for each size (bench/seed.py). Each figure is the
median of a few warm runs, in milliseconds: a page is one AppTest of pages/1_History.py run
once, then rerun (the warm render: the whole script, every query and chart); queries are the
page's own, run directly. Each line shows wall ms and this process's CPU ms (user + sys; the
database's CPU is not in it), so a loaded machine shows as wall well above CPU.
With --users N the rows are spread over N users and the page is timed twice: signed in as one
user (their own rows), and as an admin looking at everyone's (?who=all). --reuse times an
already seeded database (one size).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from bench.seed import COMMON_WORD, RARE_WORD, seed  # noqa: E402
from db import history, history_usage, migrate  # noqa: E402
from db.engine import make_engine, make_sessionmaker, normalize_url  # noqa: E402
from db.history_filters import Filters  # noqa: E402
from db.models import LOCAL_USER_ID  # noqa: E402
from db.users import get_or_create_user  # noqa: E402

RUNS = 3
TAB_KEY = "h_tab"  # pages/1_History.py's tabs
USER_EMAIL, ADMIN_EMAIL = "user1@bench", "admin@bench"


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def median_ms(action: Callable[[], object]) -> tuple[float, float]:
    """Median wall and CPU milliseconds of `action` over RUNS runs, after one warm-up."""
    action()
    walls, cpus = [], []
    for _ in range(RUNS):
        started, spent = time.perf_counter(), cpu_s()
        action()
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((cpu_s() - spent) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def page_queries(sessions, filters: Filters, now: datetime, ranked: bool = False) -> None:
    """Every query the page runs for one filter state (charts only when it draws them)."""
    with sessions() as session:
        history_usage.known_models(session, user_id=filters.user_id)
        total = history.count_matching(session, filters)
        history.list_page(session, filters, ranked=ranked, total=total)
        if not history_usage.chartable(filters, total.value, total.exact):
            return
        history_usage.usage(session, filters, now=now, ids=total.ids)
        previous = filters.previous_period(now)
        if previous and previous.rollup_ok:
            history_usage.usage(session, previous, now=now, detail=False)
        elif previous:
            history_usage.raw_totals(session, previous, cap=history_usage.RAW_CHART_CAP)
        if filters.user_id is None:
            history_usage.usage_by_user(session, filters, now=now)


def each_query(sessions, filters: Filters, now: datetime) -> dict[str, Callable[[], object]]:
    """The default view's queries one by one, each in a session of its own."""
    def timed(run: Callable[..., object]) -> Callable[[], object]:
        def action() -> object:
            with sessions() as session:
                return run(session)
        return action

    total = history.Count(0, True)
    queries: dict[str, Callable[..., object]] = {
        "known models": lambda s: history_usage.known_models(s, user_id=filters.user_id),
        "count": lambda s: history.count_matching(s, filters),
        "first page of rows": lambda s: history.list_page(s, filters, total=total),
        "usage (KPIs and charts)": lambda s: history_usage.usage(s, filters, now=now),
        "previous period's totals": lambda s: history_usage.previous_totals(
            s, filters, now=now),
    }
    if filters.user_id is None:
        queries["per-user split"] = lambda s: history_usage.usage_by_user(s, filters, now=now)
    return {f"query (30 d): {name}": timed(run) for name, run in queries.items()}


def first_page(sessions, filters: Filters, ranked: bool = False) -> None:
    """A search's first page: the count, then 50 rows."""
    with sessions() as session:
        total = history.count_matching(session, filters)
        history.list_page(session, filters, ranked=ranked, total=total)


def render(email: str | None, tab: str | None = None, **query: str) -> Callable[[], None]:
    """The page with these URL parameters, signed in as `email` (by a trusted header) or as
    the local user when None, on its `tab` (the first when None): the first call opens and
    runs it, later calls rerun it."""
    opened: list[AppTest] = []

    def run() -> None:
        if not opened:
            at = AppTest.from_file(str(ROOT / "pages/1_History.py"), default_timeout=60)
            if email is not None:
                at.user = {"email": email}
            for key, value in query.items():
                at.query_params[key] = value
            if tab is not None:
                at.session_state[TAB_KEY] = tab
            opened.append(at)
        at = opened[0].run()
        assert not at.exception, at.exception
    return run


def scenarios(
    sessions, now: datetime, *, user_id: int | None, email: str | None, **scope: str
) -> dict[str, Callable[[], object]]:
    """What is timed: page renders for default and single-filter changes, and queries, for
    `user_id`'s rows (None: everyone's) as `email` sees them."""
    def page(**query: str) -> Callable[[], None]:
        return render(email, **scope, **query)

    def usage_tab(**query: str) -> Callable[[], None]:
        return render(email, "Usage", **scope, **query)

    def scoped(**kw: object) -> Filters:
        return Filters(user_id=user_id, **kw)  # type: ignore[arg-type]

    last30 = scoped(start=now - timedelta(days=30))
    return {
        "page: default (30 d)": page(),
        "page: usage tab (30 d)": usage_tab(),
        "page: usage tab, range 24 h": usage_tab(range="24h"),
        "page: usage tab, range all": usage_tab(range="all"),
        "page: model": page(model="gpt-4o"),
        "page: status=error": page(status="error"),
        "page: range 24 h": page(range="24h"),
        "page: range 7 d": page(range="7d"),
        "page: range all": page(range="all"),
        "page: custom dates": page(**{"from": (now - timedelta(days=40)).date().isoformat(),
                                      "to": (now - timedelta(days=20)).date().isoformat()}),
        f"page: search rare ({RARE_WORD})": page(q=RARE_WORD),
        f"page: search common ({COMMON_WORD})": page(q=COMMON_WORD),
        "page: cost range": page(cost_min="0.01"),
        "queries: default": lambda: page_queries(sessions, last30, now),
        **each_query(sessions, last30, now),
        "queries: search common": lambda: page_queries(
            sessions, scoped(start=last30.start, search=COMMON_WORD), now),
        "first page: search rare": lambda: first_page(
            sessions, scoped(start=last30.start, search=RARE_WORD)),
        "first page: search common": lambda: first_page(
            sessions, scoped(start=last30.start, search=COMMON_WORD)),
        "first page: rare, all time": lambda: first_page(sessions, scoped(search=RARE_WORD)),
        "first page: common, all, ranked": lambda: first_page(
            sessions, scoped(search=COMMON_WORD), ranked=True),
    }


def who(sessions, users: int) -> dict[str, dict]:
    """The viewers to time: the local user alone, or one user and an admin over everyone."""
    if not users:
        return {"": {"user_id": LOCAL_USER_ID, "email": None}}
    os.environ["MINI_AGENT_AUTH"] = "header"
    os.environ["MINI_AGENT_ADMINS"] = ADMIN_EMAIL
    with sessions() as session:
        user = get_or_create_user(session, USER_EMAIL).id
        get_or_create_user(session, ADMIN_EMAIL)
    return {"user: ": {"user_id": user, "email": USER_EMAIL},
            "admin, everyone: ": {"user_id": None, "email": ADMIN_EMAIL, "who": "all"}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--users", type=int, default=0)
    parser.add_argument("--reuse", action="store_true", help="time the database as it is")
    parser.add_argument("--only", default="", help="time only scenarios whose name has this")
    args = parser.parse_args()
    sizes = args.sizes
    url = normalize_url(os.environ["DATABASE_URL"])
    os.environ["DATABASE_URL"] = url
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = make_sessionmaker(engine)
    results: dict[str, dict[int, tuple[float, float]]] = {}
    started, spent = time.perf_counter(), cpu_s()
    for size in sizes:
        timings = {"total": 0.0} if args.reuse else seed(engine, size, users=args.users)
        results.setdefault("seed (s, total)", {})[size] = (timings["total"], 0.0)
        now = datetime.now(UTC)
        for prefix, viewer in who(sessions, args.users).items():
            for name, action in scenarios(sessions, now, **viewer).items():
                if args.only not in name:
                    continue
                results.setdefault(prefix + name + " (ms)", {})[size] = median_ms(action)
                print(f"  {size:,} {prefix}{name}: {results[prefix + name + ' (ms)'][size]}",
                      flush=True)
        print(f"done {size:,}: seeding {timings}", flush=True)
    with engine.connect() as connection:
        server = connection.exec_driver_sql("SHOW server_version").scalar()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"PostgreSQL {server}, {os.cpu_count()} cores, load average {load}; bench "
          f"{time.perf_counter() - started:.0f} s wall, {cpu_s() - spent:.0f} s CPU")
    width = max(map(len, results))
    print(f"{'wall / CPU':<{width}} " + " ".join(f"{s:>16,}" for s in sizes))
    for name, by_size in results.items():
        print(f"{name:<{width}} " + " ".join(
            f"{by_size[s][0]:>9.1f} /{by_size[s][1]:>6.1f}" for s in sizes))


if __name__ == "__main__":
    main()
