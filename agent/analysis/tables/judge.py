"""ydata's type of each column and the per-column figures its alerts test.

Counts come from the full-file scan where it counted every value; otherwise, like the
histograms behind the uniformity test, from the analysis frame (every row up to a million,
else a uniform random sample).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from agent.analysis.tables.stats import auto_bin_count, chi_square_uniform_p, imbalance

# ydata's vars.num.low_categorical_threshold: numbers with at most this many values are
# categories (a 0/1 flag, a 1-5 rating).
LOW_CATEGORICAL = 5
# ydata's vars.cat.cardinality_threshold and percentage_cat_threshold: text with more values,
# or with distinct values in half the rows or more, is free text.
CATEGORY_VALUES = 50
CATEGORY_SHARE = 0.5
# ydata's vars.bool.mappings.
BOOLEAN_TEXT = {"t", "f", "yes", "no", "y", "n", "true", "false"}
# numpy refuses absurd bin counts; a range that needs them is far from uniform anyway.
MAX_AUTO_BINS = 100_000
DATE_SAMPLE = 200
_MONTH = r"[A-Za-z]{3,9}\.?"
_DATE_TEXT = re.compile(
    r"^\s*(\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{4}[-/.]\d{1,2}|\d{1,2}[-\s]" + _MONTH
    + r"[-\s,]+\d{2,4}|" + _MONTH + r"\s+\d{1,2}(st|nd|rd|th)?,?\s+\d{2,4}|" + _MONTH
    + r"[-\s]\d{4})"
    r"([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*([AaPp]\.?[Mm]\.?)?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?\s*$"
)


@dataclass
class SampleFigures:
    """Figures of the analysis frame alone, by column: they can be worked out ahead."""

    dates_as_text: dict[str, bool] = field(default_factory=dict)
    uniform_p: dict[str, float | None] = field(default_factory=dict)


def sample_figures(analysis: pd.DataFrame, numbers: list[str], text: list[str]) -> SampleFigures:
    """The uniformity p-values of numbers and the dates-as-text test of text columns."""
    return SampleFigures(
        dates_as_text={name: _dates_as_text(analysis[name]) for name in text},
        uniform_p={name: _numeric_uniform_p(analysis[name]) for name in numbers})


def judge_columns(
    columns: pd.DataFrame, counts: dict[str, list[tuple[str, int]]], analysis: pd.DataFrame,
    known: SampleFigures | None = None,
) -> pd.DataFrame:
    """The columns frame with vtype, imbalance, uniform_p and date_as_text filled in.

    known, when given, holds figures already worked out on this analysis frame.
    """
    out = columns.copy()
    known = known or SampleFigures()
    judged = [_judge(stat, counts.get(stat["column"], []), analysis, known)
              for stat in columns.to_dict("records")]
    for key in ("vtype", "imbalance", "uniform_p", "date_as_text"):
        out[key] = [row[key] for row in judged]
    return out


def _judge(stat: dict[str, Any], counts: list[tuple[str, int]],
           analysis: pd.DataFrame, known: SampleFigures) -> dict[str, Any]:
    """One column's ydata type and the figures behind its alerts."""
    name, count, distinct = stat["column"], stat["count"], stat["distinct"]
    series = analysis[name] if name in analysis else pd.Series(dtype=object)
    dates = stat["dtype"] == "VARCHAR" and (
        known.dates_as_text[name] if name in known.dates_as_text else _dates_as_text(series))
    vtype = _vtype(stat, counts, dates)
    judged: dict[str, Any] = {"vtype": vtype, "imbalance": None, "uniform_p": None,
                              "date_as_text": dates}
    if vtype in ("categorical", "boolean") and count:
        values = [n for _, n in counts] if sum(n for _, n in counts) == count else list(
            series.value_counts(dropna=True).to_numpy())
        judged["imbalance"] = imbalance(np.asarray(values))
        if vtype == "categorical":
            judged["uniform_p"] = chi_square_uniform_p(np.asarray(values))
    elif vtype == "numeric" and distinct > 1:
        judged["uniform_p"] = (known.uniform_p[name] if name in known.uniform_p
                               else _numeric_uniform_p(series))
    return judged


def _vtype(stat: dict[str, Any], counts: list[tuple[str, int]], dates: bool) -> str:
    """numeric, categorical, boolean, datetime or text, as ydata's typeset decides."""
    dtype, distinct, count = stat["dtype"], stat["distinct"], stat["count"]
    if stat["kind"] == "boolean" and dtype == "BOOLEAN":
        return "boolean"
    if stat["kind"] == "datetime" or dates:
        return "datetime"
    if dtype != "VARCHAR":
        return "categorical" if 1 <= distinct <= LOW_CATEGORICAL else "numeric"
    values = {str(v).strip().lower() for v, _ in counts}
    if counts and sum(n for _, n in counts) == count and values <= BOOLEAN_TEXT:
        return "boolean"
    if 1 <= distinct <= CATEGORY_VALUES and count and distinct / count < CATEGORY_SHARE:
        return "categorical"
    return "text"


def _numeric_uniform_p(series: pd.Series) -> float | None:
    """chisquare over numpy's 'auto' histogram of the finite values (ydata's chi_square)."""
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    values = values[np.isfinite(values)]
    if values.size < 2:
        return None
    q25, q75 = np.percentile(values, [25, 75])
    low, high = float(values.min()), float(values.max())
    if auto_bin_count(values.size, low, high, float(q75 - q25)) > MAX_AUTO_BINS:
        return 0.0
    histogram, _ = np.histogram(values, bins="auto")
    return chi_square_uniform_p(histogram)


def _dates_as_text(series: pd.Series) -> bool:
    """Every sampled value of a text column is a date or time in a written-out format."""
    values = series.dropna().astype(str)
    if values.empty:
        return False
    sample = values.drop_duplicates().head(DATE_SAMPLE)
    if not sample.map(lambda v: bool(_DATE_TEXT.match(v))).all():
        return False
    parsed = pd.to_datetime(sample, format="mixed", errors="coerce")
    return bool(parsed.notna().all())
