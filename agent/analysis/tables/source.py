"""Turn a CSV source (path, bytes, file object) into a plain UTF-8 file DuckDB can scan."""

from __future__ import annotations

import codecs
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from agent.analysis.sniff import ZIP_MAGIC, bom_encoding, is_gzip, known_binary, looks_binary

HEAD_BYTES = 1 << 20
COPY_CHUNK = 1 << 22
GUNZIP_SLICE = 1 << 16

CsvInput = str | Path | bytes | bytearray | memoryview | BinaryIO


class TableProfileError(ValueError):
    """The input cannot be profiled as a table; the message is meant for the user."""


@dataclass
class PreparedCsv:
    """A UTF-8 CSV file on disk, what was learnt getting it there, and a scratch folder."""

    path: Path
    encoding: str
    compression: str | None
    head: str
    tmp_dir: Path
    warnings: list[str] = field(default_factory=list)

    @property
    def size_bytes(self) -> int:
        """Size of the (decompressed, UTF-8) file that is profiled."""
        return self.path.stat().st_size


@contextmanager
def prepare_csv(source: CsvInput) -> Iterator[PreparedCsv]:
    """Yield the source as a UTF-8 file; temporary copies are removed on exit."""
    with tempfile.TemporaryDirectory(prefix="profile-csv-") as tmp:
        tmp_dir = Path(tmp)
        path, warnings = _as_local_file(source, tmp_dir)
        with path.open("rb") as raw:
            head = raw.read(HEAD_BYTES)
        compression = _compression(head)
        if compression:
            path = _decompress(path, compression, tmp_dir / "decompressed.csv", warnings)
            with path.open("rb") as raw:
                head = raw.read(HEAD_BYTES)
        _reject_non_text(head)
        encoding = _sniff_encoding(head)
        if encoding not in ("utf-8", "utf-8-sig"):
            # DuckDB reads UTF-8 only reliably; other encodings are transcoded once, streaming.
            path = _transcode(path, encoding, tmp_dir / "utf8.csv")
            with path.open("rb") as raw:
                head = raw.read(HEAD_BYTES)
            if encoding == "latin-1":
                warnings.append("The file is not valid UTF-8; it was read as Latin-1.")
        text = head.decode("utf-8", errors="replace").removeprefix("\ufeff")
        if not text.strip():
            raise TableProfileError("The file is empty: there is nothing to profile.")
        yield PreparedCsv(path, encoding, compression, text, tmp_dir, warnings)


def _as_local_file(source: CsvInput, tmp_dir: Path) -> tuple[Path, list[str]]:
    """A path to the raw bytes: the file itself when it is on disk, else a spooled copy."""
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise TableProfileError(f"No such file: {path.name}.")
        return path, []
    copy = tmp_dir / "upload.bin"
    if isinstance(source, bytes | bytearray | memoryview):
        copy.write_bytes(source)
    elif hasattr(source, "read"):
        with copy.open("wb") as out:
            shutil.copyfileobj(source, out, COPY_CHUNK)
    else:
        raise TableProfileError("Expected a file path, bytes or a binary file object.")
    return copy, []


def _compression(head: bytes) -> str | None:
    """gzip or zip from the magic bytes, else None."""
    if is_gzip(head):
        return "gzip"
    if head.startswith(ZIP_MAGIC):
        return "zip"
    return None


def _decompress(path: Path, compression: str, out: Path, warnings: list[str]) -> Path:
    """Stream-decompress into out; a truncated archive keeps what was readable, with a warning."""
    with out.open("wb") as sink:
        if compression == "gzip":
            if not _gunzip(path, sink):
                warnings.append(
                    "The gzip file is truncated or damaged; only the part that could be "
                    "decompressed was profiled."
                )
        else:
            _unzip_member(path, sink)
    if out.stat().st_size == 0:
        raise TableProfileError(f"The {compression} file holds no readable data.")
    return out


def _gunzip(path: Path, sink: BinaryIO) -> bool:
    """Decompress gzip members into sink; False when the data ends early or is corrupt.

    zlib directly rather than gzip.open, which discards the last chunk of a truncated file. A
    corrupt byte makes zlib drop all the output of that call, so input goes in GUNZIP_SLICE
    pieces and the failing piece is replayed byte by byte up to the damage.
    """
    decompressor = zlib.decompressobj(wbits=31)
    inside_member = False
    with path.open("rb") as raw:
        while chunk := raw.read(GUNZIP_SLICE):
            while chunk:
                inside_member = True
                before = decompressor.copy()
                try:
                    sink.write(decompressor.decompress(chunk))
                except zlib.error:
                    _salvage(before, chunk, sink)
                    return False
                if not decompressor.eof:
                    break
                # Concatenated gzip members (as written by `cat a.gz b.gz`) are one stream.
                inside_member = False
                chunk = decompressor.unused_data
                decompressor = zlib.decompressobj(wbits=31)
    return not inside_member


def _salvage(decompressor: zlib._Decompress, chunk: bytes, sink: BinaryIO) -> None:
    """Write what chunk decompresses to before the first byte zlib rejects."""
    for index in range(len(chunk)):
        try:
            sink.write(decompressor.decompress(chunk[index : index + 1]))
        except zlib.error:
            return
        if decompressor.eof:
            return


def _unzip_member(path: Path, sink: BinaryIO) -> None:
    """Copy the one CSV-like member of a zip archive into sink."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if any(m.filename.startswith("xl/") for m in members):
                raise TableProfileError(
                    "This is an Excel workbook, not a CSV: export the sheet as CSV and upload that."
                )
            tables = [m for m in members if m.filename.lower().endswith((".csv", ".tsv", ".txt"))]
            if len(tables) != 1 and len(members) != 1:
                raise TableProfileError(
                    "The zip archive should contain exactly one CSV file; "
                    f"it contains {len(members)} files."
                )
            with archive.open((tables or members)[0]) as stream:
                shutil.copyfileobj(stream, sink, COPY_CHUNK)
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise TableProfileError("The zip archive is damaged and cannot be read.") from exc


def _reject_non_text(head: bytes) -> None:
    """Raise for images, documents and other binaries that are not delimited text."""
    if not head:
        raise TableProfileError("The file is empty: there is nothing to profile.")
    if name := known_binary(head):
        raise TableProfileError(f"This looks like {name}, not a CSV file.")
    if looks_binary(head):
        raise TableProfileError(
            "This file is binary, not text: upload a CSV (comma, semicolon, tab or pipe separated)."
        )


def _sniff_encoding(head: bytes) -> str:
    """BOM first, then strict UTF-8 on the head, else Latin-1 (which decodes any byte)."""
    if encoding := bom_encoding(head):
        return encoding
    try:
        # The head may end inside a multi-byte character: ignore an incomplete tail only.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < HEAD_BYTES)
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8"


def _transcode(path: Path, encoding: str, out: Path) -> Path:
    """Rewrite the file as UTF-8, chunk by chunk, so memory stays flat."""
    with (
        path.open("r", encoding=encoding, errors="replace", newline="") as src,
        out.open("w", encoding="utf-8", newline="") as dst,
    ):
        shutil.copyfileobj(src, dst, COPY_CHUNK)
    return out
