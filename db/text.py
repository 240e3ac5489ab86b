"""Make any Python string storable in PostgreSQL text columns."""

from __future__ import annotations


def storable(text: str | None) -> str | None:
    """Replace what PostgreSQL rejects (NUL bytes, lone surrogates) with U+FFFD."""
    if text is None:
        return None
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # A round trip through UTF-16 keeps valid surrogate pairs and replaces lone halves.
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text
