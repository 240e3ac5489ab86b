"""agent/analysis/sniff.py: gzip, known binaries and the text test, for every upload reader."""

from __future__ import annotations

import codecs
import gzip

from agent.analysis.sniff import is_gzip, known_binary, looks_binary


def test_gzip_is_told_by_its_magic_number() -> None:
    assert is_gzip(gzip.compress(b"a,b\n1,2\n"))
    assert not is_gzip(b"a,b\n1,2\n")


def test_known_binaries_are_named_and_text_that_starts_alike_is_not() -> None:
    assert known_binary(b"%PDF-1.7\n...") == "a PDF document"
    assert known_binary(b"\x89PNG\r\n\x1a\n\x00\x00") == "a PNG image"
    assert known_binary(b"BMI,height\n22,180\n") is None


def test_nul_bytes_or_many_controls_are_binary_but_utf16_text_and_colour_codes_are_not() -> None:
    assert looks_binary(bytes(range(256)) * 4)
    assert looks_binary(b"a,b\n1,\x002\n")
    assert not looks_binary(codecs.BOM_UTF16_LE + "a,b\n1,2\n".encode("utf-16-le"))
    assert not looks_binary(b"\x1b[31mERROR\x1b[0m disk full\n" * 50)
    assert not looks_binary("naïve,café\n1,2\n".encode())
