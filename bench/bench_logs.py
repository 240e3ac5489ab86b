"""Time analyze_log against drain3 (defaults) on the same files, in one run; each in a child.

Two mixes: the LogHub dev files repeated (`dev`, few templates) and a synthetic mix of eight
header styles carrying 30,000 made-up templates (`distinct`, bench/distinct_mix.py). Name one
to run only that. Each mix is timed at one or more sizes; both tools run on each file, one after
the other, and a row per size prints wall and CPU seconds of each side by side with the ratios,
so the scaling of each shows:

    bench_logs.py                         dev at 100 MB, distinct at 5, 10 and 20 MB
    bench_logs.py distinct --mb 2,5       distinct only, at 2 and 5 MB
    bench_logs.py --repeat 5              analyze_log five times per file: median and spread

drain3 compares each line with the clusters it holds, so its time per line grows with the
distinct messages seen: it finishes the dev mix at 100 MB, but not the distinct mix (stopped
after 14 minutes), hence the smaller default sizes there. `--drain-timeout S` (default 1800)
stops drain3 after S wall seconds; the row then shows its time as a lower bound (`>`) and the
ratios as at least that. `--no-drain` leaves drain3 out, for quick loops while tuning; the
default keeps the two side by side. Files are built once, with the mix's own generator, into
bench/.data/ (a smaller file is the start of a larger one).

Wall time depends on the machine's load; CPU seconds (user + sys of the child, all threads)
are the steadier figure on a busy machine, so run under `nice -n 5` and compare CPU. With
`--repeat N` the row shows the median run by CPU and the spread (min-max) of analyze_log's
CPU and wall seconds: a change smaller than the spread is not measured. drain3 runs once per
file.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from distinct_mix import build_distinct  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = Path("/work/shared/data/loghub-dev")
FOLDER = ROOT / "bench" / ".data"
MB = 1024 * 1024
DEFAULT_SIZES = {"dev": [100], "distinct": [5, 10, 20]}
DRAIN_TIMEOUT = 1800.0

# Each child reports its own wall time, CPU time (all threads; steadier than wall time on a busy
# machine) and peak RSS (ru_maxrss is the child's high-water mark).
OURS = """
import json, os, resource, sys, time
sys.path.insert(0, {root!r})
from agent.analysis.logs import analyze_log
start, cpu = time.perf_counter(), sum(os.times()[:2])
report = analyze_log({path!r})
elapsed, cpu = time.perf_counter() - start, sum(os.times()[:2]) - cpu
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"seconds": elapsed, "cpu": cpu, "rss": rss, "records": len(report.records),
                  "templates": len(report.templates)}}))
"""
DRAIN = """
import json, os, resource, time
from drain3 import TemplateMiner
start, cpu = time.perf_counter(), sum(os.times()[:2])
miner = TemplateMiner()
with open({path!r}, encoding="utf-8", errors="replace") as lines:
    for line in lines:
        miner.add_log_message(line.rstrip("\\n"))
elapsed, cpu = time.perf_counter() - start, sum(os.times()[:2]) - cpu
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"seconds": elapsed, "cpu": cpu, "rss": rss, "records": 0,
                  "templates": len(miner.drain.clusters)}}))
