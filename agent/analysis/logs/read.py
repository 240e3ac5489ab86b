"""Read a log from a path, bytes or a binary file, in chunks of whole lines."""

from __future__ import annotations

import codecs
import functools
import io
import itertools
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import polars as pl
import pyarrow as pa

from agent.analysis.sniff import ZIP_MAGIC, bom_encoding, is_gzip, known_binary, looks_binary

CHUNK_BYTES = 16 * 1024 * 1024
READ_BYTES = 1024 * 1024
GZIP_DAMAGED = (
    "The .gz file is truncated or damaged: only the part that could be decompressed was analysed."
)
SNIFF_BYTES = 8192
NEWLINE, CR = ord("\n"), ord("\r")
# Arrow string views hold texts of up to 12 bytes inline.
INLINE = 12
# A chunk of whole lines: bytes, or the buffer it was read into (see _read_lines).
Chunk = bytes | bytearray


class LogAnalysisError(ValueError):
    """The input cannot be analysed as a text log; the message is meant for the user."""


@dataclass
class ReadState:
    """What the reader learned while reading: size, and notes for the report."""

    bytes_read: int = 0
    warnings: list[str] = field(default_factory=list)
    total_bytes: int | None = None


def _open(source: str | Path | bytes | bytearray | BinaryIO) -> tuple[BinaryIO, int | None]:
    """Return a binary stream over the source and its size when known."""
    if isinstance(source, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(source)), len(source)
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise LogAnalysisError(f"No log file at {path}.")
        return path.open("rb"), path.stat().st_size
    if hasattr(source, "read"):
        size = None
        if hasattr(source, "getbuffer"):
            size = len(source.getbuffer())
        return source, size
    raise TypeError(f"Cannot read a log from {type(source).__name__}")


def _check_text(head: bytes) -> None:
    """Refuse inputs that are clearly not text, with a message saying what they look like."""
    if not head.strip():
        raise LogAnalysisError("The log is empty: there is nothing to analyse.")
    what = known_binary(head) or (
        "a ZIP archive (or an Office document)" if head.startswith(ZIP_MAGIC) else None)
    if what:
        raise LogAnalysisError(f"This file looks like {what}, not a text log.")
    if looks_binary(head):
        raise LogAnalysisError(
            "This file looks binary, not a text log. Upload a plain-text or .gz log file."
        )


def iter_chunks(
    source: str | Path | bytes | bytearray | BinaryIO, state: ReadState
) -> Iterator[Chunk]:
    """Yield chunks of whole lines (LF line endings), decompressing gzip on the fly."""
    raw, size = _open(source)
    state.total_bytes = size
    try:
        head = raw.read(2)
        if is_gzip(head):
            yield from _lines(_as_utf8(_gunzip(head, raw, state)), raw, state)
        else:
            yield from _read_lines(head, raw, state)
    finally:
        if isinstance(source, str | Path):
            raw.close()


def _read_lines(head: bytes, raw: BinaryIO, state: ReadState) -> Iterator[Chunk]:
    """The chunks _lines would cut from an uncompressed stream, each read into its own buffer.

    A chunk's text is read once, into the buffer it is analysed in (its lines are views of
    it), instead of into a block and then again into the chunk, which doubled the memory
    written and the page faults it takes. The cuts are _lines' ones, so the chunks are the
    same: a round reads CHUNK_BYTES more (the first counts the head too) and cuts at its last
    line break; a round that reaches the end of the stream short of that ends it instead.
    """
    carry, counted = head, len(head)
    checked = False
    while True:
        buffer = bytearray(len(carry) + CHUNK_BYTES)
        buffer[: len(carry)] = carry
        filled = len(carry) + _fill(raw, buffer, len(carry))
        del buffer[filled:]
        if not checked:
            if bom_encoding(bytes(buffer[:4])) is not None:
                # Text to transcode goes the way of blocks, from the same first block.
                rest = iter(functools.partial(raw.read, CHUNK_BYTES), b"")
                yield from _lines(_as_utf8(itertools.chain([bytes(buffer)], rest)), raw, state)
                return
            _check_text(bytes(buffer[:SNIFF_BYTES]))
            checked = True
        state.bytes_read = raw.tell()
        if filled - len(carry) + counted < CHUNK_BYTES:
            if buffer:
                yield _normalise(buffer)
            return
        counted = 0
        # The carry holds no line break (the head may, and the first cut may fall in it).
        cut = buffer.rfind(b"\n") + 1
        if not cut:
            carry = bytes(buffer)
            continue
        carry = bytes(buffer[cut:])
        del buffer[cut:]
        yield _normalise(buffer)


