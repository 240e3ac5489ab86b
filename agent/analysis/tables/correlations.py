"""Correlation matrices (Pearson, Spearman, Cramér's V, ydata's "auto") and their alerts.

Missing values are handled as ydata-profiling (pandas) does: each pair uses the rows where
both values are present. The alert follows ydata's "auto" matrix, the only one its default
config computes: Spearman between numeric columns, Cramér's V (numbers cut in 10 equal-width
bins) as soon as a categorical column is in the pair, flagged when |value| >= 0.5.
"""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pandas as pd

from agent.analysis.tables.alerts import Alert
from agent.analysis.tables.stats import cramers_v

# ydata's Correlation.threshold default. Its config_default.yaml says 0.9, but ProfileReport(df)
# uses the pydantic default 0.5. A 0.5 rank correlation is worth a look, not a defect: the
# message says how strong it is so a reader can weigh it.
HIGH_CORRELATION = 0.5
AUTO_BINS = 10
# ydata's categorical_maximum_correlation_distinct.
MAX_CATEGORIES = 100
# ydata has no cap; pairs grow with the square of the columns, so wide tables keep the first
# columns that fit a budget of pairs x rows (~1 s), and always at least MIN_COLUMNS.
PAIR_ROWS_BUDGET = 50_000_000
MIN_COLUMNS = 20
METHODS = ("auto", "pearson", "spearman", "cramers")


class Inputs:
    """The per-column arrays and per-pair figures of one frame, each computed once.

    A frame's figures do not depend on which matrices end up wanting them: they can be worked
    out ahead, by correlation_matrices over guessed column lists, while the full-file counts
    that decide the real lists run; the real call then computes only the pairs guessed wrong.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.cap = max(MIN_COLUMNS, int(math.sqrt(2 * PAIR_ROWS_BUDGET / max(len(frame), 1))))
        self._arrays: dict[tuple[str, str], np.ndarray] = {}
        self._pairs: dict[tuple[str, str, str], float] = {}

    def values(self, name: str) -> np.ndarray:
        return self._array("values", name, lambda: _floats(self.frame[name]))

    def ranks(self, name: str) -> np.ndarray:
        return self._array("ranks", name, lambda: _rank(self.values(name)))

    def codes(self, name: str) -> np.ndarray:
        return self._array("codes", name, lambda: _codes(self.frame[name]))

    def binned(self, name: str) -> np.ndarray:
        return self._array("binned", name, lambda: _uniform_bins(self.values(name)))

    def pearson(self, a: str, b: str) -> float:
        return self._pair("pearson", a, b, lambda: _pearson(self.values(a), self.values(b)))

    def spearman(self, a: str, b: str) -> float:
        return self._pair("spearman", a, b, lambda: _spearman(
            self.values(a), self.values(b), self.ranks(a), self.ranks(b)))

    def cramers(self, a: str, b: str, *, binned: frozenset[str] = frozenset()) -> float:
        """Cramér's V of codes, or of equal-width bins for the columns in binned."""
        def pick(name: str) -> np.ndarray:
            return self.binned(name) if name in binned else self.codes(name)
        method = "cramers" + "".join(f"|{n}" for n in (a, b) if n in binned)
        return self._pair(method, a, b, lambda: _cramers(pick(a), pick(b)))

    def _array(self, kind: str, name: str, make: object) -> np.ndarray:
        key = (kind, name)
        if key not in self._arrays:
            self._arrays[key] = make()  # type: ignore[operator]
        return self._arrays[key]

    def _pair(self, method: str, a: str, b: str, make: object) -> float:
        key = (method, a, b)
        if key not in self._pairs:
            self._pairs[key] = make()  # type: ignore[operator]
        return self._pairs[key]


def correlation_matrices(
    frame: pd.DataFrame, numbers: list[str], numeric: list[str], categorical: list[str],
    inputs: Inputs | None = None,
) -> dict[str, pd.DataFrame]:
    """Every matrix that has at least two columns, keyed by METHODS names.

    Pearson and Spearman cover every column of numbers (ydata: select_dtypes("number")); the
    auto matrix treats numbers with few values as categories, like ydata's types do. inputs,
    when given, must be of this frame: figures it already holds are not computed again.
    """
    got = inputs if inputs is not None and inputs.frame is frame else Inputs(frame)
    cap = got.cap
    numbers = numbers[:cap]
    numeric = numeric[:cap]
    categorical = categorical[: max(0, cap - len(numeric))]
    matrices: dict[str, pd.DataFrame] = {}
    if len(numbers) >= 2:
        matrices["pearson"] = _matrix(numbers, got.pearson)
        matrices["spearman"] = _matrix(numbers, got.spearman)
    if len(categorical) >= 2:
        matrices["cramers"] = _matrix(categorical, got.cramers)
    tested = sorted(numeric + categorical)
    if len(tested) >= 2:
        continuous = frozenset(numeric)

        def auto(a: str, b: str) -> float:
            if a in continuous and b in continuous:
                return got.spearman(a, b)
            return got.cramers(a, b, binned=continuous & {a, b})
        matrices["auto"] = _matrix(tested, auto)
    return matrices


