"""The CSV tabs of the Analyze page: missing-value figures, correlation picker, time series."""

from __future__ import annotations

import uuid

from streamlit.testing.v1 import AppTest

from tests.test_analyze_page import data_dir, metric, open_page, page_env, unique, upload

__all__ = ["data_dir", "page_env"]  # fixtures the tests below take by name


def monthly_csv() -> bytes:
    """Two years of monthly sales with three gaps, in year and month columns.

    The visits start at a random level so no earlier run's cached analysis is reused.
    """
    base = uuid.uuid4().int % 10_000
    lines = ["year,month,sales,visits"]
    for i in range(24):
        sales = "" if i in (3, 9, 15) else str(100 + 4 * i + (i * 7) % 5)
        lines.append(f"{2020 + i // 12},{i % 12 + 1},{sales},{(i * 37) % 29 + base}")
    return ("\n".join(lines) + "\n").encode()


def test_the_overview_counts_missing_cells_and_the_charts_offer_every_view(page_env) -> None:
    at: AppTest = upload(open_page(), "monthly.csv", monthly_csv())
    assert not at.exception and not at.error
    assert metric(at, "Missing cells") == "3"
    assert metric(at, "Rows with a missing value") == "3"
    assert any("'sales' has 3 missing values" in m.value for m in at.markdown)
    picker = next(r for r in at.radio if r.label == "Correlation")
    assert picker.options[:3] == ["ydata's mixed (Spearman; Cramér's V with a category)",
                                  "Pearson", "Spearman"]
    picker.set_value("pearson").run()
    assert not at.exception
    series = next(s for s in at.selectbox if s.label.startswith("Time series over"))
    assert series.label == "Time series over year + month"
    assert series.options == ["sales", "visits"]


def test_a_header_only_csv_says_it_has_no_rows_and_draws_no_chart(page_env) -> None:
    at = upload(open_page(), "empty-table.csv", unique(b"id,name,price\n"))
    assert not at.exception and not at.error
    assert any("no rows" in i.value for i in at.info)
    assert not at.success or all("No alerts" not in s.value for s in at.success)
