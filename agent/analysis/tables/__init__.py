"""Profile a CSV: full-file column stats with DuckDB, a pandas sample, alerts and charts."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from agent.analysis.tables.ahead import Ahead, work_ahead
from agent.analysis.tables.alerts import Alert, column_alerts, keep_sensible, table_alerts
from agent.analysis.tables.charts import (
    correlation_figure,
    distribution_figure,
    missing_figure,
    series_figure,
    timeseries_figure,
)
from agent.analysis.tables.columns import column_frame, histogram, value_counts
from agent.analysis.tables.correlations import (
    MAX_CATEGORIES,
    correlation_alerts,
    correlation_matrices,
)
from agent.analysis.tables.judge import judge_columns
from agent.analysis.tables.load import CsvReader, connect, sniff_dialect
from agent.analysis.tables.scan import (
    BadLine,
    Scan,
    full_frame,
    sample_frame,
    scan,
    subsample,
)
from agent.analysis.tables.source import CsvInput, TableProfileError, prepare_csv
from agent.analysis.tables.timeseries import TimeSeries, detect_series, series_alerts

__all__ = [
    "Alert",
    "BadLine",
    "TableProfile",
    "TableProfileError",
    "correlation_figure",
    "distribution_figure",
    "missing_figure",
    "profile_csv",
    "series_figure",
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
    correlations: dict[str, pd.DataFrame] = field(default_factory=dict)
    timeseries: pd.DataFrame | None = None
    time_column: str | None = None
    time_unit: str | None = None
    missing_cells: int = 0
    rows_with_missing: int = 0
    quartiles_exact: bool = True
    # Rows behind correlations, uniformity tests and the series: all of them, or a sample.
    analysis_rows: int = 0
    series: TimeSeries | None = None

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
            "missing_cells": self.missing_cells,
            "rows_with_missing": self.rows_with_missing,
            "quartiles_exact": self.quartiles_exact,
            "analysis_rows": self.analysis_rows,
            "series": None if self.series is None else {
                "kind": self.series.kind, "time": self.series.time,
                "entity": self.series.entity, "values": self.series.values},
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
        size = prepared.size_bytes
        sampled = size > memory_budget_bytes
        con = connect(prepared.tmp_dir)
        ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="profile-csv-ahead")
        warming: list[Future[Ahead]] = []
        try:
            dialect = sniff_dialect(con, prepared.path)
            reader = CsvReader(prepared.path, dialect)
            result = scan(con, reader, progress=report, on_sample=lambda frame, columns:
                          warming.append(ahead.submit(work_ahead, frame, columns)))
            report(0.9, "Picking the rows to show" if sampled else "Loading the data")
            kept = result.analysis
            if sampled:
                # Rows of CSV text that fit the budget, capped: a preview needs no more.
                rows = int(result.first["n_rows"])
                wanted = min(MAX_SAMPLE_ROWS, max(1, rows * memory_budget_bytes // size))
                frame = (sample_frame(con, result, wanted) if kept is None
                         else subsample(kept, wanted))
            else:
                frame = full_frame(con, result.columns)
            analysis = frame if kept is None else kept
        finally:
            con.close()
            ahead.shutdown(wait=True)
        warnings = prepared.warnings + result.warnings
    report(0.95, "Looking for problems")
    profile = _build(result, frame, sampled, size, warnings)
    _judge(profile, result, analysis, warming[0].result() if warming else None)
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
        quartiles_exact=result.quartiles_exact,
        bad_lines=result.bad_lines,
        bad_line_count=result.bad_line_count,
        warnings=warnings,
    )
    for col in result.columns:
        if (hist := histogram(result, col)) is not None:
            profile.histograms[col.name] = hist
        if col.family in ("string", "boolean"):
            profile.top_values[col.name] = value_counts(result, col)[:10]
    if result.time_column is not None and result.second.get("series"):
        series = result.second["series"]
        profile.timeseries = pd.DataFrame(
            {"period": pd.to_datetime(list(series.keys())), "rows": list(series.values())}
        ).dropna().sort_values("period", ignore_index=True)
        profile.time_column, profile.time_unit = result.time_column.name, result.time_unit
    return profile


def _judge(
    profile: TableProfile, result: Scan, analysis: pd.DataFrame, ahead: Ahead | None = None
) -> None:
    """Types as ydata sees them, correlations, the series, missing figures and the alerts."""
    rows = profile.rows
    counts = {c.name: value_counts(result, c) for c in result.columns
              if c.family in ("string", "boolean")}
    columns = judge_columns(profile.columns, counts, analysis,
                            None if ahead is None else ahead.figures)
    profile.columns = columns
    profile.analysis_rows = len(analysis)
    profile.missing_cells = int(columns["missing"].sum())
    profile.rows_with_missing = int(result.first.get("rows_missing") or 0)
    alerts = table_alerts(profile.duplicate_rows, rows)
    if rows:
        vtypes = dict(zip(columns["column"], columns["vtype"], strict=True))
        distinct = dict(zip(columns["column"], columns["distinct"], strict=True))
        numeric = [n for n, t in vtypes.items() if t == "numeric" and distinct[n] > 1]
        categorical = [n for n, t in vtypes.items() if t in ("categorical", "boolean")
                       and 1 < distinct[n] <= MAX_CATEGORIES]
        numbers = [c.name for c in result.columns
                   if c.family in ("integer", "float") and distinct[c.name] > 1]
        profile.correlations = correlation_matrices(
            analysis, numbers, numeric, categorical, None if ahead is None else ahead.inputs)
        profile.series = detect_series(analysis, columns)
        alerts += column_alerts(columns, rows)
        alerts += correlation_alerts(profile.correlations.get("auto"))
        alerts += series_alerts(profile.series)
    profile.alerts = keep_sensible(alerts, rows)


def _ignore_progress(fraction: float, message: str) -> None:
    """The default progress callback: nothing to report to."""
