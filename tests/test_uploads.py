"""agent/uploads/: kind detection, keeping files, reusing analyses, rows and summaries."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from agent.analysis.logs import LogReport
from agent.analysis.tables import TableProfile
from agent.uploads import (
    AnalysisFailed,
    UploadMissing,
    analyze_upload,
    delete_upload,
    detect_kind,
    load_analysis,
    open_upload,
)
from agent.uploads.cache import AnalysisCache
from agent.uploads.store import UploadTooLarge
from config import Settings
from db.models import LOCAL_USER_ID, Upload

# Rows written without naming a user are the local user's.
ME = LOCAL_USER_ID

DATA = Path(__file__).parent / "data" / "analyze"
ORDERS = (DATA / "orders.csv").read_bytes()
APP_LOG = (DATA / "app.log").read_bytes()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(MINI_AGENT_DATA_DIR=tmp_path / "data", MINI_AGENT_MAX_UPLOAD_MB=1)


def rows(sessions: sessionmaker[Session]) -> list[Upload]:
    with sessions() as session:
        return list(session.scalars(select(Upload).order_by(Upload.id)))


def sample(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("orders.csv", ORDERS, "csv"),
        ("orders.txt", ORDERS, "csv"),
        ("orders.csv.gz", gzip.compress(ORDERS), "csv"),
        ("t.tsv", b"a\tb\tc\n1\t2\t3\n4\t5\t6\n", "csv"),
        ("semi.txt", b"name;city\nAnn;Oslo\nBo;Rome\n", "csv"),
        ("crlf.csv", b"a,b\r\n1,2\r\n3,4\r\n", "csv"),
        ("series.csv", b"time,value\n2024-01-01T00:00:00,1\n2024-01-01T00:01:00,2\n", "csv"),
        ("header.csv", b"a,b,c\n", "csv"),
        ("single.csv", b"value\n1\n2\n3\n", "csv"),
        ("app.log", APP_LOG, "log"),
        ("app.csv", APP_LOG, "log"),
        ("app.log.gz", gzip.compress(APP_LOG), "log"),
        ("cut.log.gz", gzip.compress(APP_LOG)[:600], "log"),
        ("events.jsonl", b'{"level":"info","msg":"a, b"}\n{"level":"warn","msg":"c, d"}\n', "log"),
        ("syslog", b"Mar  3 10:00:01 host sshd[1]: Accepted\nMar  3 10:00:02 host cron[2]: ok\n",
         "log"),
        ("plain.txt", b"starting up\nall good\nshutting down\n", "log"),
        ("empty.csv", b"", "csv"),
        ("empty.log", b"", "log"),
    ],
)
def test_detect_kind_reads_the_content_and_uses_the_name_only_when_unsure(
    tmp_path: Path, name: str, content: bytes, kind: str
) -> None:
    assert detect_kind(sample(tmp_path, name, content)) == kind


def test_an_upload_is_kept_by_sha256_and_recorded_with_its_summary(sessions, settings) -> None:
    result = analyze_upload(sessions, settings, "orders.csv", io.BytesIO(ORDERS), user_id=ME)
    assert result.kind == "csv" and not result.reused
    assert isinstance(result.analysis, TableProfile)
    [row] = rows(sessions)
    kept = settings.data_dir.resolve() / "uploads" / row.sha256 / "orders.csv"
    assert row.stored_path == str(kept) and kept.read_bytes() == ORDERS
    assert (row.name, row.kind, row.size_bytes) == ("orders.csv", "csv", len(ORDERS))
    assert row.summary["rows"] == 121 and row.summary["duplicate_rows"] == 1


def test_the_same_bytes_reuse_the_row_even_under_another_name(sessions, settings) -> None:
    first = analyze_upload(sessions, settings, "app.log", io.BytesIO(APP_LOG), user_id=ME)
    again = analyze_upload(sessions, settings, "copy.log", io.BytesIO(APP_LOG), user_id=ME)
    assert again.reused and again.upload.id == first.upload.id
    [row] = rows(sessions)
    assert row.summary["format"] == first.analysis.summary()["format"]
    # One copy of the bytes is kept, under the name the row shows.
    folder = Path(row.stored_path).parent
    assert row.name == "app.log" and [p.name for p in folder.iterdir()] == ["app.log"]


def test_the_same_bytes_adopt_the_new_copy_when_the_old_one_is_gone(sessions, settings) -> None:
    first = analyze_upload(sessions, settings, "app.log", io.BytesIO(APP_LOG), user_id=ME)
    Path(first.upload.stored_path).unlink()
    again = analyze_upload(sessions, settings, "copy.log", io.BytesIO(APP_LOG), user_id=ME)
    assert again.upload.id == first.upload.id
    assert Path(again.upload.stored_path).name == "copy.log"
    assert Path(rows(sessions)[0].stored_path).read_bytes() == APP_LOG


def test_a_file_that_cannot_be_analysed_is_neither_recorded_nor_kept(sessions, settings) -> None:
    with pytest.raises(AnalysisFailed, match="empty"):
        analyze_upload(sessions, settings, "empty.csv", io.BytesIO(b""), user_id=ME)
    assert rows(sessions) == []
    assert not any(p.is_file() for p in (settings.data_dir / "uploads").rglob("*"))


def test_a_file_over_the_limit_is_refused(sessions, settings) -> None:
    with pytest.raises(UploadTooLarge, match="1 MB"):
        analyze_upload(sessions, settings, "big.log", io.BytesIO(b"x\n" * 600_000),
                       user_id=ME)
    assert rows(sessions) == []


def test_reading_an_upload_as_the_other_kind_updates_its_row(sessions, settings) -> None:
    first = analyze_upload(sessions, settings, "orders.csv", io.BytesIO(ORDERS), user_id=ME)
    reopened = open_upload(sessions, first.upload.id, user_id=ME, kind="log")
    assert isinstance(reopened.analysis, LogReport)
    [row] = rows(sessions)
    assert row.kind == "log" and "format" in row.summary


def test_an_upload_whose_file_is_gone_says_so(sessions, settings) -> None:
    result = analyze_upload(sessions, settings, "app.log", io.BytesIO(APP_LOG), user_id=ME)
    Path(result.upload.stored_path).unlink()
    with pytest.raises(UploadMissing, match="upload it again"):
        load_analysis(result.upload)


def test_deleting_an_upload_removes_its_row_and_its_file(sessions, settings) -> None:
    result = analyze_upload(sessions, settings, "app.log", io.BytesIO(APP_LOG), user_id=ME)
    kept = Path(result.upload.stored_path)
    delete_upload(sessions, result.upload.id, user_id=ME, data_dir=settings.data_dir)
    assert rows(sessions) == []
    assert not kept.exists() and not kept.parent.exists()


def test_the_cache_analyses_each_sha256_and_kind_once(sessions, settings) -> None:
    cache = AnalysisCache()
    calls: list[str] = []
    result = analyze_upload(
        sessions, settings, "app.log", io.BytesIO(APP_LOG), user_id=ME, analyse=cache,
        progress=lambda fraction, message: calls.append(message),
    )
    assert calls
    calls.clear()
    # Without the file, only a cache hit can succeed: nothing is read again.
    Path(result.upload.stored_path).rename(Path(result.upload.stored_path).with_suffix(".gone"))
    again = cache(Path("/nowhere"), "log", result.upload.sha256, lambda f, m: calls.append(m))
    assert again is result.analysis and calls == []
    with pytest.raises(AnalysisFailed):
        cache(Path("/nowhere"), "csv", result.upload.sha256, None)


def test_a_log_with_a_nul_byte_after_the_first_8_kb_is_recorded(sessions, settings) -> None:
    lines = b"".join(b"2024-05-01 10:00:%02d INFO worker %d started\n" % (i % 60, i)
                     for i in range(300))
    content = lines + b"2024-05-01 10:05:00 ERROR bad byte \x00 in frame\n"
    assert len(lines) > 8192
    result = analyze_upload(sessions, settings, "nul.log", io.BytesIO(content), user_id=ME,
                            kind="log")
    [row] = rows(sessions)
    assert row.id == result.upload.id and row.summary is not None
    assert "\x00" not in str(row.summary)
    assert Path(row.stored_path).is_file()


def test_an_upload_that_cannot_be_recorded_leaves_no_file_behind(
    sessions, settings, monkeypatch
) -> None:
    from sqlalchemy.exc import DataError

    import agent.uploads as uploads

    def refuse(*args, **kwargs):
        raise DataError("INSERT", {}, Exception("refused"))

    monkeypatch.setattr(uploads, "add_upload", refuse)
    with pytest.raises(DataError):
        analyze_upload(sessions, settings, "orders.csv", io.BytesIO(ORDERS), user_id=ME)
    assert rows(sessions) == []
    assert not any(p.is_file() for p in (settings.data_dir / "uploads").rglob("*"))
