"""Files over a million rows: quartiles from a kept sample, duplicates over every row."""

from __future__ import annotations

from agent.analysis.tables import profile_csv

ROWS = 1_200_000


def _sorted_file(*, repeat_last: bool = True) -> bytes:
    """A sorted id, a value cycling 0..999 and, unless told not to, the last row repeated."""
    body = b"".join(b"%d,%d\n" % (i, i % 1000) for i in range(ROWS))
    tail = b"%d,%d\n" % (ROWS - 1, (ROWS - 1) % 1000) if repeat_last else b""
    return b"id,v\n" + body + tail


def test_quartiles_of_a_big_sorted_file_cover_the_whole_range() -> None:
    profile = profile_csv(_sorted_file(), memory_budget_bytes=1 << 20)
    stats = profile.columns.set_index("column")
    assert abs(stats.at["id", "p50"] - ROWS / 2) < ROWS * 0.01
    assert abs(stats.at["v", "p25"] - 250) < 10
    assert stats.at["id", "max"] == ROWS - 1
    assert profile.duplicate_rows == 1
    assert profile.sampled
    assert 0 < len(profile.frame) < ROWS
    assert profile.frame["id"].max() > ROWS / 2


def test_a_unique_key_column_proves_there_are_no_duplicate_rows() -> None:
    profile = profile_csv(_sorted_file(repeat_last=False), memory_budget_bytes=1 << 20)
    assert profile.duplicate_rows == 0
    assert profile.columns.set_index("column").at["id", "distinct"] == ROWS
