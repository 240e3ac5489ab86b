"""Files over a million rows: quartiles from a kept sample, duplicates over every row."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from agent.analysis.tables import profile_csv
from agent.analysis.tables.held import estimate_mb
from agent.analysis.tables.load import CsvReader, connect, sniff_dialect

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


def test_counts_taken_apart_on_big_files_equal_those_of_one_select(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The package's scan() function shadows the module of the same name.
    scan_module = sys.modules["agent.analysis.tables.scan"]
    lines = [b"n,x,word,flag,day"] + [
        b"%d,%s,%s,%s,2024-01-%02d" % (
            i % 37, b"" if i % 11 == 0 else b"%.2f" % (i * 0.37 % 50),
            b"" if i % 13 == 0 else [b"red", b"blue", b"k"][i % 3],
            [b"true", b"false"][i % 2 == 0 or i % 7 == 0], 1 + i % 28)
        for i in range(3000)
    ]
    data = b"\n".join(lines) + b"\n"
    together = profile_csv(data)
    monkeypatch.setattr(scan_module, "COUNT_APART_ROWS", 0)
    apart = profile_csv(data)
    assert apart.histograms == together.histograms
    assert set(apart.histograms) == {"n", "x", "day"}
    assert apart.top_values == together.top_values
    assert len(apart.top_values["word"]) == 3
    assert apart.timeseries is not None
    assert apart.timeseries.equals(together.timeseries)
    assert apart.summary() == together.summary()


def test_the_same_big_file_gives_the_same_profile_on_every_run() -> None:
    # Many values tied on count: which of them a sample or a parallel top-k picks would vary
    # with thread timing; the sample, the top values and everything drawn from them must not.
    lines = [b"id,word,x,y"] + [
        b"%d,w%d,%.3f,%d" % (i, (i * 7919) % 300_000, (i * 0.618) % 97, (i * 31) % 1009)
        for i in range(ROWS)
    ]
    data = b"\n".join(lines) + b"\n"
    first = profile_csv(data, memory_budget_bytes=1 << 20)
    second = profile_csv(data, memory_budget_bytes=1 << 20)
    assert first.sampled
    assert len(first.top_values["word"]) == 10
    assert first.top_values == second.top_values
    assert first.summary() == second.summary()
    # Sums of doubles on two threads add in thread order: the last digits of means may vary.
    pd.testing.assert_frame_equal(first.columns, second.columns, check_exact=False, rtol=1e-9)
    assert first.frame.equals(second.frame)
    assert first.correlations.keys() == second.correlations.keys()
    for method, matrix in first.correlations.items():
        assert matrix.equals(second.correlations[method])


def test_text_with_few_values_in_a_big_file_is_counted_exactly() -> None:
    # Past the sample threshold: the column's values, lengths and distinct count come from a
    # count of every value, including one rare value the sample is all but sure to miss.
    words = ["rouge", "vert", "bleu clair", "été"]
    lines = [b"n,word"] + [
        b"%d,%s" % (i, ("rare-one" if i == 777_777 else words[i % 4]).encode())
        for i in range(ROWS)
    ]
    profile = profile_csv(b"\n".join(lines) + b"\n", memory_budget_bytes=1 << 20)
    expected = pd.Series(
        ["rare-one" if i == 777_777 else words[i % 4] for i in range(ROWS)]
    )
    stats = profile.columns.set_index("column").loc["word"]
    assert stats["distinct"] == 5
    assert stats["min_length"] == 3
    assert stats["max_length"] == 10
    assert stats["mean_length"] == pytest.approx(expected.str.len().mean())
    counts = expected.value_counts()
    assert profile.top_values["word"] == sorted(
        ((str(v), int(n)) for v, n in counts.items()), key=lambda p: (-p[1], p[0]))


def test_rows_held_in_memory_and_rows_in_a_spilling_table_give_the_same_profile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Files whose rows would not fit memory as Arrow are loaded into a DuckDB table instead.
    load_module = sys.modules["agent.analysis.tables.load"]
    lines = [b"id,x,word,when,flag"] + [
        b"%d,%s,%s,2024-02-%02d 10:%02d:00,%s" % (
            i, b"" if i % 17 == 0 else b"%.3f" % ((i * 0.731) % 41),
            [b"ab", b"cde", b"", b"f g"][i % 4], 1 + i % 28, i % 60,
            [b"true", b"false"][i % 3 == 0])
        for i in range(ROWS)
    ]
    data = b"\n".join(lines) + b"\n"
    held = profile_csv(data, memory_budget_bytes=1 << 20)
    monkeypatch.setattr(load_module, "ARROW_BUDGET_MB", 0)
    spilled = profile_csv(data, memory_budget_bytes=1 << 20)
    assert held.summary() == spilled.summary()
    pd.testing.assert_frame_equal(held.columns, spilled.columns, check_exact=False, rtol=1e-9)
    assert held.histograms == spilled.histograms
    assert held.top_values == spilled.top_values
    assert held.frame.equals(spilled.frame)


def test_a_column_named_rowid_does_not_pick_the_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    # Rows are drawn by a hash of their rank in the file; a column of the file that shadowed
    # that rank (the same value in every row) once drew all of the rows or none.
    scan_module = sys.modules["agent.analysis.tables.scan"]
    monkeypatch.setattr(scan_module, "SAMPLE_ABOVE_ROWS", 1_000)
    monkeypatch.setattr(scan_module, "SAMPLE_ROWS", 2_000)
    lines = [b"rowid,x"] + [b"7,%d" % (i % 101) for i in range(20_000)]
    profile = profile_csv(b"\n".join(lines) + b"\n")
    assert 1_500 < profile.analysis_rows < 2_500
    assert profile.columns.set_index("column").at["rowid", "max"] == 7


def test_moments_of_a_file_of_many_batches_are_the_same_on_every_run() -> None:
    lines = [b"x,y"] + [b"%.6f,%d" % ((i * 0.6180339) % 1.7 * 1e5, i % 977) for i in range(300_000)]
    data = b"\n".join(lines) + b"\n"
    first = profile_csv(data).columns
    second = profile_csv(data).columns
    pd.testing.assert_frame_equal(first, second, check_exact=True)


@pytest.mark.parametrize(
    "row",
    [b"%d,%d,%d", b"%d,word %d and more words,2024-01-%02d", b"%d,\xc3\xa9t\xc3\xa9 %d,%d.5"],
    ids=["short numbers", "text and dates", "accented text"],
)
def test_the_arrow_size_estimate_follows_the_rows_actually_held(
    tmp_path: Path, row: bytes
) -> None:
    # The estimate decides between memory and a table that can spill: short numbers take
    # several times their text size as Arrow, text about its own size.
    path = tmp_path / "rows.csv"
    path.write_bytes(b"a,b,c\n" + b"".join(
        row % (i % 10, i % 1000, 1 + i % 28) + b"\n" for i in range(300_000)))
    con = connect(tmp_path)
    dialect = sniff_dialect(con, path)
    reader = CsvReader(path, dialect)
    columns, _ = reader.describe(con)
    estimate = estimate_mb(path, dialect.delimiter, dialect.escape, columns)
    reader.load(con, columns)
    assert reader.rows is not None
    assert reader.rows.nbytes / (1 << 20) <= estimate < 1.5 * reader.rows.nbytes / (1 << 20)
