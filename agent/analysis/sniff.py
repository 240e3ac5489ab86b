"""What the first bytes of an upload say: gzip, zip, a known binary format, or text.

One place for the magic numbers and the binary test that the CSV profile, the log reader and
the upload service share.
"""

from __future__ import annotations

import codecs

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
# How much of the head the binary test reads.
SNIFF_BYTES = 8192
# Text may hold tabs, newlines, form feeds, carriage returns and ESC (colour codes in logs).
_TEXT_CONTROLS = frozenset((9, 10, 12, 13, 27))
_MAX_CONTROL_SHARE = 0.05
# UTF-16/32 text is full of NUL bytes; its byte order mark says it is text, and which codec
# reads it (UTF-32's marks first: they start with UTF-16's).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
TEXT_BOMS = tuple(bom for bom, _ in _BOMS)

# Formats people upload by mistake, so an error can say what the file is.
KNOWN_BINARIES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an old Excel/Office document"),
    (b"PAR1", "a Parquet file"),
    (b"SQLite format 3", "an SQLite database"),
    (b"\x7fELF", "an executable program"),
)


def bom_encoding(head: bytes) -> str | None:
    """The codec a byte order mark at the head names (which drops the mark), if there is one."""
    return next((encoding for bom, encoding in _BOMS if head.startswith(bom)), None)


def is_gzip(head: bytes) -> bool:
    """Whether the bytes start a gzip stream."""
    return head.startswith(GZIP_MAGIC)


def known_binary(head: bytes) -> str | None:
    """The name of the binary format these bytes start, if it is one people upload by mistake."""
    return next((name for magic, name in KNOWN_BINARIES if head.startswith(magic)), None)


def looks_binary(head: bytes) -> bool:
    """NUL bytes or many control characters in the first SNIFF_BYTES (text with a BOM is text)."""
    if head.startswith(TEXT_BOMS):
        return False
    sample = head[:SNIFF_BYTES]
    controls = sum(1 for b in sample if b < 32 and b not in _TEXT_CONTROLS)
    return b"\x00" in sample or controls > len(sample) * _MAX_CONTROL_SHARE
