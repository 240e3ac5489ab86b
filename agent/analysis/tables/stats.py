"""The statistical tests behind the alerts, in numpy, computed the way ydata-profiling does.

scipy and statsmodels would give the same numbers, but importing statsmodels' ADF test took
~1 s idle (11 s on the loaded shared machine) for a few dozen lines of arithmetic.
"""

from __future__ import annotations

import math

import numpy as np

# MacKinnon (1994) response-surface coefficients for the ADF p-value with a constant term and
# one series (N = 1), as statsmodels' adfvalues.py holds them (small-p and large-p regions).
_TAU_MAX, _TAU_MIN, _TAU_STAR = 2.74, -18.83, -1.61
_TAU_SMALLP = (2.1659, 1.4412, 3.8269e-2)
_TAU_LARGEP = (1.7339, 9.3202e-1, -1.2745e-1, -1.0368e-2)


def normal_cdf(x: float) -> float:
    """Standard normal CDF."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def chi2_sf(statistic: float, dof: int) -> float:
    """P(X >= statistic) for a chi-squared variable: the regularized upper incomplete gamma."""
    if dof <= 0 or math.isnan(statistic):
        return float("nan")
    a, x = dof / 2.0, statistic / 2.0
    if x <= 0:
        return 1.0
    log_front = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:
        # Series for the lower function, complemented.
        term = total = 1.0 / a
        n = a
        for _ in range(10_000):
            n += 1
            term *= x / n
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return max(0.0, 1.0 - total * math.exp(log_front))
    # Continued fraction (modified Lentz) for the upper function.
    tiny = 1e-300
    b = x + 1 - a
    c, d = 1 / tiny, 1 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return min(1.0, math.exp(log_front) * h)


def chi_square_uniform_p(counts: np.ndarray) -> float:
    """p-value of scipy.stats.chisquare(counts) against equal expected counts."""
    counts = np.asarray(counts, dtype=float)
    total = counts.sum()
    if counts.size < 2 or total <= 0:
        return 0.0
    expected = total / counts.size
    statistic = float(((counts - expected) ** 2 / expected).sum())
    return chi2_sf(statistic, counts.size - 1)


def auto_bin_count(n: int, low: float, high: float, iqr: float) -> int:
    """numpy's bins='auto': the smaller of the Freedman-Diaconis and Sturges widths."""
    span = high - low
    if n < 1 or span <= 0:
        return 1
    sturges = span / (math.log2(n) + 1.0)
    fd = 2.0 * iqr * n ** (-1.0 / 3.0)
    width = min(fd, sturges) if fd > 0 else sturges
    return max(1, math.ceil(span / width))


def imbalance(counts: np.ndarray) -> float:
    """ydata's class imbalance: 1 - entropy / log2(classes); 0 for a single class."""
    counts = np.asarray([c for c in counts if c > 0], dtype=float)
    if counts.size < 2:
        return 0.0
    p = counts / counts.sum()
    entropy = float(-(p * np.log2(p)).sum())
    return 1.0 - entropy / math.log2(counts.size)


def cramers_v(table: np.ndarray) -> float:
    """Bias-corrected Cramér's V of a contingency table, as ydata computes it.

    chi2 with Yates' correction on 2x2 tables (scipy's chi2_contingency(correction=True)),
    then phi2 corrected by (k-1)(r-1)/(n-1) and the table size shrunk accordingly.
    """
    table = np.asarray(table, dtype=float)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    n = table.sum()
    r, k = table.shape if table.ndim == 2 else (0, 0)
    if n <= 1 or r < 2 or k < 2:
        return 0.0
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / n
    diff = table - expected
    if (r - 1) * (k - 1) == 1:
        diff = np.sign(diff) * np.minimum(np.abs(diff), 0.5)
        diff = np.abs(table - expected) - np.abs(diff)
    chi2 = float((diff**2 / expected).sum())
    phi2 = chi2 / n
    phi2corr = max(0.0, phi2 - (k - 1.0) * (r - 1.0) / (n - 1.0))
    rcorr = r - ((r - 1.0) ** 2.0) / (n - 1.0)
    kcorr = k - ((k - 1.0) ** 2.0) / (n - 1.0)
    denominator = min(kcorr - 1.0, rcorr - 1.0)
    if denominator <= 0:
        return 0.0
    return math.sqrt(phi2corr / denominator)


