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


def pass_one(
    columns: list[Column], *, text_shapes: bool = True, counted: frozenset[int] = frozenset(),
    counts: bool = True,
) -> list[str]:
    """Aggregates that need nothing but the data: counts, ranges, lengths.

    quartile_aggs gives the quartiles (over every row, or over a sample of huge files);
    without text_shapes, text_shape_aggs gives the number shares (from a sample);
    moment_aggs gives the mean, spread and skew. Text columns in counted (by index) get only
    their count: every value of theirs is counted apart, which gives the rest. Without
    counts, the row count, the rows with a missing value and each column's count are left
    out (known from elsewhere).
    """
    aggs = ["count(*) AS n_rows"] if counts else []
    if columns and counts:
        nulls = " OR ".join(f"{col.sql} IS NULL" for col in columns)
        aggs.append(f"count_if({nulls}) AS rows_missing")
    for col in columns:
        c, a = col.sql, f"c{col.index}"
        if counts:
            aggs.append(f"count({c}) AS {a}_count")
        if col.index in counted:
            continue
        aggs.append(f"approx_count_distinct({c}) AS {a}_approx")
        if col.family in ("integer", "float"):
            aggs += [
                f"min({col.finite})::DOUBLE AS {a}_min",
                f"max({col.finite})::DOUBLE AS {a}_max",
                f"count_if({c} = 0) AS {a}_zeros",
            ]
            if col.family == "float":
                aggs += [f"count_if(isinf({c}::DOUBLE)) AS {a}_inf",
                         f"count({col.finite}) AS {a}_finite"]
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
    """How many values of a text column are numbers or infinities.

    With scale_to (the column's full count), run over a sample and scaled up: two regular
    expressions per row were a large share of the statistics time of a 12M-row file.
    """
    c, a = col.sql, f"c{col.index}"
    numeric = f"count_if(regexp_full_match({c}, {literal(NUMBER_PATTERN)}))"
    infinite = f"count_if(regexp_full_match({c}, {literal(INFINITY_PATTERN)}))"
    if scale_to is not None:
        factor = f"{int(scale_to)}::DOUBLE / greatest(count({c}), 1)"
        numeric, infinite = (f"round({x} * {factor})::BIGINT" for x in (numeric, infinite))
    return [f"{numeric} AS {a}_numeric", f"{infinite} AS {a}_inf"]


def moment_aggs(col: Column, center: float) -> list[str]:
    """Sums of the first three powers of the deviations from center (the median).

    Instead of DuckDB's avg, stddev_samp and skewness: they cost four times more on 12M rows,
    skewness sums raw powers (digits lost when the mean is large against the spread), and
    their sums of doubles, added in thread order, changed in the last digits between runs.
    """
    a = f"c{col.index}"
    d = f"({col.finite} - {center!r})"
    return [f"sum({d}) AS {a}_s1", f"sum({d} * {d}) AS {a}_s2", f"sum({d} * {d} * {d}) AS {a}_s3"]


def moments(
    count: int, center: float, s1: float, s2: float, s3: float
) -> tuple[float | None, float | None, float | None]:
    """Mean, sample standard deviation and skewness from moment_aggs' sums.

    As DuckDB's avg, stddev_samp and skewness give them: skewness is the adjusted
    Fisher-Pearson coefficient, None under 3 values or without spread.
    """
    if count < 1:
        return None, None, None
    mean = center + s1 / count
    if count < 2:
        return mean, None, None
    m2 = max(s2 - s1 * s1 / count, 0.0)
    m3 = s3 - 3 * s1 * s2 / count + 2 * s1**3 / count**2
    std = math.sqrt(m2 / (count - 1))
    if count < 3 or m2 <= 0:
        return mean, std, None
    g1 = (m3 / count) / (m2 / count) ** 1.5
    return mean, std, g1 * math.sqrt(count * (count - 1)) / (count - 2)


def top_values_sql(col: Column, table: str) -> str:
    """The TOP_VALUES most frequent values of a text column, ties broken by the value."""
    return (
        f"SELECT {col.sql}, count(*) AS n FROM {table} WHERE {col.sql} IS NOT NULL "
        f"GROUP BY ALL ORDER BY n DESC, {col.sql} LIMIT {TOP_VALUES}"
    )


def counts_of_sql(col: Column, values: list[str], table: str) -> str:
    """How many rows hold each of the given values of a text column."""
    listed = ", ".join(literal(v) for v in values)
    return f"SELECT {col.sql}, count(*) FROM {table} WHERE {col.sql} IN ({listed}) GROUP BY ALL"


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


def boolean_counts_aggs(col: Column) -> list[str]:
    """How many values of a boolean column are true and false."""
    a = f"c{col.index}"
    return [f"count_if({col.sql}) AS {a}_v0", f"count_if(NOT {col.sql}) AS {a}_v1"]


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
