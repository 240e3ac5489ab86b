"""The Analyze page's pure helpers: log search and the paged data view."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from agent.log_search import InvalidPattern
from ui.analyze_csv import page_of
from ui.analyze_logs import search_records

RECORDS = pd.DataFrame(
    {
        "line": [1, 2, 3, 4],
        "timestamp": pd.to_datetime(
            ["2024-01-01 10:00", "2024-01-01 10:05", None, "2024-01-01 11:00"]
        ),
        "level": ["INFO", "ERROR", "ERROR", "WARN"],
        "message": ["user Ann logged in", "DB timeout after 30s", "db Timeout again", None],
    }
)


def lines(found: pd.DataFrame) -> list[int]:
    return list(found["line"])


def test_text_search_ignores_case_and_counts_every_match() -> None:
    found, total = search_records(RECORDS, text="timeout", limit=1)
    assert lines(found) == [2] and total == 2


def test_regex_search_matches_ignoring_case() -> None:
    found, total = search_records(RECORDS, text=r"timeout \w+ \d+s$", regex=True)
    assert lines(found) == [2] and total == 1


def test_an_invalid_regex_raises_for_the_page_to_explain() -> None:
    with pytest.raises(InvalidPattern, match="not a valid regular expression"):
        search_records(RECORDS, text="db-(1|2", regex=True)


def test_lookaround_is_refused_because_the_search_runs_in_linear_time() -> None:
    with pytest.raises(InvalidPattern, match="Lookaround and backreferences"):
        search_records(RECORDS, text=r"timeout(?= after)", regex=True)


def test_text_with_regex_characters_is_literal_when_regex_is_off() -> None:
    assert search_records(RECORDS, text="(")[1] == 0


def test_level_and_time_filters_combine() -> None:
    window = (datetime(2024, 1, 1, 10, 1), datetime(2024, 1, 1, 12))
    found, total = search_records(RECORDS, levels=["ERROR", "WARN"], window=window)
    assert lines(found) == [2, 4] and total == 2


def test_pages_are_one_based_and_sorting_puts_missing_values_last() -> None:
    frame = pd.DataFrame({"n": [3.0, None, 1.0, 2.0, 5.0]})
    assert list(page_of(frame, sort_by=None, descending=False, page=2, page_size=2)["n"]
                .fillna(-1)) == [1.0, 2.0]
    top = page_of(frame, sort_by="n", descending=True, page=1, page_size=5)
    assert list(top["n"].fillna(-1)) == [5.0, 3.0, 2.0, 1.0, -1]