"""


def build_log(path: Path, target_bytes: int) -> Path:
    """Concatenate the LogHub dev files (once) until the log reaches about target_bytes."""
    if path.exists() and path.stat().st_size >= target_bytes:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    parts = [p.read_bytes() for p in sorted(DATA.glob("*/*_2k.log"))]
    written = 0
    with path.open("wb") as out:
        while written < target_bytes:
            for part in parts:
                out.write(part if part.endswith(b"\n") else part + b"\n")
                written += len(part)
    return path


BUILDERS: dict[str, Callable[[Path, int], Path]] = {"dev": build_log, "distinct": build_distinct}
FILE_STEMS = {"dev": "loghub", "distinct": "distinct"}


def mix_file(mix: str, megabytes: int) -> Path:
    """The mix at that size, built on first use.

    The 100 MB files keep their names (log_snapshot cuts its slices from them); other sizes go
    in a folder per mix, so no size can take the name of one of those slices.
    """
    stem = FILE_STEMS[mix]
    if megabytes == 100:
        path = FOLDER / f"{stem}_100mb.log"
    else:
        path = FOLDER / stem / f"{megabytes}mb.log"
    return BUILDERS[mix](path, megabytes * MB)


def run_child(code: str, path: Path, timeout: float | None = None) -> dict[str, float]:
    """Run one measured job in a fresh interpreter and return its figures.

    Past timeout wall seconds the child is stopped; its figures are then what it had used
    (CPU from the kernel's account of the child) with "finished" false.
    """
    script = code.format(root=str(ROOT), path=str(path))
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        _, _, usage = os.wait4(child.pid, 0)
        return {
            "seconds": time.perf_counter() - start,
            "cpu": usage.ru_utime + usage.ru_stime,
            "rss": usage.ru_maxrss * 1024,
            "records": 0,
            "templates": 0,
            "finished": False,
        }
    if child.returncode:
        raise SystemExit(f"benchmark child failed:\n{err}")
    return {**json.loads(out.strip().splitlines()[-1]), "finished": True}


def main() -> None:
    """Each mix named (default both) at each size: our figures and drain3's side by side."""
    args = sys.argv[1:]
    drain = "--no-drain" not in args
    args = [a for a in args if a != "--no-drain"]
    options = {"--repeat": "1", "--mb": "", "--drain-timeout": str(DRAIN_TIMEOUT)}
    for option in options:
        if option in args:
            at = args.index(option)
            options[option] = args[at + 1]
            del args[at : at + 2]
    unknown = [name for name in args if name not in BUILDERS]
    if unknown:
        raise SystemExit(f"unknown mix {unknown[0]!r}; mixes: {', '.join(BUILDERS)}")
    repeat, timeout = int(options["--repeat"]), float(options["--drain-timeout"])
    for mix in args or list(BUILDERS):
        sizes = [int(s) for s in options["--mb"].split(",") if s] or DEFAULT_SIZES[mix]
        drain_runs = "drain3 once" if drain else "drain3 left out"
        print(f"{mix} mix; analyze_log runs {repeat}x per file (median by CPU), {drain_runs}")
        print(HEADER)
        for megabytes in sizes:
            compare(mix_file(mix, megabytes), repeat, timeout if drain else None)


HEADER = (
    "    MB  load   ours wall    cpu  (spread cpu / wall)      MB/s  RSS MB  templates | "
    "drain3 wall     cpu  RSS MB  templates | ratio wall   cpu"
)


def compare(path: Path, repeat: int, timeout: float | None) -> None:
    """Print one row: size, load, our time/throughput/RSS, drain3's, and the ratios.

    A timeout of None leaves drain3 out: the row ends after our figures.
    """
    megabytes = path.stat().st_size / 1e6
    load = os.getloadavg()[0]
    runs = sorted((run_child(OURS, path) for _ in range(repeat)), key=lambda run: run["cpu"])
    ours = runs[len(runs) // 2]
    cpus = [run["cpu"] for run in runs]
    walls = sorted(run["seconds"] for run in runs)
    spread = f"{cpus[0]:.2f}-{cpus[-1]:.2f} / {walls[0]:.2f}-{walls[-1]:.2f}"
    row = (
        f"{megabytes:6.1f} {load:5.1f} {ours['seconds']:10.2f} {ours['cpu']:6.2f}  "
        f"({spread:>24}) {megabytes / ours['seconds']:7.1f} {ours['rss'] / 1e6:7.0f} "
        f"{ours['templates']:10,.0f} |"
    )
    if timeout is None:
        print(row, flush=True)
    else:
        drain = run_child(DRAIN, path, timeout)
        bound = "" if drain["finished"] else ">"
        print(
            f"{row} {bound:>1}{drain['seconds']:10.2f} {bound:>1}{drain['cpu']:6.2f} "
            f"{drain['rss'] / 1e6:7.0f} {drain['templates'] if drain['finished'] else 0:10,.0f} | "
            f"{bound:>1}{drain['seconds'] / ours['seconds']:8.1f}x {bound:>1}"
            f"{drain['cpu'] / ours['cpu']:5.1f}x",
            flush=True,
        )
    if repeat > 2:
        print(f"{'':12} cpu stdev {statistics.stdev(cpus):.2f} s over {repeat} runs", flush=True)


if __name__ == "__main__":
    main()