def _fill(raw: BinaryIO, buffer: bytearray, start: int) -> int:
    """Read into buffer from start until it is full or the stream ends; the bytes read."""
    got = 0
    with memoryview(buffer) as view:
        while start + got < len(buffer):
            if hasattr(raw, "readinto"):
                count = raw.readinto(view[start + got :]) or 0
            else:
                data = raw.read(len(buffer) - start - got)
                count = len(data)
                view[start + got : start + got + count] = data
            if not count:
                break
            got += count
    return got


def _as_utf8(blocks: Iterator[bytes]) -> Iterator[bytes]:
    """The blocks as UTF-8: a byte order mark dropped, UTF-16 or UTF-32 text (what Windows
    PowerShell writes when output is redirected) transcoded as it streams."""
    first = b""
    for block in blocks:
        first += block
        if len(first) >= 4:
            break
    encoding = bom_encoding(first)
    if encoding is None:
        yield first
        yield from blocks
        return
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    for block in itertools.chain([first], blocks):
        yield decoder.decode(block).encode()
    yield decoder.decode(b"", final=True).encode()


def _gunzip(head: bytes, raw: BinaryIO, state: ReadState) -> Iterator[bytes]:
    """Decompressed blocks of a gzip stream; a truncated stream yields what it could."""
    inflater = zlib.decompressobj(wbits=31)
    pending = head
    produced = False
    while True:
        data = pending or raw.read(READ_BYTES)
        pending = b""
        if not data:
            break
        try:
            out = inflater.decompress(data)
        except zlib.error as exc:
            if not produced:
                raise LogAnalysisError("This .gz file is damaged and cannot be read.") from exc
            state.warnings.append(GZIP_DAMAGED)
            return
        produced = produced or bool(out)
        yield out
        if inflater.eof:
            # Concatenated gzip members (e.g. rotated logs joined with cat) continue here.
            pending = inflater.unused_data
            inflater = zlib.decompressobj(wbits=31)
            if not pending and not (pending := raw.read(READ_BYTES)):
                return
    if not produced:
        raise LogAnalysisError("This .gz file is truncated: no log lines could be read from it.")
    state.warnings.append(GZIP_DAMAGED)


def _lines(blocks: Iterator[bytes], raw: BinaryIO, state: ReadState) -> Iterator[Chunk]:
    """Regroup blocks into chunks of about CHUNK_BYTES that end at a line break."""
    carry = b""
    checked = False
    pieces: list[bytes] = []
    size = 0
    for block in blocks:
        pieces.append(block)
        size += len(block)
        if size < CHUNK_BYTES:
            continue
        if not checked:
            _check_text(b"".join([carry, *pieces])[:SNIFF_BYTES])
            checked = True
        state.bytes_read = raw.tell()
        # Cut in the last block that holds a line break; the join then copies the data once.
        last = next((i for i in range(len(pieces) - 1, -1, -1) if b"\n" in pieces[i]), None)
        if last is None:
            carry, pieces, size = b"".join([carry, *pieces]), [], 0
            continue
        cut = pieces[last].rfind(b"\n") + 1
        data = b"".join([carry, *pieces[:last], memoryview(pieces[last])[:cut]])
        carry = b"".join([pieces[last][cut:], *pieces[last + 1 :]])
        pieces, size = [], 0
        yield _normalise(data)
    data = b"".join([carry, *pieces])
    if not checked:
        _check_text(data[:SNIFF_BYTES])
    state.bytes_read = raw.tell()
    if data:
        yield _normalise(data)


_LONE_CR = re.compile(rb"\r(?!\n)")


