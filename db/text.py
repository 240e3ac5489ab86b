"""Make any Python string storable in PostgreSQL text columns."""

from __future__ import annotations

from typing import Any


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


def json_storable(value: Any) -> Any:
    """`value` with every string made storable: JSONB refuses NUL and lone surrogates too."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return {storable(str(k)): json_storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_storable(v) for v in value]
    return value
