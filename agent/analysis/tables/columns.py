"""Per-column results of a scan: the kind of each column and the `columns` DataFrame."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from agent.analysis.tables.scan import Scan, is_missing
from agent.analysis.tables.sql import Column

KINDS = ("numeric", "boolean", "datetime", "categorical", "text", "id")
BOOLEAN_WORDS = {"true", "false", "yes", "no", "y", "n", "t", "f", "on", "off", "oui", "non",
                 "ja", "nein", "si"}
TEXT_MEAN_LENGTH = 25
SHOWN_TOP_VALUES = 5
_ID_NAME = re.compile(r"(^|[_\s.-])(id|uuid|guid|key)$|^(id|uuid|guid)|[a-z]Id$", re.IGNORECASE)
_UUID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$", re.I)

COLUMNS = ["column", "kind", "dtype", "count", "missing", "missing_share", "distinct",
           "distinct_share", "min", "max", "mean", "std", "p25", "p50", "p75", "zeros", "skew",
           "outliers", "first", "last", "min_length", "max_length", "mean_length",
           "numeric_share", "top_values", "histogram", "infinite"]


def column_frame(scan: Scan) -> pd.DataFrame:
    """One row per profiled column with the stats that fit its kind, all from the full file."""
    rows = [_column_row(scan, col) for col in scan.columns]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for name in ("first", "last"):
        frame[name] = pd.to_datetime(frame[name], utc=True).dt.tz_localize(None)
    return frame


def value_counts(scan: Scan, col: Column) -> list[tuple[str, int]]:
    """(value, count) pairs, most frequent first, for text and boolean columns."""
    a = f"c{col.index}"
    if f"{a}_values" in scan.second:
        counts = scan.second[f"{a}_values"] or {}
    elif col.family == "boolean":
        counts = {True: scan.second[f"{a}_v0"], False: scan.second[f"{a}_v1"]}
    else:
        counts = scan.second.get(f"{a}_top_counts") or {}
    pairs = [(_label(value), int(n)) for value, n in counts.items() if value is not None and n]
    return sorted(pairs, key=lambda pair: (-pair[1], pair[0]))


def histogram(scan: Scan, col: Column) -> tuple[list[float], list[int]] | None:
    """Bin edges and counts for numeric and datetime columns (epoch microseconds for times)."""
    bins = scan.bins.get(col.index)
    if bins is None:
        return None
    counts = [0] * bins.count
    for index, n in (scan.second.get(f"c{col.index}_hist") or {}).items():
        if index is not None:
            counts[max(0, min(int(index), bins.count - 1))] += int(n)
    return bins.edges(), counts


def infer_kind(name: str, family: str, stats: dict[str, Any]) -> str:
    """Kind from the DuckDB type family, refined by distinct counts, lengths and value shapes."""
    count, distinct = stats["count"], stats["distinct"]
    unique = count > 1 and distinct == count
    top = [str(v) for v in stats.get("top") or []]
    if family == "boolean":
        return "boolean"
    if family == "temporal":
        return "datetime"
    if family == "integer":
        return "id" if unique and _ID_NAME.search(name) else "numeric"
    if family == "float":
        return "numeric"
    if 0 < distinct <= 2 and all(v.strip().lower() in BOOLEAN_WORDS for v in top):
        return "boolean"
    looks_like_ids = bool(top) and all(_UUID.match(v) for v in top)
    if unique and (_ID_NAME.search(name) or looks_like_ids):
        return "id"
    if (stats.get("mean_length") or 0) >= TEXT_MEAN_LENGTH and distinct > count / 2:
        return "text"
    return "categorical"


def _column_row(scan: Scan, col: Column) -> dict[str, Any]:
    """The stats row of one column."""
    first, second, a = scan.first, scan.second, f"c{col.index}"
    rows, count = int(first["n_rows"]), int(first[f"{a}_count"])
    counts = value_counts(scan, col)
    distinct = _distinct(scan, col, counts)
    row: dict[str, Any] = {
        "column": col.name,
        "dtype": col.duck_type,
        "count": count,
        "missing": rows - count,
        "missing_share": (rows - count) / rows if rows else 0.0,
        "distinct": distinct,
        "distinct_share": distinct / count if count else 0.0,
    }
    stats = {"count": count, "distinct": distinct, "top": first.get(f"{a}_top"),
             "mean_length": first.get(f"{a}_mean_length")}
    row["kind"] = infer_kind(col.name, col.family, stats)
    if col.family in ("integer", "float"):
        q = first[f"{a}_q"] or [None, None, None]
        row |= {"min": first[f"{a}_min"], "max": first[f"{a}_max"],
                "mean": second[f"{a}_mean"], "std": second[f"{a}_std"],
                "p25": q[0], "p50": q[1], "p75": q[2], "zeros": first[f"{a}_zeros"],
                "skew": second[f"{a}_skew"], "outliers": second.get(f"{a}_outliers"),
                "infinite": first.get(f"{a}_inf", 0)}
    elif col.family == "temporal":
        row |= {"first": first[f"{a}_first"], "last": first[f"{a}_last"]}
    elif col.family == "boolean":
        row["mean"] = first[f"{a}_mean"]
    else:
        row |= {"min_length": first[f"{a}_min_length"], "max_length": first[f"{a}_max_length"],
                "mean_length": first[f"{a}_mean_length"],
                "numeric_share": first[f"{a}_numeric"] / count if count else None}
    row["top_values"] = [value for value, _ in counts[:SHOWN_TOP_VALUES]]
    hist = histogram(scan, col)
    row["histogram"] = hist[1] if hist else [n for _, n in counts[:SHOWN_TOP_VALUES * 2]]
    return {key: (None if is_missing(value) else value) for key, value in row.items()}


def _distinct(scan: Scan, col: Column, counts: list[tuple[str, int]]) -> int:
    """Exact where it was computed or every value was counted, else DuckDB's HyperLogLog."""
    a = f"c{col.index}"
    exact = scan.second.get(f"{a}_distinct")
    if exact is not None:
        return int(exact)
    if f"{a}_values" in scan.second or col.family == "boolean":
        return len(counts)
    return min(int(scan.first[f"{a}_approx"]), int(scan.first[f"{a}_count"]))


def _label(value: object) -> str:
    """A value as shown in top-value lists (booleans lower-case like in the CSV)."""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
