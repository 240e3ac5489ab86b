"""CPU seconds of each stage of analyze_log on one file: where the time goes.

    profile_logs.py FILE [FILE ...]

With one worker the stages never overlap, so the process's CPU seconds (all threads, polars'
pool included) taken around each stage belong to it: parsing (header split, timestamps,
levels), masking (label_messages: masking the distinct messages of each chunk), clustering
(cluster_templates), the rest of assign_templates and finish, and the report (aggregates and
pandas conversion). Totals run a little above analyze_log's with two workers, which overlap
reading and parsing; the shares are what to compare. Use bench_logs for speed figures.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import agent.analysis.logs as logs  # noqa: E402
from agent.analysis.logs import parse  # noqa: E402


def cpu() -> float:
    """User and system CPU seconds of this process, all threads."""
    return sum(os.times()[:2])


def timed(spent: dict[str, float], label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """fn, adding the CPU seconds of each call to spent[label]."""

    def inner(*args: Any, **kwargs: Any) -> Any:
        start = cpu()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + cpu() - start

    return inner


def profile(path: Path) -> None:
    """Run analyze_log once on path with each stage timed, and print the stages."""
    spent: dict[str, float] = {}
    saved = (logs.WORKERS, parse.ParsedLog._parse, parse.label_messages)
    saved += (parse.cluster_templates, parse.assign_templates, parse.ParsedLog.finish)
    logs.WORKERS = 1
    parse.ParsedLog._parse = timed(spent, "parse", parse.ParsedLog._parse)  # type: ignore[method-assign]
    parse.label_messages = timed(spent, "mask", parse.label_messages)
    parse.cluster_templates = timed(spent, "cluster", parse.cluster_templates)
    parse.assign_templates = timed(spent, "assign", parse.assign_templates)
    finish = timed(spent, "finish", parse.ParsedLog.finish)

    def finish_apart(*args: Any, **kwargs: Any) -> Any:
        # finish masks the records without a header: that part counts as masking only.
        before = spent.get("mask", 0.0)
        try:
            return finish(*args, **kwargs)
        finally:
            spent["mask in finish"] = spent.get("mask", 0.0) - before

    parse.ParsedLog.finish = finish_apart  # type: ignore[method-assign]
    try:
        start, wall = cpu(), time.perf_counter()
        report = logs.analyze_log(path)
        total, wall = cpu() - start, time.perf_counter() - wall
    finally:
        logs.WORKERS, parse.ParsedLog._parse, parse.label_messages = saved[:3]
        parse.cluster_templates, parse.assign_templates, parse.ParsedLog.finish = saved[3:]
    # finish calls label_messages again for headerless records, and assign_templates, which
    # calls cluster_templates: each stage is shown without the ones inside it.
    finish_alone = spent["finish"] - spent["mask in finish"]
    stages = {
        "parse (headers, times, levels)": spent["parse"],
        "mask (label_messages)": spent["mask"],
        "cluster (cluster_templates)": spent["cluster"],
        "assign_templates, rest": spent["assign"] - spent["cluster"],
        "finish, rest": finish_alone - spent["assign"],
        "report and the rest": total - spent["parse"] - spent["mask"] - finish_alone,
    }
    megabytes = path.stat().st_size / 1e6
    print(
        f"{path.name}: {megabytes:.1f} MB, {len(report.records):,} records, "
        f"{len(report.templates):,} templates; cpu {total:.2f} s, wall {wall:.2f} s, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    for stage, seconds in stages.items():
        print(f"  {stage:32} {seconds:6.2f} s  {seconds / total:5.0%}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit("usage: profile_logs.py FILE [FILE ...]")
    for name in sys.argv[1:]:
        profile(Path(name))
