"""Uploaded files end to end: keep the bytes, tell CSV from log, analyse, record the summary."""

from __future__ import annotations

import csv
import re
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from agent.analysis.logs import LogAnalysisError, LogReport, analyze_log
from agent.analysis.sniff import is_gzip
from agent.analysis.tables import TableProfile, TableProfileError, profile_csv
from agent.errors import MiniAgentError
from agent.uploads.store import store_file, uploads_dir
from config import Settings
from db.models import Upload
from db.uploads import add_upload, find_by_sha256, get_upload, path_in_use, set_summary

Kind = Literal["csv", "log"]
KINDS: tuple[Kind, ...] = ("csv", "log")
Analysis = TableProfile | LogReport
Progress = Callable[[float, str], None]
# Runs (or fetches from a cache) the analysis of the kept file with this SHA-256.
Analyser = Callable[[Path, Kind, str, Progress | None], Analysis]

SNIFF_BYTES = 64 * 1024
SNIFF_LINES = 50
DELIMITERS = (",", "\t", ";", "|")
TABLE_SUFFIXES = (".csv", ".tsv")
# A line opening with a date/time (ISO, syslog, bracketed, epoch) or carrying a level word.
_LOG_LINE = re.compile(
    r"^\s*[\[(]?(\d{4}-\d\d-\d\d[T ]\d\d:\d\d|\d{4}/\d\d/\d\d|\d\d/\w{3}/\d{4}"
    r"|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d|\d\d:\d\d:\d\d|\d{10}(\.\d+)?\s)"
    r"|\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|SEVERE|FATAL|CRITICAL)\b"
)


class AnalysisFailed(MiniAgentError):
    """The file could not be analysed as the kind asked; the message says why and what to do."""


class UploadMissing(MiniAgentError):
    """The upload's row exists but its kept file is gone."""


@dataclass(frozen=True)
class AnalyzedUpload:
    """An upload's row with its analysis; `reused` when the same bytes had been uploaded before."""

    upload: Upload
    kind: Kind
    analysis: Analysis
    reused: bool


def detect_kind(path: Path) -> Kind:
    """CSV when the first lines split consistently on one delimiter, else log (gzip aware)."""
    lines = _head_lines(path)
    by_name: Kind = "csv" if _plain_suffix(path.name) in TABLE_SUFFIXES else "log"
    if not lines or any("\x00" in line for line in lines):
        # Empty or binary: the library of the name's kind will say what is wrong.
        return by_name
    if sum(line.lstrip().startswith("{") for line in lines) >= 0.8 * len(lines):
        return "log"
    log_share = sum(bool(_LOG_LINE.search(line)) for line in lines) / len(lines)
    header_like = not _LOG_LINE.search(lines[0])
    if _splits_consistently(lines) and (header_like or log_share < 0.5):
        return "csv"
    if log_share >= 0.5:
        return "log"
    return by_name


def _head_lines(path: Path) -> list[str]:
    """The first complete lines of the (decompressed) file; a lone partial line if no others."""
    with path.open("rb") as raw:
        magic = raw.read(2)
        raw.seek(0)
        head = _read_gzip_head(raw) if is_gzip(magic) else raw.read(SNIFF_BYTES)
    text = head.decode("utf-8", errors="replace").removeprefix("\ufeff")
    lines = text.splitlines()
    if len(lines) > 1 and len(head) == SNIFF_BYTES:
        lines.pop()
    return [line for line in lines if line.strip()][:SNIFF_LINES]


def _read_gzip_head(raw: BinaryIO) -> bytes:
    """As much of the first SNIFF_BYTES as a possibly truncated gzip stream yields."""
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    head = b""
    while len(head) < SNIFF_BYTES and (block := raw.read(SNIFF_BYTES)):
        try:
            head += decompressor.decompress(block, SNIFF_BYTES - len(head))
        except zlib.error:
            break
    return head


def _plain_suffix(name: str) -> str:
    """The extension that says what the content is: `.csv` for both `x.csv` and `x.csv.gz`."""
    path = Path(name.lower())
    return path.with_suffix("").suffix if path.suffix == ".gz" else path.suffix


def _splits_consistently(lines: list[str]) -> bool:
    """True when one delimiter splits at least 90% of the lines into the same 2+ fields."""
    for delimiter in DELIMITERS:
        try:
            counts = Counter(len(row) for row in csv.reader(lines, delimiter=delimiter))
        except csv.Error:
            continue
        fields, hits = counts.most_common(1)[0]
        if fields >= 2 and hits >= 0.9 * len(lines):
            return True
    return False


def run_analysis(
    path: Path, kind: Kind, sha256: str = "", progress: Progress | None = None
) -> Analysis:
    """Run the library for `kind` on the kept file; its user-facing errors become AnalysisFailed."""
    try:
        if kind == "csv":
            return profile_csv(path, progress=progress)
        return analyze_log(path, progress=progress)
    except (TableProfileError, LogAnalysisError) as exc:
        other = "Log" if kind == "csv" else "CSV"
        raise AnalysisFailed(
            f"{exc} If this file is a {other.lower()}, choose “{other}” under “Read as”."
        ) from exc


