"""Seed N synthetic interactions with COPY, rollups and search index included in the time.

Rows are COPYed over two connections at once (the server parses each row's search vector
as it stores it, so this uses both cores); the GIN index is built after the load.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python \
        bench/seed.py 1000000 [--users 100] [--keep] [--url URL]

With --users N, conversations (and so their interactions) are spread evenly over N users
`user1@bench` … `userN@bench`; without it every row is the local user's.

Text is drawn from a Zipf-weighted vocabulary (English, code words and made-up terms) so
some words are common and most are rare; about one row in 50,000 mentions "heliotrope"
(a known rare word for the benchmark) and about a quarter mention "python".
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db import migrate  # noqa: E402
from db.engine import make_engine, normalize_url  # noqa: E402
from db.models import LOCAL_USER_ID  # noqa: E402

RARE_WORD, COMMON_WORD = "heliotrope", "python"
PARALLEL_COPIES = 2
CHUNK_ROWS = 20_000
# Enough for one chunk's transition table (~0.8 KB a row) to stay in memory.
TRIGGER_WORK_MEM = "64MB"
# As migration 0004 creates it: the stored tsvector makes this a sort, not a parse.
CREATE_SEARCH_INDEX = ("CREATE INDEX IF NOT EXISTS ix_interactions_fts ON interactions "
                       "USING gin (search_vector)")
DAYS = 90
MODELS = ["gpt-4o-mini", "gpt-4o", "claude-3-5-sonnet", "ollama/llama3", "local/qwen-coder"]
MODEL_WEIGHTS = [0.45, 0.2, 0.2, 0.1, 0.05]
# Per-token prices; None means litellm had no price: the cost is stored as NULL (unknown).
PRICES = [(1.5e-7, 6e-7), (2.5e-6, 1e-5), (3e-6, 1.5e-5), None, None]
LATENCY_MEDIAN_MS = [900, 2200, 2600, 4000, 1500]
STATUSES = ["ok", "error", "stopped", "pending"]
STATUS_WEIGHTS = [0.94, 0.035, 0.02, 0.005]
ERRORS = ["RateLimitError: rate limit reached for requests",
          "Timeout: the model did not answer within 60 s",
          "APIConnectionError: connection refused",
          "InternalServerError: upstream returned 502",
          "AuthenticationError: invalid api key"]
WORDS = (  # noqa: SIM905 - a paragraph reads better than 130 quoted words
    "the a to of and in is it for on with how why what can I my you this that code error "
    "function list dict class file test docker build cache image container deploy server "
    "query index table join postgres sql database rows column type string number loop "
    "async await thread process memory leak slow fast performance profile debug log "
    "regex parse json yaml config settings environment variable path import module package "
    "install version upgrade release branch merge commit git rebase conflict pull request "
    "react component state hook render css layout grid flex button form input validate "
    "rust borrow checker lifetime trait struct enum match pattern ownership vector "
    "kubernetes pod service ingress helm chart secret volume node cluster scale replica "
    "explain summarise rewrite refactor optimise translate review compare fix write show"
).split()
TEMPLATES = [
    "How do I {0} {1} {2} in {3}?", "Why is my {0} {1} so {2} when I {3}?",
    "Explain {0} {1} {2} with an example", "Write a {0} that {1} the {2} {3}",
    "Fix this {0}: {1} {2} {3}", "What is the difference between {0} and {1} {2}?",
]


def vocabulary(rng: np.random.Generator) -> tuple[list[str], np.ndarray]:
    """Real words plus made-up terms, Zipf-weighted so a few are common and most are rare."""
    syllables = ["ka", "lo", "ri", "zen", "tor", "vi", "mu", "sel", "dra", "pon", "qua", "fi"]
    made_up = {"".join(rng.choice(syllables, size=rng.integers(2, 4))) for _ in range(6000)}
    words = WORDS + sorted(made_up - set(WORDS))
    weights = 1.0 / np.arange(1, len(words) + 1) ** 1.05
    return words, weights / weights.sum()


def copy_escape(value: str) -> str:
    """Text escaped for COPY's text format."""
    return (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def text_pools(rng: np.random.Generator, size: int) -> tuple[list[str], list[str]]:
    """Distinct prompts and responses (already COPY-escaped) that rows pick from."""
    words, weights = vocabulary(rng)
    draws = rng.choice(len(words), p=weights, size=(size, 80))
    prompts, responses = [], []
    for i in range(size):
        w = [words[j] for j in draws[i]]
        if i % 4 == 0:
            w[3] = COMMON_WORD
        prompt = TEMPLATES[i % len(TEMPLATES)].format(*w[:4]) + " " + " ".join(w[4:14])
        body = " ".join(w[14:60])
        if i % 3 == 0:
            body += f"\n\n```python\ndef {w[60]}_{w[61]}(x):\n    return x.{w[62]}()\n```\n"
        response = f"{body.capitalize()}. " + " ".join(w[60:80]) + "."
        prompts.append(copy_escape(prompt))
        responses.append(copy_escape(response))
    return prompts, responses


@dataclass(frozen=True)
class Draws:
    """Every random choice for N interactions, drawn once so that parts can be loaded apart."""

    prompts: list[str]
    responses: list[str]
    stamps: np.ndarray
    model: np.ndarray
    status: np.ndarray
    error: np.ndarray
    ptok: np.ndarray
    ctok: np.ndarray
    latency: np.ndarray
    first: np.ndarray
    pick_p: np.ndarray
    pick_r: np.ndarray
    conv: np.ndarray
    rare: np.ndarray


def draw(n: int, conversations: int, seed: int = 7) -> Draws:
    """N interactions' values, oldest first like an append-only log."""
    rng = np.random.default_rng(seed)
    prompts, responses = text_pools(rng, 20_000)
    now = np.datetime64("now", "us")
    offsets = np.sort(rng.uniform(0, DAYS * 86400e6, size=n))[::-1].astype("timedelta64[us]")
    model = rng.choice(len(MODELS), p=MODEL_WEIGHTS, size=n)
    latency = (np.array(LATENCY_MEDIAN_MS)[model] * rng.lognormal(0, 0.5, size=n)).astype(int)
    return Draws(
        prompts=prompts, responses=responses,
        stamps=np.datetime_as_string(now - offsets, unit="us"), model=model,
        status=rng.choice(len(STATUSES), p=STATUS_WEIGHTS, size=n),
        error=rng.integers(0, len(ERRORS), size=n), ptok=rng.integers(20, 2000, size=n),
        ctok=rng.integers(10, 1500, size=n), latency=latency,
        first=(latency * rng.uniform(0.05, 0.4, size=n)).astype(int),
        pick_p=rng.integers(0, len(prompts), size=n),
        pick_r=rng.integers(0, len(responses), size=n),
        conv=rng.integers(1, conversations + 1, size=n), rare=rng.random(size=n) < 1 / 50_000,
    )


def interaction_lines(
    d: Draws, start: int, stop: int, owners: np.ndarray
) -> Iterator[str]:
    """Rows start..stop in COPY text format, in chunks (so the server loads one chunk while
    the next is generated)."""
    out = io.StringIO()
    for i in range(start, stop):
        if i > start and (i - start) % CHUNK_ROWS == 0:
            yield out.getvalue()
            out = io.StringIO()
        s = STATUSES[d.status[i]]
        prompt = d.prompts[d.pick_p[i]] + (f" {RARE_WORD}" if d.rare[i] else "")
        if s == "pending":
            usage = "\\N\t\\N\t\\N\t\\N\t\\N"
            response = err = "\\N"
        else:
            m = d.model[i]
            price = PRICES[m]
            ptok, ctok, latency = d.ptok[i], d.ctok[i], d.latency[i]
            cost = "\\N" if price is None else f"{ptok * price[0] + ctok * price[1]:.8g}"
            usage = f"{ptok}\t{ctok}\t{cost}\t{latency}\t{d.first[i]}"
            response = "\\N" if s == "error" else d.responses[d.pick_r[i]]
            err = ERRORS[d.error[i]] if s == "error" else "\\N"
            if s == "error":
                usage = f"{ptok}\t0\t{cost}\t{latency}\t\\N"
        out.write(f"{owners[d.conv[i]]}\t{d.conv[i]}\t{d.stamps[i]}+00\t{MODELS[d.model[i]]}\t"
                  f"{prompt}\t{response}\t{s}\t{err}\t{usage}\n")
    yield out.getvalue()


def copy_part(engine: Engine, d: Draws, start: int, stop: int, owners: np.ndarray) -> None:
    """COPY rows start..stop over a connection of its own, one COPY statement per chunk, and
    commit. The rollup trigger runs once per statement over that statement's rows: chunks
    small enough for work_mem keep its transition table in memory (one COPY of millions of
    rows spilled them all to temporary files, then aggregated them in one go)."""
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            cursor.execute(f"SET work_mem = '{TRIGGER_WORK_MEM}'")
            for chunk in interaction_lines(d, start, stop, owners):
                with cursor.copy(
                    "COPY interactions (user_id, conversation_id, created_at, model, prompt, "
                    "response, status, error, prompt_tokens, completion_tokens, cost_usd, "
                    "latency_ms, first_token_ms) FROM STDIN"
                ) as copy:
                    copy.write(chunk)
        raw.commit()
    finally:
        raw.close()


def _copy_in_parallel(engine: Engine, n: int, conversations: int, owners: np.ndarray) -> None:
    """Load n rows as PARALLEL_COPIES contiguous time ranges, each over its own connection.

    The server parses each row's search_vector as it is inserted: one COPY per core parses
    in parallel. Contiguous ranges share rollup rows for one day at most.
    """
    d = draw(n, conversations)
    bounds = [n * k // PARALLEL_COPIES for k in range(PARALLEL_COPIES + 1)]
    with ThreadPoolExecutor(PARALLEL_COPIES) as pool:
        for done in [pool.submit(copy_part, engine, d, a, b, owners)
                     for a, b in itertools.pairwise(bounds)]:
            done.result()


def bench_users(cursor: Any, users: int) -> list[int]:
    """The ids of `users` bench users (made if missing); the local user when `users` is 0."""
    if users <= 0:
        return [LOCAL_USER_ID]
    cursor.execute("INSERT INTO users (email) SELECT 'user' || g || '@bench' "
                   "FROM generate_series(1, %s) g ON CONFLICT (email) DO NOTHING", (users,))
    cursor.execute("SELECT id FROM users WHERE email LIKE 'user%%@bench' "
                   "AND split_part(substr(email, 5), '@', 1)::int <= %s ORDER BY id", (users,))
    return [row[0] for row in cursor.fetchall()]


def seed(engine: Engine, n: int, *, reset: bool = True, users: int = 0) -> dict[str, float]:
    """Load `n` interactions (spread over `users` bench users, or the local user's when 0);
    returns the seconds each phase took (all of it is seeding)."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    conversations = max(1, n // 8)
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            if reset:
                cursor.execute("TRUNCATE interactions, conversations RESTART IDENTITY CASCADE")
            ids = bench_users(cursor, users)
            # Conversation c belongs to ids[c % len(ids)], and so do its interactions.
            owners = np.array(ids)[np.arange(conversations + 1) % len(ids)]
            cursor.execute("INSERT INTO conversations (title, user_id) "
                           "SELECT 'Bench chat ' || g, (%s::int[])[g %% %s + 1] "
                           "FROM generate_series(1, %s) g", (ids, len(ids), conversations))
            # Building the GIN index once after the load is far cheaper than updating it
            # row by row; it is rebuilt before this function returns and timed with it.
            cursor.execute("DROP INDEX IF EXISTS ix_interactions_fts")
        raw.commit()
        step = time.perf_counter()
        try:
            _copy_in_parallel(engine, n, conversations, owners)
            timings["generate + copy + rollup triggers"] = time.perf_counter() - step
        finally:
            # Even after a failed load the table must keep its search index.
            step = time.perf_counter()
            with raw.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '1GB'")
                # PostgreSQL 18 builds GIN indexes in parallel; older servers ignore this.
                cursor.execute("SET max_parallel_maintenance_workers = 2")
                cursor.execute(CREATE_SEARCH_INDEX)
            raw.commit()
            timings["search index"] = time.perf_counter() - step
        step = time.perf_counter()
        raw.driver_connection.autocommit = True
        with raw.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE interactions")
            cursor.execute("VACUUM ANALYZE conversations")
            cursor.execute("VACUUM ANALYZE interaction_rollup")
            cursor.execute("VACUUM ANALYZE interaction_latency_rollup")
        timings["vacuum analyze"] = time.perf_counter() - step
    finally:
        raw.close()
    timings["total"] = time.perf_counter() - started
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--keep", action="store_true", help="add to existing rows")
    parser.add_argument("--users", type=int, default=0,
                        help="spread the rows over this many bench users")
    parser.add_argument("--url", default=os.environ.get("DATABASE_URL"),
                        help="the database to seed (default: DATABASE_URL)")
    args = parser.parse_args()
    if not args.url:
        parser.error("give --url or set DATABASE_URL")
    engine = make_engine(normalize_url(args.url))
    migrate.upgrade(engine)
    for phase, seconds in seed(engine, args.n, reset=not args.keep, users=args.users).items():
        print(f"{phase:>36}: {seconds:6.1f} s")


if __name__ == "__main__":
    main()
