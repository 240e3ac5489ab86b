"""Alerts: facts about columns that deserve a look before the data is used."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

HIGH_MISSING_SHARE = 0.2
HIGH_CARDINALITY = 50
HIGH_CARDINALITY_SHARE = 0.5
SKEW = 2.0
MANY_ZEROS_SHARE = 0.3
MIXED_MINORITY_SHARE = 0.01

ALERT_KINDS = ("constant", "missing", "high_cardinality", "unique", "skewed", "zeros",
               "mixed_types", "outliers", "duplicates")


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


def duplicate_alert(duplicate_rows: int, rows: int) -> list[Alert]:
    """A table-level alert when whole rows repeat."""
    if duplicate_rows <= 0:
        return []
    share = duplicate_rows / rows
    return [Alert(None, "duplicates",
                  f"{duplicate_rows:,} rows ({share:.1%}) repeat an earlier row exactly.")]


def _alerts_for(stat: dict, rows: int) -> list[Alert]:
    """The alerts of one column's stats row."""
    name, kind, count = stat["column"], stat["kind"], stat["count"]
    distinct = stat["distinct"]
    found: list[tuple[str, str]] = []
    if rows > 1 and distinct <= 1:
        value = f" ({stat['top_values'][0]!r})" if stat["top_values"] else ""
        found.append(("constant", f"has a single value{value}: it carries no information."))
    if stat["missing_share"] >= HIGH_MISSING_SHARE:
        found.append(("missing", f"is missing in {stat['missing_share']:.0%} of rows "
                                 f"({stat['missing']:,})."))
    if (kind == "categorical" and distinct > HIGH_CARDINALITY
            and distinct / max(count, 1) >= HIGH_CARDINALITY_SHARE):
        found.append(("high_cardinality", f"has {distinct:,} distinct values: too many to "
                                          "treat as categories."))
    if kind != "id" and count > 1 and distinct == count:
        found.append(("unique", "has a different value in every row."))
    skew = stat["skew"]
    if kind == "numeric" and skew is not None and abs(skew) >= SKEW:
        side = "right" if skew > 0 else "left"
        found.append(("skewed", f"is strongly skewed to the {side} (skewness {skew:.1f})."))
    zeros = stat["zeros"]
    if kind == "numeric" and zeros and distinct > 1 and zeros / count >= MANY_ZEROS_SHARE:
        found.append(("zeros", f"is zero in {zeros / count:.0%} of rows ({int(zeros):,})."))
    share = stat["numeric_share"]
    if share is not None and MIXED_MINORITY_SHARE <= share <= 1 - MIXED_MINORITY_SHARE:
        found.append(("mixed_types", f"mixes numbers ({share:.0%}) with text values."))
    outliers = stat["outliers"]
    if kind == "numeric" and outliers:
        found.append(("outliers", f"has {int(outliers):,} values more than 3 interquartile "
                                  "ranges beyond the quartiles."))
    return [Alert(name, alert, f"Column {name!r} {message}") for alert, message in found]
