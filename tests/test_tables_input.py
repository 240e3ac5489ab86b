"""Bad input to profile_csv: a clear TableProfileError or a warning, never a crash."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from agent.analysis.tables import TableProfileError, profile_csv

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(TableProfileError, match="empty"):
        profile_csv(path)


def test_whitespace_only_file_is_refused() -> None:
    with pytest.raises(TableProfileError, match="empty"):
        profile_csv(b"\n\n  \n")


def test_header_only_file_has_no_rows_and_says_so() -> None:
    profile = profile_csv(b"a,b,c\n")
    assert profile.rows == 0
    assert any("no data rows" in w for w in profile.warnings)


def test_binary_file_named_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(TableProfileError, match="binary"):
        profile_csv(path)


def test_png_image_is_refused_by_name() -> None:
    with pytest.raises(TableProfileError, match="PNG image"):
        profile_csv(PNG + b"\x00" * 100)


def test_single_column_file_is_profiled() -> None:
    profile = profile_csv(b"value\n1\n2\n3\n")
    assert profile.column_count == 1
    assert profile.rows == 3


def test_ten_thousand_columns_are_capped_with_a_warning() -> None:
    header = ",".join(f"c{i}" for i in range(10_000))
    row = ",".join(str(i) for i in range(10_000))
    profile = profile_csv(f"{header}\n{row}\n{row}\n".encode())
    assert profile.column_count == 200
    assert any("10,000 columns" in w for w in profile.warnings)


def test_mixed_line_endings_are_read() -> None:
    profile = profile_csv(b"a,b\r\n1,2\n3,4\r\n5,6\n")
    assert profile.rows == 3
    assert profile.frame["b"].tolist() == [2, 4, 6]


def test_a_ten_megabyte_line_is_read() -> None:
    profile = profile_csv(b"a,b\n1," + b"x" * 10_000_000 + b"\n2,y\n")
    assert profile.rows == 2
    assert profile.columns.set_index("column").at["b", "max_length"] == 10_000_000


def test_invalid_utf8_in_the_middle_becomes_a_bad_line() -> None:
    # Past the 1 MB head that decides the encoding, so the file stays UTF-8.
    good = b"".join(b"%d,ok\n" % i for i in range(200_000))
    profile = profile_csv(b"a,b\n" + good + b"200000,\xff\xfe broken\n200001,ok\n")
    assert profile.encoding == "utf-8"
    assert profile.rows == 200_001
    assert [bad.line for bad in profile.bad_lines] == [200_002]
    assert profile.bad_line_count == 1


def test_truncated_gzip_keeps_what_was_readable_with_a_warning(tmp_path: Path) -> None:
    text = "n,v\n" + "".join(f"{i},{i * 2}\n" for i in range(20_000))
    packed = gzip.compress(text.encode())
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(packed[: len(packed) // 2])
    profile = profile_csv(path)
    assert 0 < profile.rows < 20_000
    assert any("truncated" in w for w in profile.warnings)


def test_gzip_cut_inside_its_header_is_refused() -> None:
    with pytest.raises(TableProfileError):
        profile_csv(gzip.compress(b"a,b\n1,2\n")[:8])


def test_missing_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TableProfileError, match="No such file"):
        profile_csv(tmp_path / "nope.csv")


def test_a_long_line_far_below_the_sniffed_rows_is_read() -> None:
    # Past DuckDB's 2 MB default line limit and its 20,480-row sniff sample: found while loading.
    rows = b"".join(b"%d,y\n" % i for i in range(50_000))
    profile = profile_csv(b"a,b\n" + rows + b"50000," + b"x" * 3_000_000 + b"\n50001,z\n")
    assert profile.rows == 50_002
    assert profile.bad_line_count == 0
    assert profile.columns.set_index("column").at["b", "max_length"] == 3_000_000


def test_damaged_gzip_under_one_read_keeps_the_part_before_the_damage() -> None:
    # The whole file is one 4 MB read: zlib's error used to throw all of its output away.
    text = "n,v\n" + "".join(f"{i},{i * 7919 % 10007}\n" for i in range(100_000))
    packed = bytearray(gzip.compress(text.encode()))
    middle = len(packed) // 2
    packed[middle : middle + 200] = bytes(200)
    profile = profile_csv(bytes(packed))
    assert profile.rows > 40_000
    assert any("truncated or damaged" in w for w in profile.warnings)