def _normalise(data: Chunk) -> Chunk:
    """Turn lone CR line endings (old Mac, or mixed with others) into LF."""
    # CRLF alone is left for the line splitter, which strips a trailing CR more cheaply.
    if b"\r" in data and _LONE_CR.search(data):
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data


def split_chunk(chunk: Chunk) -> tuple[pl.Series, bool]:
    """The chunk's lines (no line breaks) as a string Series, and whether bad UTF-8 was replaced.

    The lines are arrow string views over the chunk's bytes, built without decoding in Python
    or copying the text; only a chunk that fails UTF-8 validation is decoded (with replacement)
    first.
    """
    if not chunk:
        return pl.Series("raw", [""], dtype=pl.String), False
    replaced = False
    whole = pa.LargeStringArray.from_buffers(
        1, pa.py_buffer(np.array([0, len(chunk)], np.int64)), pa.py_buffer(chunk)
    )
    try:
        # Lines split at line breaks (ASCII) are valid UTF-8 exactly when the whole chunk is.
        whole.validate(full=True)
    except pa.ArrowInvalid:
        chunk, replaced = chunk.decode("utf-8", errors="replace").encode(), True
    if len(chunk) >= 2**31:
        # A view addresses its text with 32-bit offsets: a bigger chunk (one enormous line)
        # goes through offsets instead.
        lines = pl.Series("raw", pl.from_arrow(_line_array(chunk))).str.strip_suffix("\n")
        return (lines.str.strip_suffix("\r") if b"\r" in chunk else lines), replaced
    return pl.Series("raw", pl.from_arrow(_line_views(chunk))), replaced


def _line_views(chunk: Chunk) -> pa.Array:
    """An arrow string-view array over the chunk, one string per line without its line break.

    A view is 16 bytes: the length, then either the text itself (up to 12 bytes) or its first
    4 bytes, the buffer index (0) and the offset of the text in the chunk.
    """
    data = np.frombuffer(chunk, np.uint8)
    ends = np.flatnonzero(data == NEWLINE) + 1
    if not len(ends) or ends[-1] != len(chunk):
        # The last line has no line break (or the chunk holds a single line): it counts too.
        ends = np.append(ends, len(chunk))
    starts = np.concatenate(([0], ends[:-1]))
    stops = ends - ((data[ends - 1] == NEWLINE) & (ends > starts))
    if b"\r" in chunk:
        # One CR before the line break goes too (CRLF line endings).
        stops -= (stops > starts) & (data[np.maximum(stops - 1, 0)] == CR)
    lengths = (stops - starts).astype(np.int32)
    views = np.zeros((len(starts), 4), np.int32)
    views[:, 0] = lengths
    long = lengths > INLINE
    first = starts[long]
    # The first 4 bytes as one little-endian integer (long lines have more than 12 bytes), read
    # through a view of the chunk that puts a 4-byte integer at every byte offset.
    words = np.ndarray((max(len(chunk) - 3, 0),), "<i4", chunk, strides=(1,))
    views[long, 1] = words[first]
    views[long, 3] = first
    short = np.flatnonzero(~long)
    if len(short):
        at = np.minimum(starts[short, None] + np.arange(INLINE), len(chunk) - 1)
        text = np.where(np.arange(INLINE) < lengths[short, None], data[at], 0)
        views.view(np.uint8).reshape(-1, 16)[short, 4:] = text
    return pa.Array.from_buffers(
        pa.string_view(), len(starts), [None, pa.py_buffer(views), pa.py_buffer(chunk)]
    )


def _line_array(chunk: Chunk) -> pa.Array:
    """An arrow string array over the chunk, one string per line with its line break."""
    ends = np.flatnonzero(np.frombuffer(chunk, np.uint8) == ord("\n")) + 1
    if not len(ends) or ends[-1] != len(chunk):
        # The last line has no line break (or the chunk holds a single line): it counts too.
        ends = np.append(ends, len(chunk))
    offsets = np.concatenate(([0], ends)).astype(np.int64)
    return pa.LargeStringArray.from_buffers(len(ends), pa.py_buffer(offsets), pa.py_buffer(chunk))