def analyze_upload(
    sessions: sessionmaker[Session],
    settings: Settings,
    name: str,
    source: BinaryIO,
    *,
    user_id: int,
    kind: Kind | None = None,
    progress: Progress | None = None,
    analyse: Analyser = run_analysis,
) -> AnalyzedUpload:
    """Keep the file, analyse it as `kind` (detected when None) and record it with its summary
    as an upload of `user_id`.

    Bytes the user uploaded before reuse their row; a file that cannot be analysed is not
    recorded. Identical bytes share one kept file whoever uploads them.
    """
    report = progress or (lambda fraction, message: None)
    report(0.0, f"Saving {name}")
    stored = store_file(
        settings.data_dir, name, source, max_bytes=settings.max_upload_mb * 1_000_000
    )
    kind = kind or detect_kind(stored.path)
    with sessions() as session:
        upload = find_by_sha256(session, stored.sha256, user_id=user_id)
        reused = upload is not None
        path = stored.path if upload is None else _keep_one_copy(session, upload, stored.path)
        try:
            analysis = analyse(path, kind, stored.sha256, progress)
        except AnalysisFailed:
            if upload is None:
                _remove_if_unused(session, str(stored.path))
            raise
        summary = analysis.summary()
        if upload is None:
            try:
                upload = add_upload(
                    session,
                    name=name,
                    kind=kind,
                    size_bytes=stored.size_bytes,
                    sha256=stored.sha256,
                    stored_path=str(stored.path),
                    summary=summary,
                    user_id=user_id,
                )
            except SQLAlchemyError:
                # Not recorded, so not kept, unless another user's row has these same bytes.
                session.rollback()
                _remove_if_unused(session, str(stored.path))
                raise
        elif upload.kind != kind or upload.summary is None:
            set_summary(session, upload.id, kind=kind, summary=summary)
            session.refresh(upload)
        return AnalyzedUpload(upload, kind, analysis, reused)


def open_upload(
    sessions: sessionmaker[Session],
    upload_id: int,
    *,
    user_id: int,
    kind: Kind | None = None,
    progress: Progress | None = None,
    analyse: Analyser = run_analysis,
) -> AnalyzedUpload:
    """Reopen one of the user's earlier uploads, as its recorded kind unless `kind` says
    otherwise."""
    with sessions() as session:
        upload = get_upload(session, upload_id, user_id=user_id)
        if upload is None:
            raise UploadMissing(f"Upload {upload_id} no longer exists; pick another one.")
        kind = kind or _as_kind(upload.kind)
        analysis = load_analysis(upload, kind=kind, progress=progress, analyse=analyse)
        if upload.kind != kind or upload.summary is None:
            set_summary(session, upload.id, kind=kind, summary=analysis.summary())
            session.refresh(upload)
        return AnalyzedUpload(upload, kind, analysis, reused=True)


def load_analysis(
    upload: Upload,
    *,
    kind: Kind | None = None,
    progress: Progress | None = None,
    analyse: Analyser = run_analysis,
) -> Analysis:
    """The analysis of an earlier upload's kept file (no database writes)."""
    path = Path(upload.stored_path) if upload.stored_path else None
    if path is None or not path.is_file():
        raise UploadMissing(
            f"The file kept for “{upload.name}” is gone; upload it again to analyse it."
        )
    return analyse(path, kind or _as_kind(upload.kind), upload.sha256, progress)


def delete_upload(
    sessions: sessionmaker[Session], upload_id: int, *, user_id: int, data_dir: Path
) -> None:
    """Remove one of the user's uploads, and its kept file unless another row (anyone's)
    still points at it."""
    with sessions() as session:
        upload = get_upload(session, upload_id, user_id=user_id)
        if upload is None:
            return
        stored_path = upload.stored_path
        session.delete(upload)
        session.commit()
        if stored_path and Path(stored_path).is_relative_to(uploads_dir(data_dir)):
            _remove_if_unused(session, stored_path)


def _keep_one_copy(session: Session, upload: Upload, new_path: Path) -> Path:
    """The path to analyse: the earlier row's copy (the new one is dropped) unless it is gone."""
    old_path = Path(upload.stored_path) if upload.stored_path else None
    if old_path == new_path:
        return new_path
    if old_path is not None and old_path.is_file():
        _remove_if_unused(session, str(new_path))
        return old_path
    upload.stored_path = str(new_path)
    session.commit()
    return new_path


def _remove_if_unused(session: Session, stored_path: str) -> None:
    """Delete a kept file (and its emptied sha256 folder) when no row refers to it."""
    if path_in_use(session, stored_path):
        return
    _delete_kept(Path(stored_path))


def _delete_kept(path: Path) -> None:
    """Delete a kept file and its sha256 folder once empty."""
    path.unlink(missing_ok=True)
    if path.parent.is_dir() and not any(path.parent.iterdir()):
        path.parent.rmdir()


def _as_kind(value: str) -> Kind:
    """A stored kind; anything unexpected (a chat attachment, say) is read as a log."""
    return "csv" if value == "csv" else "log"
