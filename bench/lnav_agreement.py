"""Print how often analyze_log's time and level agree with lnav 0.11.1 on the shared lnav files."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent.analysis.logs import analyze_log  # noqa: E402

DATA = Path("/work/shared/data/log-formats")


def _offset(text: object) -> pd.Timedelta | None:
    """'+03:30' as a Timedelta, None when the file names no zone."""
    if not isinstance(text, str) or not text:
        return None
    sign = -1 if text.startswith("-") else 1
    hours, minutes = text.lstrip("+-").split(":")
    return sign * pd.Timedelta(hours=int(hours), minutes=int(minutes))


def _same_time(ours: pd.Timestamp, lnav: pd.Timestamp, parts: str, offset: object) -> bool:
    """Equal to the second on the parts the file has; wall clock or UTC where a zone is given."""
    if pd.isna(ours):
        return False
    ours = ours.floor("s")
    candidates = [lnav.floor("s")]
    shift = _offset(offset)
    if shift is not None:
        candidates.append(candidates[0] - shift)
    if parts == "time-only":
        return any(ours.time() == c.time() for c in candidates)
    if parts == "no-year":
        return any(ours.replace(year=2000) == c.replace(year=2000) for c in candidates)
    return any(ours == c for c in candidates)


def file_agreement(name: str, expected: pd.DataFrame, info: pd.Series) -> dict[str, float]:
    """Share of lnav's records whose first line we also start a record on with its time/level."""
    records = analyze_log(DATA / name).records.set_index("line")
    times = levels = scored = 0
    for row in expected.itertuples():
        ours = records.loc[row.line] if row.line in records.index else None
        if ours is not None and _same_time(
            ours["timestamp"], pd.Timestamp(row.timestamp), info["date_parts"], info["utc_offset"]
        ):
            times += 1
        if isinstance(row.level, str):
            scored += 1
            levels += ours is not None and ours["level"] == row.level
    return {
        "records": len(expected),
        "time": times / len(expected),
        "level": levels / scored if scored else float("nan"),
        "scored": scored,
    }


def all_agreement(data: Path = DATA) -> pd.DataFrame:
    """One row per file: records, time agreement, level agreement."""
    reference = pd.read_csv(data / "reference.csv")
    files = pd.read_csv(data / "files.csv").set_index("file")
    rows = {
        name: file_agreement(name, group, files.loc[name])
        for name, group in reference.groupby("file", sort=False)
    }
    return pd.DataFrame(rows).T


def main() -> None:
    """Per-file agreement, then the record-weighted and per-file means."""
    table = all_agreement()
    pd.set_option("display.width", 120)
    print(table.to_string(float_format=lambda v: f"{v:.3f}"))
    weights = table["records"].astype(float)
    print(
        f"time  record-weighted {(table['time'] * weights).sum() / weights.sum():.3f}  "
        f"file mean {table['time'].mean():.3f}"
    )
    scored = table["scored"].astype(float)
    level = table["level"].fillna(0)
    print(
        f"level record-weighted {(level * scored).sum() / scored.sum():.3f}  "
        f"file mean {table['level'].mean():.3f}"
    )


if __name__ == "__main__":
    main()
