"""Docs search on an index that is already built: top-5 hit rate on the tuned questions and
on the held-out, fresh and study ones, and latency (median and p95, wall and CPU) over all.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_docs .venv/bin/python \
        -m bench.bench_docs_search [--misses] [--rounds N] [--unseen]

Build the index first (bench/bench_docs.py, or `agent.docs.index_environment`). Every
question is asked once to warm the caches, then `--rounds` times (default 3) measured.
CPU is this process's (user+sys) plus the database backend's, read from /proc when the
server runs on this machine. `--misses` lists the tuned and study questions missed, with the
top 5 and where the answer ranks among the first 100 (order) or that it is not there (recall);
held-out and fresh questions are only ever counted, never listed, so nobody tunes on them.
`--unseen` also counts the hits on tests/docs_unseen.py's UNSEEN, asked once and left out of
the latency figures (so those stay comparable with runs without it); never listed either.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from agent.docs import search_docs
from db.engine import make_engine, make_sessionmaker, normalize_url
from tests.docs_questions import FRESH, HELD_OUT, HELD_OUT_SECOND, QUESTIONS, STUDY, answers
from tests.docs_unseen import UNSEEN

TICKS = os.sysconf("SC_CLK_TCK")
DEEP = 100


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def backend_cpu(pid: int | None) -> float:
    """CPU seconds (user+sys) of the database backend serving this session, 0 if unknown."""
    stat = Path(f"/proc/{pid}/stat")
    if pid is None or not stat.exists():
        return 0.0
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 3
    sessions = make_sessionmaker(make_engine(normalize_url(os.environ["DATABASE_URL"])))
    second = {q for q, _ in HELD_OUT_SECOND}
    questions = [(q, e, "tuned") for q, e in QUESTIONS] + [
        (q, e, "held") for q, e in HELD_OUT] + [(q, e, "fresh") for q, e in FRESH] + [
        (q, e, "study") for q, e in STUDY]
    print(f"load average before: {load()}", flush=True)
    with sessions() as session:
        total = session.scalar(text("SELECT count(*) FROM doc_objects"))
        packages = session.scalar(text("SELECT count(*) FROM doc_sources"))
        print(f"index: {packages} sources, {total:,} objects")
        pid = session.scalar(text("SELECT pg_backend_pid()"))
        found = {kind: 0 for kind in ("tuned", "held", "second", "fresh", "study",
                                              "unseen")}
        misses: list[tuple[str, list[str]]] = []
        for question, expected, kind in questions:  # warm-up round, also the hit rate
            hits = search_docs(session, question, k=5)
            if any(answers(h.qualname, expected) for h in hits):
                found[kind] += 1
                found["second"] += question in second
            elif kind in ("tuned", "study"):
                misses.append((question, [h.qualname for h in hits] + [deep_rank(
                    session, question, expected) if "--misses" in sys.argv else ""]))
        if "--unseen" in sys.argv:
            found["unseen"] = sum(
                any(answers(h.qualname, expected) for h in search_docs(session, question, k=5))
                for question, expected in UNSEEN)
        wall: list[float] = []
        cpu_own, cpu_db = own_cpu(), backend_cpu(pid)
        for _ in range(rounds):
            for question, _expected, _kind in questions:
                started = time.perf_counter()
                search_docs(session, question, k=5)
                wall.append((time.perf_counter() - started) * 1000)
        cpu_own, cpu_db = own_cpu() - cpu_own, backend_cpu(pid) - cpu_db
        report(session, found, misses, wall, cpu_own, cpu_db, len(questions) * rounds)
    print(f"load average after: {load()}")


def deep_rank(session: Session, question: str, expected: tuple[str, ...]) -> str:
    """Where a missed answer ranks among the first `DEEP`: an order problem, or (beyond)
    a recall one, which a better order cannot fix."""
    hits = search_docs(session, question, k=DEEP)
    rank = next((i for i, h in enumerate(hits, 1) if answers(h.qualname, expected)), None)
    return f"(answer at {rank})" if rank else f"(answer not in the first {DEEP})"


def report(session: Session, found: dict[str, int], misses: list[tuple[str, list[str]]],
           wall: list[float], cpu_own: float, cpu_db: float, searches: int) -> None:
    del session
    print(f"top-5 hit rate, tuned questions:    {found['tuned'] / len(QUESTIONS):.0%} "
          f"({found['tuned']}/{len(QUESTIONS)})")
    print(f"top-5 hit rate, held-out questions: {found['held'] / len(HELD_OUT):.0%} "
          f"({found['held']}/{len(HELD_OUT)})")
    print(f"top-5 hit rate, fresh questions:    {found['fresh'] / len(FRESH):.0%} "
          f"({found['fresh']}/{len(FRESH)})")
    print(f"top-5 hit rate, study questions:    {found['study'] / len(STUDY):.0%} "
          f"({found['study']}/{len(STUDY)})")
    first = found["held"] - found["second"]
    print(f"  of which written first:           {first}/{len(HELD_OUT) - len(HELD_OUT_SECOND)}, "
          f"written in the second round:  {found['second']}/{len(HELD_OUT_SECOND)}")
    if "--unseen" in sys.argv:
        print(f"top-5 hit rate, unseen questions:   {found['unseen'] / len(UNSEEN):.0%} "
              f"({found['unseen']}/{len(UNSEEN)})")
    print(f"search wall ms over {searches} searches: median {statistics.median(wall):.1f}, "
          f"p95 {percentile(wall, 0.95):.1f}, max {max(wall):.1f}")
    print(f"search CPU ms per search: app {cpu_own * 1000 / searches:.1f}, "
          f"database backend {cpu_db * 1000 / searches:.1f}")
    if "--misses" in sys.argv:
        for question, top in misses:
            print(f"  missed: {question!r} {top[-1]}\n          {', '.join(top[:-1])}")


if __name__ == "__main__":
    main()
