"""Alerts: facts about columns that deserve a look before the data is used.

Kinds and thresholds are ydata-profiling's (4.18, `ProfileReport(df)` with no config), read
in its model/alerts.py and typeset.py and checked by running it (bench/bench_csv_ydata.py), so
the same data gives the same alerts. Which alerts a column can get depends on the type ydata
would give it (`vtype` in the columns frame): numeric, categorical (text with few values, or
numbers with at most 5), boolean, datetime or text. Ours on top: mixed_types, outliers, id_like,
and the kinds ydata defines but never computes (constant_length, date_as_text).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

# ydata's alert_value(): more than 1 % of the rows.
SHARE = 0.01
# ydata's vars.num.skewness_threshold. Too lenient for people: |skew| > 1 is already "highly
# skewed" in textbooks and a price or income column is rarely above 20; kept to match ydata.
SKEW = 20
# ydata's chi_squared_threshold: flagged uniform when the chi-square p-value exceeds it.
UNIFORM_P = 0.999
IMBALANCE = 0.5
HIGH_CARDINALITY = 50
# Below this many rows distributional alerts (unique, uniform, skewed, zeros, imbalance,
# correlation, outliers...) say more about the size than the data: only facts are kept.
TINY_ROWS = 20
TINY_KINDS = {"missing", "constant", "duplicates", "empty", "infinite", "mixed_types",
              "date_as_text"}
MIXED_MINORITY_SHARE = 0.01

ALERT_KINDS = ("missing", "zeros", "high_correlation", "high_cardinality", "imbalance",
               "skewed", "unique", "uniform", "constant", "constant_length", "duplicates",
               "infinite", "date_as_text", "non_stationary", "seasonal", "empty",
               "mixed_types", "outliers", "id_like")


@dataclass(frozen=True)
class Alert:
    """One alert: the column (None for the whole table), its kind and a message for people."""

    column: str | None
    kind: str
    message: str

    def as_dict(self) -> dict[str, str | None]:
        """JSON-ready form."""
        return asdict(self)


def column_alerts(columns: pd.DataFrame, rows: int) -> list[Alert]:
    """Alerts for every column of a `columns` frame, in column order."""
    alerts: list[Alert] = []
    for stat in columns.to_dict("records"):
        alerts += _alerts_for(stat, rows)
    return alerts


def table_alerts(duplicate_rows: int, rows: int) -> list[Alert]:
    """Whole-table alerts: no rows at all, or rows that repeat exactly."""
    if rows == 0:
        return [Alert(None, "empty", "The file has a header but no data rows.")]
    if duplicate_rows <= 0:
        return []
    share = duplicate_rows / rows
    return [Alert(None, "duplicates",
                  f"{duplicate_rows:,} rows ({share:.1%}) repeat an earlier row exactly.")]


def keep_sensible(alerts: list[Alert], rows: int) -> list[Alert]:
    """On tiny tables, only the alerts that state facts rather than judge a distribution."""
    if rows >= TINY_ROWS:
        return alerts
    return [alert for alert in alerts if alert.kind in TINY_KINDS]


def _alerts_for(stat: dict[str, Any], rows: int) -> list[Alert]:
    """The alerts of one column's stats row."""
    vtype, count, distinct = stat["vtype"], stat["count"], stat["distinct"]
    found: list[tuple[str, str]] = []
    if stat["missing"]:
        # ydata alerts from 1 % missing; we alert on any: two rows without measurements
        # (penguins) still break a model fit or a mean, and the message gives the share.
        found.append(("missing", f"has {stat['missing']:,} missing values "
                                 f"({stat['missing_share']:.1%})."))
    if rows and distinct == rows:
        found.append(("unique", "has a different value in every row."))
    if distinct == 1:
        value = f" ({stat['top_values'][0]!r})" if stat["top_values"] else ""
        found.append(("constant", f"has a single value{value}: it carries no information."))
    if vtype == "numeric":
        found += _numeric(stat, rows)
    elif vtype in ("categorical", "boolean"):
        found += _categorical(stat)
    if stat["kind"] == "id":
        found.append(("id_like", "looks like an identifier (unique keys): leave it out of "
                                 "statistics and models."))
    found += _ours(stat, count)
    name = stat["column"]
    return [Alert(name, alert, f"Column {name!r} {message}") for alert, message in found]


def _numeric(stat: dict[str, Any], rows: int) -> list[tuple[str, str]]:
    """ydata's numeric_alerts: skewed, infinite, zeros, uniform."""
    found = []
    skew = stat["skew"]
    if skew is not None and abs(skew) > SKEW:
        side = "right" if skew > 0 else "left"
        found.append(("skewed", f"is strongly skewed to the {side} (skewness {skew:.1f})."))
    infinite = stat.get("infinite") or 0
    if rows and infinite / rows > SHARE:
        found.append(("infinite", f"has {int(infinite):,} infinite values "
                                  f"({infinite / rows:.1%})."))
    zeros = stat["zeros"] or 0
    if rows and zeros / rows > SHARE:
        found.append(("zeros", f"is zero in {zeros / rows:.1%} of rows ({int(zeros):,})."))
    if _uniform(stat):
        found.append(("uniform", "is evenly spread over its range (chi-square p "
                                 f"{stat['uniform_p']:.4f})."))
    return found


def _categorical(stat: dict[str, Any]) -> list[tuple[str, str]]:
    """ydata's categorical and boolean alerts: uniform and imbalance."""
    found = []
    if stat["vtype"] == "categorical" and _uniform(stat):
        found.append(("uniform", "has its values in (nearly) equal numbers."))
    share = stat.get("imbalance")
    if share is not None and share > IMBALANCE:
        found.append(("imbalance", f"is imbalanced (score {share:.2f}): one or a few values "
                                   "dominate."))
    return found


def _ours(stat: dict[str, Any], count: int) -> list[tuple[str, str]]:
    """Alerts ydata does not raise: cardinality of text, lengths, dates, mixes, outliers."""
    found = []
    distinct, is_text = stat["distinct"], stat["dtype"] == "VARCHAR"
    # ydata types text with over 50 values as free text and never flags it; a code column
    # with hundreds of values is what high cardinality means for one-hot encoding.
    if (is_text and stat["kind"] == "categorical" and HIGH_CARDINALITY < distinct < count):
        found.append(("high_cardinality", f"has {distinct:,} distinct values: too many to "
                                          "treat as categories."))
    if (is_text and distinct > 1 and stat["min_length"] is not None
            and stat["min_length"] == stat["max_length"] and stat["kind"] != "id"):
        found.append(("constant_length", f"has every value {int(stat['min_length'])} "
                                          "characters long: a code, not free text."))
    if stat.get("date_as_text"):
        found.append(("date_as_text", "holds dates written as text in a format not read as "
                                      "dates: convert it before sorting or plotting."))
    share = stat["numeric_share"]
    if share is not None and MIXED_MINORITY_SHARE <= share <= 1 - MIXED_MINORITY_SHARE:
        found.append(("mixed_types", f"mixes numbers ({share:.0%}) with text values."))
    outliers = stat["outliers"]
    if stat["vtype"] == "numeric" and stat["kind"] != "id" and outliers:
        found.append(("outliers", f"has {int(outliers):,} values more than 3 interquartile "
                                  "ranges beyond the quartiles."))
    return found


def _uniform(stat: dict[str, Any]) -> bool:
    """ydata's chi-square uniformity test result."""
    p = stat.get("uniform_p")
    return p is not None and not pd.isna(p) and p > UNIFORM_P
