"""Mine message templates: mask variable parts, then cluster the distinct masked messages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import polars as pl

from agent.analysis.logs.formats import TIMESTAMP

WILDCARD = "<*>"

# One alternation so masking is a single vectorized pass. `p` keeps the character before the
# match (no look-behind in Rust regex) so a shape only matches a whole token, not the tail
# of one. Order matters: longer, more specific shapes first.
_VARIABLE = (
    r"(?P<p>^|[^\w.:/-])(?:"
    + "|".join(
        [
            r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s\"'<>]+",
            r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
            TIMESTAMP,
            r"(?:[0-9a-fA-F]{1,4}:){4,7}[0-9a-fA-F]{1,4}",
            # A clock time or duration ("00:02", "1:02:03.5") is one value, not two numbers.
            r"[0-9]+:[0-9]{2}(?::[0-9]{2})?(?:[.,][0-9]+)?",
            r"\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?",
            r"(?:[\w-]+\.)+[A-Za-z]{2,}:\d+",
            r"(?:[A-Za-z]:)?(?:[\\/][\w.@%+~$-]+){2,}[\\/]?",
            r"0[xX][0-9a-fA-F]+",
        ]
    )
    + ")"
)
# Any remaining run of characters holding a digit is a number, id or counter.
_DIGITS = r"[\w.@#+-]*\d[\w.@#+-]*"
# A quantity with its unit (sizes, durations, rates), maybe with a bound: one variable.
_QUANTITY = (
    r"(?P<p>^|[\s(\[=:,])[<>~]?=?[0-9]+(?:[.,][0-9]+)?\s?"
    r"(?i:[KMGTP]i?B|bytes?|B|[mun\u00b5]s|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?"
    r"|KB/s|MB/s|%)(?P<s>[\s).,;\]]|$)"
)


def mask_expr(expr: pl.Expr) -> pl.Expr:
    """Replace variable parts of a message by <*> (vectorized)."""
    return (
        expr.str.replace_all(_VARIABLE, "${p}" + WILDCARD)
        .str.replace_all(_QUANTITY, "${p}" + WILDCARD + "${s}")
        .str.replace_all(_DIGITS, WILDCARD)
        .str.replace_all(r"(?:<\*>)+", WILDCARD)
        # An optional parenthetical restating a variable ("403 bytes (0.4 KB)") is part of it.
        .str.replace_all(r"<\*>\s*\(<\*>\)", WILDCARD)
        # An empty "()" or "[]" token is a variable that happened to be empty.
        .str.replace_all(r"(^|\s)(\(|\[)(?:\)|\])(\s|$)", "$1$2<*>$3")
    )


def cluster_templates(
    masked: Sequence[str], weights: Sequence[int], *, split_limit: int = 3
) -> tuple[list[int], list[str]]:
    """Cluster masked messages; return a cluster index per message and each cluster's template.

    Brain-style: within messages of the same token count, the tokens sharing a message's most
    common (position, token) frequency are its stable core; messages with the same core form a
    group, and other positions are constant (one value), an event split (few values) or a
    variable (many values, or already masked).
    """
    tokens = [m.split() for m in masked]
    labels = [0] * len(masked)
    templates: list[str] = []
    for group in _core_groups(masked, weights):
        for part in _split(group, tokens, split_limit):
            # A message alone in its cluster is its own template (most, in a varied log).
            template = (
                " ".join(tokens[part[0]])
                if len(part) == 1
                else _template([tokens[i] for i in part])
            )
            for i in part:
                labels[i] = len(templates)
            templates.append(template)
    return _merge_same_templates(labels, templates)


def _core_groups(masked: Sequence[str], weights: Sequence[int]) -> list[list[int]]:
    """Group messages by token count and stable core (see cluster_templates), vectorized.

    Each token's weight is the weighted count of its (token count, position, token) among all
    messages; a message's root is the weight most of its non-wildcard tokens share (the larger
    on a tie); its core is the tokens with that weight, in place.
    """
    frame = pl.DataFrame(
        {"toks": pl.Series(masked, dtype=pl.String).str.split(" "), "w": list(weights)}
    ).with_row_index("i")
    # str.split keeps empty strings between repeated spaces; Python's split() does not.
    frame = frame.with_columns(pl.col("toks").list.filter(pl.element() != ""))
    frame = frame.with_columns(pl.col("toks").list.len().alias("n"))
    cells = frame.explode("toks").with_columns(pl.int_range(pl.len()).over("i").alias("pos"))
    cells = cells.with_columns(pl.col("w").sum().over("n", "pos", "toks").alias("f"))
    cells = cells.with_columns(
        pl.when(pl.col("toks") == WILDCARD).then(0).otherwise("f").alias("f")
    )
    shares = (
        cells.filter(pl.col("f") > 0)
        .group_by("i", "f")
        .len()
        .sort(["i", "len", "f"], descending=[False, True, True])
        .unique("i", keep="first")
        .select("i", pl.col("f").alias("root"))
    )
    keyed = (
        cells.join(shares, on="i", how="left")
        .with_columns(
            pl.when(pl.col("f") == pl.col("root"))
            .then(pl.col("toks"))
            .otherwise(pl.lit("\x00"))
            .fill_null("\x00")
            .alias("core")
        )
        .group_by("i", maintain_order=True)
        .agg(pl.col("n").first(), pl.col("core").str.join("\x01"))
    )
    grouped = keyed.group_by("n", "core", maintain_order=True).agg(pl.col("i"))
    # Messages without tokens (all whitespace) form one group per token count too.
    empty = frame.filter(pl.col("n") == 0)["i"].to_list()
    groups = [list(g) for g in grouped["i"].to_list()]
    return groups + ([empty] if empty else [])


def _split(group: list[int], tokens: list[list[str]], split_limit: int) -> list[list[int]]:
    """Split a group on positions that take only a few distinct word values."""
    if len(group) < 2:
        return [group]
    width = len(tokens[group[0]])
    keys = []
    for pos in range(width):
        values = {tokens[i][pos] for i in group}
        if 1 < len(values) <= split_limit and not any(WILDCARD in v for v in values):
            keys.append(pos)
    if not keys:
        return [group]
    parts: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i in group:
        parts[tuple(tokens[i][p] for p in keys)].append(i)
    return list(parts.values())


def _template(rows: list[list[str]]) -> str:
    """Keep tokens equal across rows, put <*> where they differ."""
    # Columns of tokens: a position is constant when its set of values has one member.
    return " ".join(
        column[0] if len(set(column)) == 1 else WILDCARD for column in zip(*rows, strict=True)
    )


def _merge_same_templates(labels: list[int], templates: list[str]) -> tuple[list[int], list[str]]:
    """Give one id to clusters whose templates read the same once runs of <*> are collapsed."""
    ids: dict[str, int] = {}
    remap = []
    merged: list[str] = []
    for template in templates:
        key = _collapse(template)
        if key not in ids:
            ids[key] = len(merged)
            merged.append(template)
        remap.append(ids[key])
    return [remap[label] for label in labels], merged


def _collapse(template: str) -> str:
    """Collapse variable-like tokens and runs of wildcards so such spans compare equal."""
    out: list[str] = []
    for tok in template.split():
        if tok == WILDCARD and out and out[-1] == WILDCARD:
            continue
        out.append(tok)
    return " ".join(out)