def correlation_alerts(auto: pd.DataFrame | None) -> list[Alert]:
    """One high_correlation alert per column that reaches the threshold with another."""
    if auto is None or auto.empty:
        return []
    alerts = []
    for name in auto.columns:
        row = auto.loc[name].drop(name)
        strong = row[row.abs() >= HIGH_CORRELATION].sort_values(key=abs, ascending=False)
        if strong.empty:
            continue
        others = ", ".join(f"{other!r} ({value:+.2f})" for other, value in strong.items())
        alerts.append(Alert(name, "high_correlation",
                            f"Column {name!r} is highly correlated with {others}."))
    return alerts


def _matrix(names: list[str], pair: object) -> pd.DataFrame:
    """A symmetric matrix with 1 on the diagonal, NaN where a pair has no common rows."""
    matrix = pd.DataFrame(np.eye(len(names)), index=names, columns=names)
    for a, b in combinations(names, 2):
        matrix.at[a, b] = matrix.at[b, a] = pair(a, b)  # type: ignore[operator]
    return matrix


def _floats(series: pd.Series) -> np.ndarray:
    """A numeric column as float64, NaN for missing and infinite (pandas' corr skips both)."""
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    return np.where(np.isinf(values), np.nan, values)


def _codes(series: pd.Series) -> np.ndarray:
    """Category codes, -1 for missing (as strings, like ydata's crosstab of the raw column)."""
    codes, _ = pd.factorize(series, use_na_sentinel=True)
    return codes


def _uniform_bins(values: np.ndarray) -> np.ndarray:
    """pd.cut(values, 10, labels=False): ten equal-width bins over the range, -1 for missing."""
    present = ~np.isnan(values)
    out = np.full(values.shape, -1, dtype=np.int64)
    if not present.any():
        return out
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    if high == low:
        out[present] = 0
        return out
    edges = np.linspace(low, high, AUTO_BINS + 1)
    out[present] = np.clip(np.searchsorted(edges, values[present], side="left") - 1, 0,
                           AUTO_BINS - 1)
    return out


def _rank(values: np.ndarray) -> np.ndarray:
    """Average ranks of the present values (NaN stays NaN)."""
    return pd.Series(values).rank(method="average").to_numpy()


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson over the rows where both are present."""
    both = ~(np.isnan(a) | np.isnan(b))
    if both.sum() < 2:
        return float("nan")
    x, y = a[both], b[both]
    x, y = x - x.mean(), y - y.mean()
    denominator = float(np.sqrt((x * x).sum() * (y * y).sum()))
    return float((x * y).sum() / denominator) if denominator > 0 else float("nan")


def _spearman(a: np.ndarray, b: np.ndarray, rank_a: np.ndarray, rank_b: np.ndarray) -> float:
    """Spearman over the rows where both are present, re-ranked on those rows if any is not."""
    present_a, present_b = ~np.isnan(a), ~np.isnan(b)
    both = present_a & present_b
    if both.all():
        return _pearson(rank_a, rank_b)
    # Ranks skip missing values: a column missing nowhere else than the pair keeps its own.
    return _pearson(rank_a[both] if (both == present_a).all() else _rank(a[both]),
                    rank_b[both] if (both == present_b).all() else _rank(b[both]))


def _cramers(a: np.ndarray | None, b: np.ndarray | None) -> float:
    """Cramér's V of two code arrays over the rows where both are present."""
    if a is None or b is None:
        return float("nan")
    both = (a >= 0) & (b >= 0)
    if not both.any():
        return 0.0
    x, y = a[both], b[both]
    width = int(y.max()) + 1
    table = np.bincount(x * width + y, minlength=(int(x.max()) + 1) * width)
    return cramers_v(table.reshape(-1, width))
