"""Tests for agent.analysis.tables: reading, kinds, alerts, sampling and summaries."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from pathlib import Path

import pytest

from agent.analysis.tables import profile_csv

SIMPLE = "name,age,city\nalice,31,paris\nbob,42,rome\ncarol,27,oslo\n"


def kinds(text: str | bytes) -> dict[str, str]:
    """Kinds by column name for a small CSV."""
    data = text.encode() if isinstance(text, str) else text
    return profile_csv(data).summary()["kinds"]


def test_path_bytes_and_file_object_give_the_same_profile(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(SIMPLE)
    by_path = profile_csv(path).summary()
    assert profile_csv(str(path)).summary() == by_path
    assert profile_csv(SIMPLE.encode()).summary() | {"file_bytes": 0} == by_path | {
        "file_bytes": 0
    }
    assert profile_csv(io.BytesIO(SIMPLE.encode())).summary()["kinds"] == by_path["kinds"]


def test_quoted_newlines_and_doubled_quotes_are_parsed() -> None:
    profile = profile_csv(b'id,note\n1,"two\nlines"\n2,"he said ""hi"""\n3,plain\n')
    assert profile.rows == 3
    assert list(profile.frame["note"]) == ["two\nlines", 'he said "hi"', "plain"]


def test_backslash_escaped_quotes_are_parsed() -> None:
    profile = profile_csv(b'id,note\n1,"say \\"hi\\""\n2,"x"\n')
    assert list(profile.frame["note"]) == ['say "hi"', "x"]


@pytest.mark.parametrize(("delimiter", "name"), [(";", "semicolon"), ("\t", "tab"), ("|", "pipe")])
def test_semicolon_tab_and_pipe_delimited_files_are_sniffed(delimiter: str, name: str) -> None:
    text = SIMPLE.replace(",", delimiter)
    profile = profile_csv(text.encode())
    assert profile.delimiter == delimiter, name
    assert list(profile.frame.columns) == ["name", "age", "city"]


def test_utf8_bom_is_dropped_from_the_first_header() -> None:
    profile = profile_csv(b"\xef\xbb\xbf" + "ville,n\nMünchen,1\nZürich,2\n".encode())
    assert list(profile.frame.columns) == ["ville", "n"]
    assert profile.frame["ville"].tolist() == ["München", "Zürich"]


def test_utf16_with_bom_is_transcoded() -> None:
    profile = profile_csv("ville;n\nMünchen;1\nZürich;2\n".encode("utf-16"))
    assert profile.encoding == "utf-16"
    assert profile.frame["ville"].tolist() == ["München", "Zürich"]


def test_latin1_file_falls_back_with_a_warning() -> None:
    profile = profile_csv("ville,n\nMünchen,1\nZürich,2\n".encode("latin-1"))
    assert profile.encoding == "latin-1"
    assert profile.frame["ville"].tolist() == ["München", "Zürich"]
    assert any("Latin-1" in w for w in profile.warnings)


def test_file_without_header_gets_generated_column_names() -> None:
    profile = profile_csv(b"1,foo,2024-01-01\n2,bar,2024-01-02\n3,baz,2024-01-03\n")
    assert not profile.has_header
    assert profile.rows == 3


def test_ragged_lines_are_reported_with_their_line_numbers() -> None:
    text = b'a,b,c\n1,2,3\n4,5\n"x\ny",7,8\n9,10,11,12\n13,14,15\n'
    profile = profile_csv(text)
    assert profile.rows == 3
    assert [bad.line for bad in profile.bad_lines] == [3, 6]
    assert profile.bad_lines[0].text == "4,5"
    assert profile.summary()["bad_line_count"] == 2


def test_gzip_file_is_decompressed(tmp_path: Path) -> None:
    path = tmp_path / "data.csv.gz"
    path.write_bytes(gzip.compress(SIMPLE.encode()))
    profile = profile_csv(path)
    assert profile.compression == "gzip"
    assert profile.rows == 3


def test_zip_with_one_csv_is_read() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("people.csv", SIMPLE)
    profile = profile_csv(buffer.getvalue())
    assert profile.compression == "zip"
    assert profile.frame["name"].tolist() == ["alice", "bob", "carol"]


