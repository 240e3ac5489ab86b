"""Docs index: full-environment index time, re-index time, search latency, retrieval hit rate,
and check_code's findings on the project's own code (targets: 120 s, 5 s, 50 ms, 90%, 0).

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_docs .venv/bin/python \
        -m bench.bench_docs [--keep] [--index-only]

The docs tables of that database are emptied first (unless --keep, which times a re-index of
what is there); --index-only stops after the two indexing runs. Each indexing run prints
wall seconds, CPU seconds of this process and its children, and the load average. The peer
for search is PostgreSQL's own ranking (`ts_rank_cd` over the same index, no IDF, no name
matching), run on the same questions.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import delete, text

from agent.docs import check_code, index_environment, search_docs
from db import migrate
from db.engine import make_engine, make_sessionmaker, normalize_url
from db.models import DocSource
from tests.docs_questions import QUESTIONS, answers

ROOT = Path(__file__).resolve().parent.parent
EXTRA_QUERIES = [
    "how do I validate a one-to-one merge in pandas", "which Streamlit command shows a chat input",
    "DataFrame.merge", "read a csv file into a dataframe", "create an engine from a URL",
    "execute a select statement with a session", "plot a line chart with plotly express",
    "sum of array elements over an axis",
]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def cpu() -> float:
    """CPU seconds (user + sys) of this process and of its finished children (workers,
    inspection subprocesses); the database server's own work is not included."""
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


def peer_search(session, query: str, k: int) -> list[str]:
    """PostgreSQL's own ranking over the same tsvector: plainto_tsquery OR-ed, ts_rank_cd."""
    rows = session.execute(text(
        "WITH q AS (SELECT replace(plainto_tsquery('english', translate(:q, '.', ' '))::text, "
        "' & ', ' | ')::tsquery AS q) SELECT qualname FROM doc_objects, q "
        "WHERE tsv @@ q.q ORDER BY ts_rank_cd(tsv, q.q) DESC LIMIT :k"), {"q": query, "k": k})
    return [r[0] for r in rows]


def backend_cpu(session) -> float | None:
    """CPU seconds used so far by this session's PostgreSQL backend, when the server runs on
    this machine (read from /proc); None otherwise."""
    pid = session.scalar(text("SELECT pg_backend_pid()"))
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu(before: float | None, after: float | None) -> str:
    """The backend's CPU seconds between two readings, as printed."""
    if before is None or after is None:
        return ""
    return f", database backend {after - before:.1f} s CPU"


def timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def timed_cpu(action) -> tuple[float, float, object]:
    """Wall seconds, CPU seconds (self and children) and the result of `action`."""
    before = cpu()
    seconds, result = timed(action)
    return seconds, cpu() - before, result


def main() -> None:
    url = normalize_url(os.environ["DATABASE_URL"])
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = make_sessionmaker(engine)
    if "--keep" not in sys.argv:
        with sessions() as session:
            session.execute(delete(DocSource))
            session.commit()
    print(f"load average before: {load()}", flush=True)
    with sessions() as session:
        # The session keeps one pooled connection, so one backend does all the writes.
        start = backend_cpu(session)
        seconds, used, report = timed_cpu(lambda: index_environment(session))
        middle = backend_cpu(session)
        spent = server_cpu(start, middle)
        print(f"full index: {seconds:.1f} s wall, {used:.1f} s CPU{spent}, {len(report.indexed)} "
              f"packages read, {len(report.unchanged)} unchanged, {report.objects:,} objects, "
              f"failed: {sorted(report.failed) or 'none'} (load {load()})", flush=True)
        again, used, second = timed_cpu(lambda: index_environment(session))
        spent = server_cpu(middle, backend_cpu(session))
        print(f"re-index, nothing changed: {again:.2f} s wall, {used:.2f} s CPU{spent}, "
              f"{len(second.indexed)} read (load {load()})", flush=True)
        if "--index-only" in sys.argv:
            return
        total = session.scalar(text("SELECT count(*) FROM doc_objects"))
        size = session.scalar(text("SELECT pg_total_relation_size('doc_objects')"))
        print(f"index: {total:,} objects, {size / 1e6:.0f} MB on disk")
        ours_ok = peer_ok = 0
        ours_ms: list[float] = []
        peer_ms: list[float] = []
        for question, expected in QUESTIONS:
            for _ in range(2):  # the second run is the warm one measured
                spent, hits = timed(lambda q=question: search_docs(session, q, k=5))
            ours_ms.append(spent * 1000)
            ours_ok += any(answers(h.qualname, expected) for h in hits)
            spent, names = timed(lambda q=question: peer_search(session, q, 5))
            peer_ms.append(spent * 1000)
            peer_ok += any(answers(n, expected) for n in names)
        for query in EXTRA_QUERIES:
            spent, hits = timed(lambda q=query: search_docs(session, q, k=5))
            ours_ms.append(spent * 1000)
            print(f"  {spent * 1000:5.1f} ms  {query!r}: "
                  + ", ".join(h.citation for h in hits[:3]))
        n = len(QUESTIONS)
        print(f"{'':28} {'ours':>10} {'peer (ts_rank_cd)':>18}")
        print(f"{'retrieval top-5 hit rate':28} {ours_ok / n:>10.0%} {peer_ok / n:>18.0%}")
        for label, fn in (("search median (ms)", statistics.median),
                          ("search p95 (ms)", lambda v: sorted(v)[int(len(v) * 0.95)])):
            print(f"{label:28} {fn(ours_ms):>10.1f} {fn(peer_ms):>18.1f}")
        files = [p for d in ("agent", "db", "ui", "pages", "api", "tests", "bench")
                 for p in (ROOT / d).rglob("*.py")] + list(ROOT.glob("*.py"))
        spent, found = timed(lambda: {str(p.relative_to(ROOT)): check_code(session, p.read_text())
                                      for p in files})
        findings = {where: f for where, f in found.items() if f}
        print(f"check_code on {len(files)} project files: {sum(map(len, findings.values()))} "
              f"findings in {spent:.1f} s")
        for where, items in findings.items():
            for finding in items:
                print(f"  {where}:{finding.line}: {finding.message}")
    print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
