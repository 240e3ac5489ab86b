"""Missing values, correlations and exact quartiles of agent.analysis.tables, against pandas."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from agent.analysis.tables import correlation_figure, missing_figure, profile_csv


def penguins_like() -> bytes:
    """60 penguins: sex missing for 4, two birds with no measurement at all."""
    rows = ["species,bill_length_mm,flipper_length_mm,body_mass_g,sex"]
    for i in range(60):
        species = ["Adelie", "Gentoo", "Chinstrap"][i % 3]
        sex = "" if i in (3, 17, 29, 41) else ["male", "female"][i % 2]
        if i in (10, 50):
            rows.append(f"{species},,,,{sex}")
        else:
            rows.append(f"{species},{38 + i % 9 + 0.1 * i},{180 + i % 23},{3500 + 37 * i},{sex}")
    return ("\n".join(rows) + "\n").encode()


def test_penguins_like_missing_values_are_counted_charted_and_alerted() -> None:
    profile = profile_csv(penguins_like())
    assert profile.missing_cells == 4 + 2 * 3
    assert profile.rows_with_missing == 6
    found = {(a.column, a.kind) for a in profile.alerts if a.kind == "missing"}
    assert found == {("sex", "missing"), ("bill_length_mm", "missing"),
                     ("flipper_length_mm", "missing"), ("body_mass_g", "missing")}
    figure = missing_figure(profile)
    assert figure is not None
    (heatmap,) = figure.data
    z = np.asarray(heatmap.z)
    assert z.shape == (60, 5) and z.sum() == 10
    assert list(z[10]) == [0, 1, 1, 1, 0]


def test_no_missing_matrix_when_nothing_is_missing() -> None:
    assert missing_figure(profile_csv(b"a,b\n1,2\n3,4\n")) is None


def test_correlations_on_a_known_pair_match_pandas_with_pairwise_missing_rows() -> None:
    x = np.arange(1.0, 41.0)
    frame = pd.DataFrame({"x": x, "cube": x**3, "down": -x, "g": ["a", "b"] * 20,
                          "h": ["a", "b"] * 20})
    frame.loc[5, "cube"] = np.nan
    profile = profile_csv(frame.to_csv(index=False).encode())
    pearson, spearman = profile.correlations["pearson"], profile.correlations["spearman"]
    assert pearson.at["x", "cube"] == pytest.approx(frame["x"].corr(frame["cube"]))
    assert pearson.at["x", "down"] == pytest.approx(-1.0)
    assert spearman.at["x", "cube"] == pytest.approx(1.0)
    # Bias-corrected with Yates on a 2x2 table, as scipy and ydata do: 0.949, not 1.
    assert profile.correlations["cramers"].at["g", "h"] == pytest.approx(0.9486, abs=1e-3)
    assert profile.correlations["auto"].at["x", "cube"] == pytest.approx(1.0)
    figure = correlation_figure(profile, "spearman")
    assert figure is not None and "Spearman" in figure.layout.title.text


def test_median_and_quartiles_are_exact_like_pandas() -> None:
    rng = np.random.default_rng(7)
    values = rng.lognormal(7, 1, 5001).round(2)
    profile = profile_csv(pd.DataFrame({"price": values}).to_csv(index=False).encode())
    stats = profile.columns.set_index("column").loc["price"]
    expected = pd.Series(values).quantile([0.25, 0.5, 0.75]).to_list()
    assert [stats["p25"], stats["p50"], stats["p75"]] == pytest.approx(expected, rel=1e-12)
    assert profile.quartiles_exact


def test_summary_reports_the_missing_figures_and_the_series() -> None:
    text = "year,month,v\n" + "".join(f"{2000 + i // 12},{i % 12 + 1},{i}\n" for i in range(24))
    summary = profile_csv(io.BytesIO(text.encode())).summary()
    assert summary["missing_cells"] == 0 and summary["rows_with_missing"] == 0
    assert summary["series"] == {"kind": "calendar", "time": "year + month", "entity": None,
                                 "values": ["v"]}


def test_correlations_worked_out_for_a_wrong_guess_match_those_worked_out_fresh() -> None:
    # The profile computes the sample's correlations ahead, over column lists guessed before
    # the full-file counts say which columns are numeric or categorical; a wrong guess must
    # not leak into the matrices of the real lists.
    from agent.analysis.tables.correlations import Inputs, correlation_matrices

    rng = np.random.default_rng(3)
    n = 500
    x = rng.normal(size=n)
    frame = pd.DataFrame({
        "x": x,
        "y": np.where(rng.random(n) < 0.1, np.nan, x * 3 + rng.normal(size=n)),
        # 40 values; kind follows their parity, which ten equal-width bins blur.
        "level": (level := rng.integers(1, 41, n)),
        "kind": np.where(level % 2 == 0, "even", "odd"),
        "flag": pd.Series(rng.choice(["yes", "no", ""], n)).replace("", None),
    })
    real = (["x", "y", "level"], ["x", "y"], ["level", "kind", "flag"])
    fresh = correlation_matrices(frame, *real)
    inputs = Inputs(frame)
    # Guessed wrong: level taken as continuous, flag not categorical.
    guessed = correlation_matrices(frame, ["x", "y", "level"], ["x", "y", "level"], ["kind"],
                                   inputs)
    reused = correlation_matrices(frame, *real, inputs)
    assert fresh.keys() == reused.keys() == {"pearson", "spearman", "cramers", "auto"}
    for method, matrix in fresh.items():
        pd.testing.assert_frame_equal(matrix, reused[method], check_exact=True)
    # The guess did compute level against kind differently (binned); it was not reused.
    assert guessed["auto"].at["kind", "level"] != reused["auto"].at["kind", "level"]
