"""Guess the delimiter and escape character of a CSV from its first lines."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass

DELIMITERS = (",", ";", "\t", "|")
SNIFF_RECORDS = 200


@dataclass(frozen=True)
class Dialect:
    """What DuckDB is told explicitly; header and types are left to its sniffer."""

    delimiter: str
    escape: str


def sniff_dialect(head: str) -> Dialect:
    """Pick the delimiter that splits the most sampled records into the same number of fields."""
    # A file may end mid-record in the head: drop the last, possibly partial, line.
    text = head.rsplit("\n", 1)[0] if head.count("\n") > 1 else head
    # Backslash-escaped quotes, unless the file also doubles quotes outside such escapes.
    escape = "\\" if '\\"' in text and not re.search(r'(?<!\\)""', text) else '"'
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        score = _consistency(text, delimiter, escape)
        if score > best_score:
            best, best_score = delimiter, score
    return Dialect(best, escape)


def _consistency(text: str, delimiter: str, escape: str) -> tuple[float, int]:
    """(share of records with the modal field count, that count); (0, 0) if it never splits."""
    reader = csv.reader(
        io.StringIO(text),
        delimiter=delimiter,
        quotechar='"',
        doublequote=escape == '"',
        escapechar="\\" if escape == "\\" else None,
    )
    counts: Counter[int] = Counter()
    try:
        for index, record in enumerate(reader):
            if index >= SNIFF_RECORDS:
                break
            if record:
                counts[len(record)] += 1
    except csv.Error:
        pass  # e.g. a field over the csv module's size limit: judge on the records read so far
    if not counts:
        return (0.0, 0)
    fields, hits = counts.most_common(1)[0]
    if fields < 2:
        return (0.0, 0)
    return (hits / sum(counts.values()), fields)
