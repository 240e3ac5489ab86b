"""Files over a million rows: quartiles from a kept sample, duplicates over every row."""

from __future__ import annotations

from agent.analysis.tables import profile_csv

ROWS = 1_200_000


def _sorted_file() -> bytes:
    """A sorted id, a value cycling 0..999 and a row repeated at the end."""
    body = b"".join(b"%d,%d\n" % (i, i % 1000) for i in range(ROWS))
    return b"id,v\n" + body + b"%d,%d\n" % (ROWS - 1, (ROWS - 1) % 1000)


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
