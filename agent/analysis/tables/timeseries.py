"""Time series in a table: a datetime column, year (+ quarter/month [+ day]) columns, or a
year/date per entity (long panel data). Detected, put in time order, and tested for trend and
seasonality the way ydata-profiling's time-series mode does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from agent.analysis.tables.alerts import Alert
from agent.analysis.tables.stats import adf_pvalue, seasonal

_YEAR = re.compile(r"^(year|yr|yyyy|years|jahr|ann[eé]e|a[nñ]o|fiscal_?year|.*[_ ]year)$", re.I)
_QUARTER = re.compile(r"^(quarter|qtr|q)$", re.I)
_MONTH = re.compile(r"^(month|mon|mm|mois|monat|mes|.*[_ ]month)$", re.I)
_DAY = re.compile(r"^(day|dd|dom|day_of_month|jour|tag|dia)$", re.I)
_MONTH_NAMES = {name: i for i, name in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
YEARS = (1000, 2300)
# More points than this are averaged per period (a chart and the tests need no more).
MAX_POINTS = 2_000
# ydata's time-series mode: a column is a time series when its autocorrelation reaches 0.7 at
# one of these lags; non-stationary when the ADF p-value is 0.05 or more.
AUTOCORRELATION = 0.7
LAGS = (1, 7, 12, 24, 30)
SIGNIFICANCE = 0.05
# Fewer points make the ADF test and the spectrum meaningless.
MIN_TEST_POINTS = 20
MAX_ENTITIES = 1_000


@dataclass
class TimeSeries:
    """A detected series: `frame` holds period (datetime), entity (panel only) and values."""

    kind: str
    time: str
    parts: list[str]
    entity: str | None
    values: list[str]
    frame: pd.DataFrame
    tested: dict[str, tuple[float | None, bool]] = field(default_factory=dict)


def detect_series(analysis: pd.DataFrame, columns: pd.DataFrame) -> TimeSeries | None:
    """The first time key that orders the rows into one series or one series per entity."""
    stats = columns.set_index("column")
    for kind, label, parts, period in _time_keys(analysis, stats):
        values = [name for name in stats.index
                  if stats.at[name, "vtype"] == "numeric" and stats.at[name, "kind"] != "id"
                  and name not in parts]
        if not values:
            continue
        present = period.notna()
        if present.sum() < 2:
            continue
        if not period[present].duplicated().any():
            frame = pd.DataFrame({"period": period}).join(analysis[values])[present]
            return TimeSeries(kind, label, parts, None, values, _thin(frame))
        entity = _entity(analysis, stats, period, parts)
        if entity is not None:
            frame = pd.DataFrame({"period": period, "entity": analysis[entity].astype(str)})
            frame = frame.join(analysis[[v for v in values if v != entity]])[present]
            values = [v for v in values if v != entity]
            return TimeSeries("panel", label, parts, entity, values,
                              frame.sort_values(["entity", "period"], ignore_index=True))
    return None


def series_alerts(series: TimeSeries | None) -> list[Alert]:
    """non_stationary and seasonal for the time-dependent value columns of one series."""
    if series is None or series.entity is not None:
        return []
    alerts = []
    for name in series.values:
        values = pd.to_numeric(series.frame[name], errors="coerce").dropna().reset_index(drop=True)
        if values.size < MIN_TEST_POINTS or values.nunique() < 2 or not _time_dependent(values):
            continue
        p_value = adf_pvalue(values.to_numpy())
        is_seasonal = seasonal(values.to_numpy())
        series.tested[name] = (p_value, is_seasonal)
        if p_value is not None and p_value >= SIGNIFICANCE:
            alerts.append(Alert(name, "non_stationary",
                                f"Column {name!r} has a trend over {series.time} (ADF p-value "
                                f"{p_value:.2f}): not stationary."))
        if is_seasonal:
            alerts.append(Alert(name, "seasonal", f"Column {name!r} repeats a seasonal "
                                                  f"pattern over {series.time}."))
    return alerts


def _time_keys(analysis: pd.DataFrame, stats: pd.DataFrame):  # noqa: ANN202
    """(kind, label, columns used, period per row) candidates, datetime columns first."""
    for name in stats.index[stats["kind"] == "datetime"]:
        if name in analysis and pd.api.types.is_datetime64_any_dtype(analysis[name]):
            yield "datetime", name, [name], analysis[name].dt.tz_localize(None) \
                if getattr(analysis[name].dt, "tz", None) else analysis[name]
    for year in [n for n in stats.index if _YEAR.match(str(n))]:
        years = _integers(analysis.get(year), *YEARS)
        if years is None:
            continue
        month = _part(analysis, stats, _MONTH, 12, names=True)
        quarter = _part(analysis, stats, _QUARTER, 4) if month is None else None
        day = _part(analysis, stats, _DAY, 31) if month is not None else None
        parts, label = [year], year
        months = pd.Series(1, index=analysis.index)
        if month is not None:
            parts, months = parts + [month[0]], month[1]
        elif quarter is not None:
            parts, months = parts + [quarter[0]], (quarter[1] - 1) * 3 + 1
        days = day[1] if day is not None else pd.Series(1, index=analysis.index)
        if day is not None:
            parts.append(day[0])
        label = " + ".join(parts)
        period = pd.to_datetime(
            pd.DataFrame({"year": years, "month": months, "day": days}), errors="coerce")
        yield "calendar", label, parts, period


def _part(analysis: pd.DataFrame, stats: pd.DataFrame, pattern: re.Pattern[str], top: int,
          *, names: bool = False) -> tuple[str, pd.Series] | None:
    """The first column named like a calendar part whose values all fit 1..top."""
    for name in [n for n in stats.index if pattern.match(str(n))]:
        column = analysis.get(name)
        values = _integers(column, 1, top)
        if values is None and names and column is not None:
            mapped = column.astype(str).str.strip().str[:3].str.lower().map(_MONTH_NAMES)
            if mapped[column.notna()].notna().all() and column.notna().any():
                values = mapped
        if values is not None:
            return name, values
    return None


def _integers(column: pd.Series | None, low: int, high: int) -> pd.Series | None:
    """The column as numbers when every present value is an integer in [low, high]."""
    if column is None or not (pd.api.types.is_numeric_dtype(column)
                              and not pd.api.types.is_bool_dtype(column)):
        return None
    values = pd.to_numeric(column, errors="coerce").astype("float64")
    present = values.dropna()
    if present.empty or (present % 1 != 0).any() or present.min() < low or present.max() > high:
        return None
    return values


def _entity(analysis: pd.DataFrame, stats: pd.DataFrame, period: pd.Series,
            parts: list[str]) -> str | None:
    """A category column under which each period occurs at most once."""
    for name in stats.index:
        if name in parts or stats.at[name, "vtype"] not in ("categorical", "text"):
            continue
        if not 2 <= stats.at[name, "distinct"] <= MAX_ENTITIES:
            continue
        keys = pd.DataFrame({"entity": analysis[name], "period": period}).dropna()
        if len(keys) >= 2 and not keys.duplicated().any():
            return name
    return None


def _thin(frame: pd.DataFrame) -> pd.DataFrame:
    """Sorted by period; long series averaged per period (day, week, month or year)."""
    frame = frame.sort_values("period", ignore_index=True)
    if len(frame) <= MAX_POINTS:
        return frame
    span = frame["period"].iloc[-1] - frame["period"].iloc[0]
    freq = "YS"
    for unit, length in (("h", pd.Timedelta(hours=1)), ("D", pd.Timedelta(days=1)),
                         ("W", pd.Timedelta(weeks=1)), ("MS", pd.Timedelta(days=31))):
        if span / length <= MAX_POINTS:
            freq = unit
            break
    grouped = frame.set_index("period").resample(freq).mean(numeric_only=True)
    return grouped.dropna(how="all").reset_index()


def _time_dependent(values: pd.Series) -> bool:
    """ydata's TimeSeries type test: autocorrelation of 0.7 or more at one of its lags."""
    with np.errstate(all="ignore"):
        for lag in LAGS:
            if lag < values.size - 2 and values.autocorr(lag=lag) >= AUTOCORRELATION:
                return True
    return False
