"""Side by side with ydata-profiling: alerts and wall time per file, on data sets from pip packages.

ydata-profiling runs in its own virtualenv (~/.cache/mini-agent-bench/ydata-venv, made here on
first use, outside the repository so no tool scans it; never in requirements*.txt) next to the
data-set packages; the data sets are written there as CSV and
both tools read the same files. Prints, per file: both wall times, ydata's alerts, ours, the
ones only ydata raised and the ones only we raised; then the share of ydata's alerts we raise.

    .venv/bin/python bench/bench_csv_ydata.py            # all files
    .venv/bin/python bench/bench_csv_ydata.py --reuse    # ydata's last results, ours re-run
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / ".data"
VENV = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "mini-agent-bench" / (
    "ydata-venv")
FILES = DATA / "real"
RESULTS = DATA / "ydata_results.jsonl"
PACKAGES = ["ydata-profiling==4.18.4", "seaborn==0.13.2", "vega_datasets==0.9.0",
            "scikit-learn==1.9.1", "statsmodels==0.15.0"]
SIDE = Path(__file__).parent / "ydata_side.py"


def ensure_venv() -> Path:
    """The bench virtualenv's python, created and filled on first use."""
    python = VENV / "bin" / "python"
    if not python.exists():
        sys.stdout.write(f"creating {VENV} with {', '.join(PACKAGES)}\n")
        venv.create(VENV, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PACKAGES], check=True)
    return python


def run_ydata(python: Path, files: list[Path]) -> dict[str, dict]:
    """ydata's alerts and seconds per file name, one subprocess for all files."""
    results: dict[str, dict] = {}
    with RESULTS.open("w") as out:
        proc = subprocess.Popen([str(python), str(SIDE), "profile", *map(str, files)],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert proc.stdout is not None
        for line in proc.stdout:
            out.write(line)
            out.flush()
            found = json.loads(line)
            results[found["file"]] = found
        proc.wait()
    return results


def run_ours(path: Path) -> tuple[float, set[tuple[str | None, str]]]:
    """Our profile's wall time and (column, kind) alerts."""
    from agent.analysis.tables import profile_csv

    start = time.perf_counter()
    profile = profile_csv(path)
    return time.perf_counter() - start, {(a.column, a.kind) for a in profile.alerts}


def _show(pairs: set[tuple[str | None, str]]) -> str:
    """Alerts as 'column:kind' in a stable order."""
    return ", ".join(f"{c if c is not None else '(table)'}:{k}"
                     for c, k in sorted(pairs, key=lambda p: (str(p[0]), p[1]))) or "-"


def main() -> None:
    """Make the venv and files if needed, run both, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reuse", action="store_true", help="reuse ydata's last results")
    parser.add_argument("names", nargs="*", help="only these files (stem names)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    python = ensure_venv()
    subprocess.run([str(python), str(SIDE), "export", str(FILES)], check=True)
    files = sorted(p for p in FILES.glob("*.csv") if not args.names or p.stem in args.names)
    sys.stdout.write(f"load average at start: {os.getloadavg()[0]:.2f}\n")
    if args.reuse and RESULTS.exists():
        theirs = {d["file"]: d for d in map(json.loads, RESULTS.read_text().splitlines())}
    else:
        theirs = run_ydata(python, files)
    total = hit = extra = 0
    for path in files:
        if path.name not in theirs:
            continue
        seconds, ours = run_ours(path)
        ydata = {(c, k) for c, k in theirs[path.name]["alerts"]}
        total, hit, extra = total + len(ydata), hit + len(ydata & ours), extra + len(ours - ydata)
        sys.stdout.write(
            f"\n== {path.name}: ydata {theirs[path.name]['seconds']:.1f} s, ours {seconds:.2f} s"
            f" (load {os.getloadavg()[0]:.2f})\n"
            f"  ydata:      {_show(ydata)}\n  ours:       {_show(ours)}\n"
            f"  only ydata: {_show(ydata - ours)}\n  only ours:  {_show(ours - ydata)}\n")
    share = hit / total if total else 1.0
    sys.stdout.write(f"\nydata alerts raised by us: {hit}/{total} ({share:.1%}); "
                     f"alerts only we raised: {extra}\n")


if __name__ == "__main__":
    main()
