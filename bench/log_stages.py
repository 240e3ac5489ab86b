"""Where analyze_log spends its CPU: seconds per stage on one log, every stage run serially.

    .venv/bin/python bench/log_stages.py [PATH] [--repeat N]

PATH defaults to the dev mix bench_logs builds (bench/.data/loghub_100mb.log). The chunks are
parsed one after the other in this thread (analyze_log runs two at once), so each stage's CPU
seconds (all threads: polars runs its own) are its own; a stage called inside another counts
only in the inner one. With --repeat N the median of N runs is shown, with the range.
"""

from __future__ import annotations

import functools
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import agent.analysis.logs as logs  # noqa: E402
from agent.analysis.logs import formats, parse  # noqa: E402
from agent.analysis.logs.parse import ParsedLog  # noqa: E402
from agent.analysis.logs.read import ReadState, iter_chunks  # noqa: E402

DEFAULT = Path(__file__).resolve().parent / ".data" / "loghub_100mb.log"

# (owner, attribute, stage): the functions timed, by the name a reader knows the stage by.
STAGES = [
    (parse, "split_chunk", "lines: split a chunk into lines"),
    (parse, "detect_format", "formats: detect (first chunks)"),
    (ParsedLog, "_adopt", "formats: adopt (timestamp layout)"),
    (parse, "starts_record", "header: match test"),
    (formats, "starts_record", "header: match test"),
    (parse, "split_lines", "header: split fields (captures)"),
    (formats, "split_lines", "header: split fields (captures)"),
    (ParsedLog, "_extract", "fields: timestamps and levels"),
    (parse, "label_messages", "messages: mask distinct"),
    (ParsedLog, "finish", "finish: continuations, years"),
    (parse, "assign_templates", "finish: templates"),
    (logs, "_build_report", "report: aggregates, pandas"),
]


class Clock:
    """Exclusive CPU seconds per stage: an inner stage's time is taken out of the outer one."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self.stack: list[list[Any]] = []

    def wrap(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        """fn, timed as stage."""

        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            frame = [stage, time.process_time(), 0.0]
            self.stack.append(frame)
            try:
                return fn(*args, **kwargs)
            finally:
                self.stack.pop()
                total = time.process_time() - frame[1]
                self.spent[stage] += total - frame[2]
                if self.stack:
                    self.stack[-1][2] += total

        return timed


def run(path: Path) -> dict[str, float]:
    """One serial analysis of path; CPU seconds per stage, with read and the total."""
    clock = Clock()
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in STAGES]
    for owner, name, stage in STAGES:
        setattr(owner, name, clock.wrap(stage, getattr(owner, name)))
    try:
        start = time.process_time()
        state, parsed = ReadState(), ParsedLog()
        chunks = iter_chunks(path, state)
        while True:
            before = time.process_time()
            chunk = next(chunks, None)
            clock.spent["lines: read the file"] += time.process_time() - before
            if chunk is None:
                break
            parsed.add(*parsed.prepare(chunk, state), state)
        records = parsed.finish(state)
        logs._build_report(parsed.format_name, records, parsed.joined, parsed.templates, state)
        clock.spent["TOTAL"] = time.process_time() - start
    finally:
        for owner, name, fn in saved:
            setattr(owner, name, fn)
    named = sum(v for k, v in clock.spent.items() if k != "TOTAL")
    clock.spent["other (glue in parse.py)"] = clock.spent["TOTAL"] - named
    return clock.spent


def main() -> None:
    """Print the median CPU seconds per stage over the runs asked for."""
    args = sys.argv[1:]
    repeat = 1
    if "--repeat" in args:
        at = args.index("--repeat")
        repeat = int(args[at + 1])
        del args[at : at + 2]
    path = Path(args[0]) if args else DEFAULT
    runs = [run(path) for _ in range(repeat)]
    size = path.stat().st_size / 1e6
    print(f"{path.name}  {size:.1f} MB  CPU seconds per stage, serial, median of {repeat}")
    stages = sorted(runs[0], key=lambda k: (k == "TOTAL", -runs[0][k]))
    for stage in stages:
        values = sorted(r.get(stage, 0.0) for r in runs)
        spread = f"  [{values[0]:.2f}-{values[-1]:.2f}]" if repeat > 1 else ""
        print(f"  {stage:36s} {statistics.median(values):6.2f}{spread}")


if __name__ == "__main__":
    main()