def test_integers_are_numeric() -> None:
    assert kinds("qty\n1\n5\n5\n12\n")["qty"] == "numeric"


def test_yes_no_and_true_false_are_boolean() -> None:
    found = kinds("paid,active\nyes,true\nno,false\nyes,true\nyes,false\n")
    assert found == {"paid": "boolean", "active": "boolean"}


def test_iso_dates_are_datetime() -> None:
    found = kinds("day,at\n2024-01-01,2024-01-01T10:00:00\n2024-02-01,2024-03-01T11:30:00\n")
    assert found == {"day": "datetime", "at": "datetime"}


def test_few_repeated_strings_are_categorical() -> None:
    assert kinds("color\nred\nblue\nred\nred\nblue\n")["color"] == "categorical"


def test_long_free_text_is_text() -> None:
    rows = [f'"This is comment number {i}, written freely by a customer."' for i in range(10)]
    assert kinds("comment\n" + "\n".join(rows) + "\n")["comment"] == "text"


def test_unique_ints_and_uuids_named_like_ids_are_ids() -> None:
    uuids = [
        "3f2b8a1e-4c5d-4e6f-8a9b-0c1d2e3f4a5b",
        "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d",
        "0f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f",
    ]
    text = "user_id,token\n" + "".join(f"{i},{u}\n" for i, u in enumerate(uuids, 1))
    assert kinds(text) == {"user_id": "id", "token": "id"}


def test_unique_ints_not_named_like_ids_stay_numeric() -> None:
    assert kinds("amount\n10\n20\n30\n")["amount"] == "numeric"


def test_numeric_stats_cover_the_whole_column() -> None:
    profile = profile_csv(b"x\n1\n2\n3\n4\n")
    row = profile.columns.set_index("column").loc["x"]
    assert (row["min"], row["max"], row["mean"], row["p50"]) == (1, 4, 2.5, 2.5)
    assert row["missing"] == 0
    assert row["histogram"] == [1, 1, 1, 1]


def alert_kinds(text: str) -> set[tuple[str | None, str]]:
    """(column, alert kind) pairs raised on a small CSV."""
    return {(a["column"], a["kind"]) for a in profile_csv(text.encode()).summary()["alerts"]}


def test_high_cardinality_is_flagged() -> None:
    text = "code\n" + "".join(f"c{i % 90}\n" for i in range(120))
    assert ("code", "high_cardinality") in alert_kinds(text)


def test_mixed_types_in_one_column_are_flagged() -> None:
    assert ("ref", "mixed_types") in alert_kinds("ref\n12\n15\nabc\n18\nxyz\n")


def test_duplicate_rows_are_counted_and_flagged() -> None:
    profile = profile_csv(b"a,b\n1,x\n1,x\n2,y\n")
    assert profile.duplicate_rows == 1
    assert (None, "duplicates") in {(a.column, a.kind) for a in profile.alerts}


def test_file_over_the_budget_is_sampled_but_stats_cover_all_rows() -> None:
    text = "n,color\n" + "".join(f"{i},{'red' if i % 2 else 'blue'}\n" for i in range(2000))
    profile = profile_csv(text.encode(), memory_budget_bytes=2000)
    assert profile.sampled
    assert 0 < profile.sample_rows == len(profile.frame) < 2000
    assert profile.rows == 2000
    stats = profile.columns.set_index("column")
    assert stats.at["n", "max"] == 1999
    assert profile.top_values["color"] == [("blue", 1000), ("red", 1000)]


def test_small_file_is_loaded_whole() -> None:
    profile = profile_csv(SIMPLE.encode())
    assert not profile.sampled
    assert len(profile.frame) == profile.rows == 3


def test_summary_is_json_serializable() -> None:
    text = "when,qty,ok\n2024-01-01,1,yes\n2024-01-02,,no\n2024-01-03,3,yes\n"
    summary = profile_csv(text.encode()).summary()
    assert json.loads(json.dumps(summary)) == summary
    assert summary["rows"] == 3 and summary["columns"] == 3
    assert summary["sampled"] is False


def test_progress_is_reported_from_zero_to_one() -> None:
    seen: list[float] = []
    profile_csv(SIMPLE.encode(), progress=lambda fraction, message: seen.append(fraction))
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert seen == sorted(seen)
