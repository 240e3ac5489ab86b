"""One sniff of the file gives the dialect, the header and the columns read_csv then uses."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from agent.analysis.tables.load import (
    NONE_FOUND,
    SNIFF_SAMPLE_LINES,
    CsvReader,
    Dialect,
    sniff_dialect,
)

UNQUOTED_HEAD = b"".join(b"%d,%d.5,w%d\n" % (i, i, i % 7) for i in range(SNIFF_SAMPLE_LINES + 10))

FILES = {
    "quoted text with commas": b'id,name,price\n1,"Smith, J",2.5\n2,"O""Neil",3\n3,Lee,4.25\n',
    "no quotes at all": b"a;b;when\n1;x;2024-01-02\n2;y;2024-01-03\n3;z;2024-02-01\n",
    "no header": b"1,2.5,x\n2,3.5,y\n3,4.5,z\n",
    "backslash escapes": b'k,v\n1,"say \\"hi\\""\n2,"plain"\n3,"a\\"b"\n',
    "quotes only past the sniffed lines": b"n,x,w\n" + UNQUOTED_HEAD + b'5,6.5,"w, quoted"\n',
    "times of day": b"t,n\n10:00:00,1\n11:30:00,2\n12:45:10,3\n",
}


@pytest.mark.parametrize("content", FILES.values(), ids=FILES.keys())
def test_columns_from_the_first_sniff_are_those_read_csv_finds_with_its_options(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "table.csv"
    path.write_bytes(content)
    con = duckdb.connect()
    dialect = sniff_dialect(con, path)
    once = CsvReader(path, dialect).describe(con)
    # Without what the first sniff found, describe() asks DuckDB with read_csv's own options.
    again = CsvReader(path, Dialect(dialect.delimiter, dialect.escape)).describe(con)
    assert once == again


def test_a_file_without_quotes_in_its_sniffed_lines_is_not_sniffed_twice(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_bytes(b"n,x\n" + b"".join(b"%d,%d\n" % (i, i * 3) for i in range(100)))
    assert sniff_dialect(duckdb.connect(), path).sniffed is not None


def test_a_file_with_quotes_in_its_sniffed_lines_but_none_found_is_sniffed_again(
    tmp_path: Path,
) -> None:
    # A lone quote character inside a field: the sniffer may find no quoting, yet read_csv's
    # '"' quoting could read those lines differently, so its own sniff decides.
    path = tmp_path / "inch.csv"
    path.write_bytes(b"size,n\n" + b"".join(b'%d",%d\n' % (i, i) for i in range(50)))
    found = duckdb.connect().execute(
        f"SELECT Quote FROM sniff_csv('{path}', ignore_errors=true)").fetchall()[0][0]
    assert found == NONE_FOUND
    assert sniff_dialect(duckdb.connect(), path).sniffed is None
