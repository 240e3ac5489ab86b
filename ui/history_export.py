"""CSV and JSON exports of interactions, safe to open in a spreadsheet; pure (no Streamlit)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, prefixed with ' so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def to_csv(rows: Iterable[dict[str, Any]], columns: list[str]) -> str:
    """The rows as CSV with a header, every text cell neutralized."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: neutralize(_plain(value)) for key, value in row.items()})
    return out.getvalue()


def to_json(rows: Iterable[dict[str, Any]]) -> str:
    """The rows as a JSON array; text cells neutralized too, since JSON often ends in a sheet."""
    out = io.StringIO()
    out.write("[")
    for i, row in enumerate(rows):
        out.write(",\n" if i else "\n")
        out.write(json.dumps({k: neutralize(_plain(v)) for k, v in row.items()},
                             ensure_ascii=False))
    out.write("\n]\n")
    return out.getvalue()
