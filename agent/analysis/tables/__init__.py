"""Profile a CSV: full-file column stats with DuckDB, a pandas sample, alerts and charts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from agent.analysis.tables.alerts import Alert, column_alerts, duplicate_alert
from agent.analysis.tables.charts import (
    correlation_figure,
    distribution_figure,
    timeseries_figure,
)
from agent.analysis.tables.columns import column_frame, histogram, value_counts
from agent.analysis.tables.dialect import sniff_dialect
from agent.analysis.tables.load import CsvReader, connect
from agent.analysis.tables.scan import BadLine, Scan, full_frame, sample_frame, scan
from agent.analysis.tables.source import CsvInput, TableProfileError, prepare_csv

__all__ = [
    "Alert",
    "BadLine",
    "TableProfile",
    "TableProfileError",
    "correlation_figure",
    "distribution_figure",
    "profile_csv",
    "timeseries_figure",
]

DEFAULT_MEMORY_BUDGET = 256 << 20
MAX_SAMPLE_ROWS = 100_000
SUMMARY_BAD_LINES = 20

Progress = Callable[[float, str], None]


@dataclass
class TableProfile:
    """The profile of one CSV: data (or a sample), per-column stats, alerts, chart inputs."""

    frame: pd.DataFrame
    columns: pd.DataFrame
    rows: int
    column_count: int
    duplicate_rows: int
    memory_bytes: int
    file_bytes: int
    sampled: bool
    sample_rows: int
    delimiter: str
    encoding: str
    compression: str | None
    has_header: bool
    alerts: list[Alert] = field(default_factory=list)
    bad_lines: list[BadLine] = field(default_factory=list)
    bad_line_count: int = 0
    warnings: list[str] = field(default_factory=list)
    histograms: dict[str, tuple[list[float], list[int]]] = field(default_factory=dict)
    top_values: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    correlations: pd.DataFrame = field(default_factory=pd.DataFrame)
    timeseries: pd.DataFrame | None = None
    time_column: str | None = None
    time_unit: str | None = None

    def kind_of(self, column: str) -> str:
        """The inferred kind of a column."""
        return str(self.columns.set_index("column").at[column, "kind"])

    def summary(self) -> dict[str, Any]:
        """A JSON-serializable digest to store with the analysis."""
        return {
            "rows": self.rows,
            "columns": self.column_count,
            "duplicate_rows": self.duplicate_rows,
            "memory_bytes": self.memory_bytes,
            "file_bytes": self.file_bytes,
            "sampled": self.sampled,
            "sample_rows": self.sample_rows,
            "delimiter": self.delimiter,
            "encoding": self.encoding,
            "compression": self.compression,
            "has_header": self.has_header,
            "kinds": dict(zip(self.columns["column"], self.columns["kind"], strict=True)),
            "alerts": [alert.as_dict() for alert in self.alerts],
            "bad_line_count": self.bad_line_count,
            "bad_lines": [asdict(bad) for bad in self.bad_lines[:SUMMARY_BAD_LINES]],
            "warnings": list(self.warnings),
        }


def profile_csv(
    source: CsvInput,
    *,
    memory_budget_bytes: int = DEFAULT_MEMORY_BUDGET,
    progress: Progress | None = None,
) -> TableProfile:
    """Profile a CSV given as a path, bytes or a binary file object.

    Stats cover every row; `frame` holds all rows when the file fits memory_budget_bytes,
    else a random sample. Raises TableProfileError for input that is not a readable table.
    """
    report = progress or _ignore_progress
    report(0.0, "Preparing the file")
    with prepare_csv(source) as prepared:
        dialect = sniff_dialect(prepared.head)
        size = prepared.size_bytes
        sampled = size > memory_budget_bytes
        con = connect(prepared.tmp_dir)
        try:
            reader = CsvReader(prepared.path, dialect)
            # Row order costs memory on big files, whose frame is a random sample anyway.
            result = scan(con, reader, keep_order=not sampled, progress=report)
            report(0.9, "Picking the rows to show" if sampled else "Loading the data")
            if sampled:
                # Rows of CSV text that fit the budget, capped: a preview needs no more.
                rows = int(result.first["n_rows"])
                wanted = min(MAX_SAMPLE_ROWS, max(1, rows * memory_budget_bytes // size))
                frame = sample_frame(con, result, wanted)
            else:
                frame = full_frame(con, result.columns)
        finally:
            con.close()
        warnings = prepared.warnings + result.warnings
    report(0.95, "Looking for problems")
    profile = _build(result, frame, sampled, size, warnings)
    profile.delimiter, profile.encoding = dialect.delimiter, prepared.encoding
    profile.compression = prepared.compression
    report(1.0, "Done")
    return profile


def _build(
    result: Scan, frame: pd.DataFrame, sampled: bool, size: int, warnings: list[str]
) -> TableProfile:
    """Assemble the profile from the scan and the loaded frame."""
    rows = int(result.first["n_rows"])
    if not result.columns or (rows == 0 and not result.has_header):
        raise TableProfileError("The file holds no table: no columns could be read.")
    columns = column_frame(result)
    kinds = dict(zip(columns["column"], columns["kind"], strict=True))
    if rows == 0:
        warnings.append("The file has a header but no data rows.")
    if result.bad_line_count:
        warnings.append(
            f"{result.bad_line_count:,} lines could not be read (wrong number of fields or "
            "invalid characters) and were left out; see bad_lines."
        )
    if sampled:
        warnings.append(
            f"The file is larger than the memory budget: the data shown is a random sample of "
            f"{len(frame):,} rows; statistics cover all {rows:,} rows."
        )
    duplicates = int(result.second["dups"] or 0)
    per_row = frame.memory_usage(deep=True).sum() / max(len(frame), 1)
    profile = TableProfile(
        frame=frame,
        columns=columns,
        rows=rows,
        column_count=len(result.columns),
        duplicate_rows=duplicates,
        memory_bytes=int(per_row * rows),
        file_bytes=size,
        sampled=sampled,
        sample_rows=len(frame),
        delimiter=",",
        encoding="utf-8",
        compression=None,
        has_header=result.has_header,
        alerts=column_alerts(columns, rows) + duplicate_alert(duplicates, rows),
        bad_lines=result.bad_lines,
        bad_line_count=result.bad_line_count,
        warnings=warnings,
    )
    for col in result.columns:
        if (hist := histogram(result, col)) is not None:
            profile.histograms[col.name] = hist
        if col.family in ("string", "boolean"):
            profile.top_values[col.name] = value_counts(result, col)[:10]
    numeric = [c for c in result.columns if kinds[c.name] == "numeric"
               and c.family in ("integer", "float")]
    profile.correlations = _correlations(result, numeric)
    if result.time_column is not None and result.second.get("series"):
        series = result.second["series"]
        profile.timeseries = pd.DataFrame(
            {"period": pd.to_datetime(list(series.keys())), "rows": list(series.values())}
        ).dropna().sort_values("period", ignore_index=True)
        profile.time_column, profile.time_unit = result.time_column.name, result.time_unit
    return profile


def _correlations(result: Scan, numeric: list) -> pd.DataFrame:
    """A symmetric matrix of the Pearson correlations computed in pass one."""
    names = [c.name for c in numeric]
    matrix = pd.DataFrame(1.0, index=names, columns=names)
    kept = []
    for left in numeric:
        for right in numeric:
            key = f"r{left.index}_{right.index}"
            if key in result.first:
                value = result.first[key]
                matrix.at[left.name, right.name] = matrix.at[right.name, left.name] = value
                kept += [left.name, right.name]
    kept_names = [n for n in names if n in kept]
    return matrix.loc[kept_names, kept_names].astype(float)


def _ignore_progress(fraction: float, message: str) -> None:
    """The default progress callback: nothing to report to."""
