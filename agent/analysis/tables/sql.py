"""SQL fragments for the two DuckDB aggregate passes over a CSV file."""

from __future__ import annotations

import math
from dataclasses import dataclass

HISTOGRAM_BINS = 20
TOP_VALUES = 10
ALL_VALUE_COUNTS_UP_TO = 200
# An unquoted number: decides whether a text column mixes numbers and words.
NUMBER_PATTERN = r"\s*[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?\s*"
INFINITY_PATTERN = r"\s*[-+]?(?i:inf|infinity)\s*"

_INTEGERS = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
             "UINTEGER", "UBIGINT", "UHUGEINT"}
_FLOATS = {"FLOAT", "DOUBLE", "REAL"}
_TEMPORAL = {"DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_NS", "TIMESTAMP_MS",
             "TIMESTAMP_S"}


def family(duck_type: str) -> str:
    """Collapse a DuckDB type to integer, float, temporal, boolean or string."""
    if duck_type in _INTEGERS:
        return "integer"
    if duck_type in _FLOATS or duck_type.startswith("DECIMAL"):
        return "float"
    if duck_type in _TEMPORAL:
        return "temporal"
    if duck_type == "BOOLEAN":
        return "boolean"
    return "string"


def ident(name: str) -> str:
    """Quote an identifier for DuckDB."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: object) -> str:
    """Quote a value as a SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


@dataclass(frozen=True)
class Column:
    """A column as scanned: its position (used in aliases), name and DuckDB type."""

    index: int
    name: str
    duck_type: str

    @property
    def family(self) -> str:
        """integer, float, temporal, boolean or string."""
        return family(self.duck_type)

    @property
    def sql(self) -> str:
        """The quoted column reference."""
        return ident(self.name)

    @property
    def finite(self) -> str:
        """The value as DOUBLE, NULL when infinite or NaN (moments and ranges skip those)."""
        if self.family == "float":
            return f"(CASE WHEN isfinite({self.sql}::DOUBLE) THEN {self.sql}::DOUBLE END)"
        return f"{self.sql}::DOUBLE"

    @property
    def as_number(self) -> str:
        """An expression placing the value on a number line (epoch microseconds for times)."""
        if self.family == "temporal":
            return f"epoch_us({self.sql}::TIMESTAMP)"
        return f"{self.sql}::DOUBLE"


def pass_one(columns: list[Column], *, text_shapes: bool = True) -> list[str]:
    """Aggregates that need nothing but the data: counts, moments, top values.

    quartile_aggs gives the quartiles (over every row, or over a sample of huge files);
    without text_shapes, text_shape_aggs gives top values and number shares (from a sample).
    """
    aggs = ["count(*) AS n_rows"]
    if columns:
        nulls = " OR ".join(f"{col.sql} IS NULL" for col in columns)
        aggs.append(f"count_if({nulls}) AS rows_missing")
    for col in columns:
        c, a = col.sql, f"c{col.index}"
        aggs += [f"count({c}) AS {a}_count", f"approx_count_distinct({c}) AS {a}_approx"]
        if col.family in ("integer", "float"):
            aggs += [
                f"min({col.finite})::DOUBLE AS {a}_min",
                f"max({col.finite})::DOUBLE AS {a}_max",
                f"avg({col.finite}) AS {a}_mean",
                f"stddev_samp({col.finite}) AS {a}_std",
                f"skewness({col.finite}) AS {a}_skew",
                f"count_if({c} = 0) AS {a}_zeros",
            ]
            if col.family == "float":
                aggs.append(f"count_if(isinf({c}::DOUBLE)) AS {a}_inf")
        elif col.family == "temporal":
            aggs += [f"min({c}) AS {a}_first", f"max({c}) AS {a}_last",
                     f"min({col.as_number}) AS {a}_min", f"max({col.as_number}) AS {a}_max"]
        elif col.family == "boolean":
            aggs += [f"avg({c}::INTEGER) AS {a}_mean"]
        else:
            aggs += [
                f"min(length({c})) AS {a}_min_length",
                f"max(length({c})) AS {a}_max_length",
                f"avg(length({c})) AS {a}_mean_length",
            ]
            if text_shapes:
                aggs += text_shape_aggs(col)
    return aggs


def text_shape_aggs(col: Column, *, scale_to: int | None = None) -> list[str]:
    """Top values and how many values are numbers or infinities, for a text column.

    With scale_to (the column's full count), run over a sample and scaled up: top-k and two
    regular expressions per row were half the statistics time of a 12M-row file.
    """
    c, a = col.sql, f"c{col.index}"
    numeric = f"count_if(regexp_full_match({c}, {literal(NUMBER_PATTERN)}))"
    infinite = f"count_if(regexp_full_match({c}, {literal(INFINITY_PATTERN)}))"
    if scale_to is not None:
        factor = f"{int(scale_to)}::DOUBLE / greatest(count({c}), 1)"
        numeric, infinite = (f"round({x} * {factor})::BIGINT" for x in (numeric, infinite))
    return [f"approx_top_k({c}, {TOP_VALUES}) AS {a}_top", f"{numeric} AS {a}_numeric",
            f"{infinite} AS {a}_inf"]


def quartile_aggs(columns: list[Column]) -> list[str]:
    """Exact quartiles of the numeric columns (run over a uniform random sample of big files)."""
    return [
        f"quantile_cont({col.finite}, [0.25, 0.5, 0.75]) AS c{col.index}_q"
        for col in columns
        if col.family in ("integer", "float")
    ]


@dataclass(frozen=True)
class Bins:
    """Equal-width bins over [low, low + width * count)."""

    low: float
    width: float
    count: int

    def edges(self) -> list[float]:
        """The count + 1 bin edges."""
        return [self.low + self.width * i for i in range(self.count + 1)]


def bins_for(col: Column, low: float | None, high: float | None) -> Bins | None:
    """One bin per integer for small integer ranges, else HISTOGRAM_BINS equal bins."""
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return None
    if col.family == "integer" and high - low < HISTOGRAM_BINS:
        return Bins(low - 0.5, 1.0, int(high - low) + 1)
    if high == low:
        return Bins(low - 0.5, 1.0, 1)
    return Bins(low, (high - low) / HISTOGRAM_BINS, HISTOGRAM_BINS)


def bin_index(col: Column, bins: Bins) -> str:
    """The bin index of each value, to count by; the maximum lands in the last bin."""
    value = col.as_number if col.family == "temporal" else col.finite
    index = f"floor(({value} - {bins.low!r}) / {bins.width!r})"
    return f"least({index}, {bins.count - 1})::INTEGER"


def value_counts_aggs(col: Column, top: list[str] | None) -> list[str]:
    """Counts of the approximate top values (of both values for booleans).

    Comparisons against known values are far cheaper than DuckDB's histogram() on strings.
    """
    a = f"c{col.index}"
    if col.family == "boolean":
        return [f"count_if({col.sql}) AS {a}_v0", f"count_if(NOT {col.sql}) AS {a}_v1"]
    return [f"count_if({col.sql} = {literal(v)}) AS {a}_v{i}" for i, v in enumerate(top or [])]


def time_unit(first_us: float, last_us: float) -> str:
    """A date_trunc unit giving a readable number of points over the range."""
    days = (last_us - first_us) / 86_400e6
    if days <= 3:
        return "hour"
    if days <= 180:
        return "day"
    if days <= 3 * 365:
        return "week"
    if days <= 30 * 365:
        return "month"
    return "year"