def adf_pvalue(values: np.ndarray) -> float | None:
    """Augmented Dickey-Fuller p-value (constant, lags by AIC), as statsmodels' adfuller.

    None when the series is too short for the test.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    nobs = x.size
    maxlag = min(nobs // 2 - 2, math.ceil(12.0 * (nobs / 100.0) ** 0.25))
    if maxlag < 0 or nobs < 8:
        return None
    diff = np.diff(x)

    def design(lags: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows t = lags..: [level x_{t}, diff lags 1..lags, 1] and the target diff."""
        rows = diff.size - lags
        columns = [x[lags : lags + rows]]
        columns += [diff[lags - j : lags - j + rows] for j in range(1, lags + 1)]
        columns.append(np.ones(rows))
        return np.column_stack(columns), diff[lags:]

    full, target = design(maxlag)
    best_lag, best_aic = 0, math.inf
    for lags in range(maxlag + 1):
        # Same rows for every candidate so the criteria compare (statsmodels' _autolag).
        exog = np.column_stack([full[:, : lags + 1], full[:, -1]])
        ssr = _ssr(exog, target)
        if ssr is None:
            continue
        aic = target.size * math.log(ssr / target.size) + 2 * exog.shape[1]
        if aic < best_aic:
            best_lag, best_aic = lags, aic
    exog, target = design(best_lag)
    stat = _t_of_first(exog, target)
    if stat is None:
        return None
    return _mackinnon_p(stat)


def _ssr(exog: np.ndarray, target: np.ndarray) -> float | None:
    """Sum of squared residuals of an OLS fit; None when degenerate."""
    coef, *_ = np.linalg.lstsq(exog, target, rcond=None)
    ssr = float(((target - exog @ coef) ** 2).sum())
    return ssr if ssr > 0 else None


def _t_of_first(exog: np.ndarray, target: np.ndarray) -> float | None:
    """t statistic of the first OLS coefficient."""
    n, k = exog.shape
    if n <= k:
        return None
    coef, *_ = np.linalg.lstsq(exog, target, rcond=None)
    resid = target - exog @ coef
    sigma2 = float(resid @ resid) / (n - k)
    try:
        cov = np.linalg.inv(exog.T @ exog) * sigma2
    except np.linalg.LinAlgError:
        return None
    if cov[0, 0] <= 0 or sigma2 <= 0:
        return None
    return float(coef[0] / math.sqrt(cov[0, 0]))


def _mackinnon_p(stat: float) -> float:
    """MacKinnon's approximate p-value for an ADF t statistic (constant, N = 1)."""
    if stat > _TAU_MAX:
        return 1.0
    if stat < _TAU_MIN:
        return 0.0
    coefs = _TAU_SMALLP if stat <= _TAU_STAR else _TAU_LARGEP
    return normal_cdf(sum(c * stat**i for i, c in enumerate(coefs)))


def seasonal(values: np.ndarray, mad_threshold: float = 6.0) -> bool:
    """ydata's FFT peak test (from Kats): a power peak standing out of the spectrum."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = x.size
    if n < 4:
        return False
    with np.errstate(divide="ignore"):
        power = 10 * np.log10(np.abs(np.fft.fft(x)) ** 2)
    freq = np.fft.fftfreq(n)
    positive = freq > 0
    freq, ampl = freq[positive], power[positive]
    finite = ampl[np.isfinite(ampl) & (ampl > 0)]
    if finite.size < 2:
        return False
    median = float(np.median(finite))
    above = finite[finite > median]
    if above.size == 0:
        return False
    mad = float(np.abs(above - above.mean()).mean())
    threshold = median + mad * mad_threshold
    # scipy.signal.find_peaks(threshold=0.1): higher than both neighbours by 0.1 or more.
    inner = ampl[1:-1]
    peaks = (inner - ampl[:-2] >= 0.1) & (inner - ampl[2:] >= 0.1) & (inner > threshold)
    return bool(peaks.any())
