"""Save, or compare, what analyze_log returns on the shared logs: a guard for speed work.

`save DIR` writes, for every LogHub dev file, every lnav-format file and the first 40 MB of each
bench mix (bench/.data/*_100mb.log, built as bench_logs builds them when missing, cut here at a
line break), the records (line, timestamp, level, level_inferred, component, message), the
template partition (each record's template numbered by its first record, and the template
text), the top errors, the timeline, the stack traces, the format and the warnings.
`compare OLD NEW` names every input whose output differs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent.analysis.logs import LogAnalysisError, analyze_log  # noqa: E402
from bench.bench_logs import BUILDERS, mix_file  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / ".data"
SLICE_BYTES = 40_000_000
PARTS = ("records", "templates", "top_errors", "timeline", "stack_traces")


def inputs() -> list[Path]:
    """The shared logs, then a 40 MB slice of each bench mix (made once, from its start)."""
    # bench_logs times the distinct mix at smaller sizes by default: its 100 MB file may not
    # be there yet.
    for mix in (mix_file(name, 100) for name in BUILDERS):
        part = DATA / mix.name.replace("_100mb", "_40mb")
        if not part.exists():
            with mix.open("rb") as source:
                head = source.read(SLICE_BYTES)
            part.write_bytes(head[: head.rfind(b"\n") + 1])
    return (
        sorted(Path("/work/shared/data/loghub-dev").glob("*/*_2k.log"))
        + sorted(
            p
            for p in Path("/work/shared/data/log-formats").iterdir()
            if p.name.startswith("logfile_")
        )
        + sorted(DATA.glob("*_40mb.log"))
    )


def save(folder: Path) -> None:
    """Analyse every input and write its parts as parquet, its digest as JSON."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in inputs():
        try:
            report = analyze_log(path)
        except LogAnalysisError as exc:
            (folder / f"{path.name}.json").write_text(json.dumps({"error": str(exc)}))
            continue
        records = pl.from_pandas(report.records)
        # Template ids renumbered by first record: the partition, whatever the numbering.
        first = records.group_by("template_id").agg(pl.col("line").min().alias("first"))
        records = records.join(first, on="template_id", how="left", maintain_order="left")
        records = records.join(
            pl.from_pandas(report.templates[["template_id", "template"]]),
            on="template_id",
            how="left",
            maintain_order="left",
        ).drop("template_id")
        tables = {
            "records": records,
            "templates": pl.from_pandas(report.templates.drop(columns=["template_id"])),
            "top_errors": pl.from_pandas(report.top_errors.drop(columns=["template_id"])),
            "timeline": pl.from_pandas(report.timeline),
            "stack_traces": pl.from_pandas(report.stack_traces.astype(str)),
        }
        for part, table in tables.items():
            table.write_parquet(folder / f"{path.name}.{part}.parquet")
        digest = {
            "format": report.format,
            "warnings": report.warnings,
            "levels": report.level_counts,
            "bucket": report.bucket,
            "start": str(report.start),
            "end": str(report.end),
        }
        (folder / f"{path.name}.json").write_text(json.dumps(digest, indent=1))
        print(f"{path.name}: {len(records):,} records, {report.format}", flush=True)


def compare(old: Path, new: Path) -> int:
    """Print each input whose saved output differs; return how many differ."""
    differing = 0
    paths = inputs()
    for path in paths:
        name = path.name
        diffs = []
        if (old / f"{name}.json").read_text() != (new / f"{name}.json").read_text():
            diffs.append("digest")
        for part in PARTS:
            a, b = old / f"{name}.{part}.parquet", new / f"{name}.{part}.parquet"
            missing = a.exists() != b.exists()
            if missing or (a.exists() and not pl.read_parquet(a).equals(pl.read_parquet(b))):
                diffs.append(part)
        if diffs:
            differing += 1
            print(f"DIFFERS {name}: {', '.join(diffs)}")
    print(f"{len(paths) - differing} of {len(paths)} inputs identical")
    return differing


if __name__ == "__main__":
    if sys.argv[1:2] == ["save"]:
        save(Path(sys.argv[2]))
    elif sys.argv[1:2] == ["compare"]:
        sys.exit(1 if compare(Path(sys.argv[2]), Path(sys.argv[3])) else 0)
    else:
        raise SystemExit("usage: log_snapshot.py save DIR | compare OLD NEW")
