"""Mask the variable parts of a message, token by token type, in a few vectorized passes."""

from __future__ import annotations

import functools

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
            # A value after a label and its dot leader (`depth.....0`): the label stays.
            r"(?P<k>[\w-]*[A-Za-z]\.{2,})[\w.@#+-]*\d[\w.@#+-]*",
            # A quoted phrase given to a key is one value: its words must not change the
            # message's token count (`tag="View Lock"` against `tag="*alarm*"`).
            r"(?P<q>[\w.-]+=)(?:\"[^\"\s]*\s[^\"]*\"|'[^'\s]*\s[^']*')",
            # A quoted single token with structure (a dotted name, path, address, number) is
            # an interpolated value; a quoted plain word ('Active') may be a state name, which
            # the clustering keeps when it repeats.
            r"\"[^\s\"]*[\d./:@\\][^\s\"]*\"",
            r"'[^\s']*[\d./:@\\][^\s']*'",
            r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s\"'<>]+",
            # A request target with a query string carries values however short its path.
            r"/[^\s?\"'<>]*\?[^\s\"'<>]*",
            r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
            # An IPv6 or MAC address before timestamps: `00:11:22:33:44:55` is not two times.
            r"(?:[0-9a-fA-F]{1,4}:){4,7}[0-9a-fA-F]{1,4}",
            # A timestamp ends where its token ends: digits glued to the next token are not a
            # date and time, and masking them would change the token count.
            rf"(?:{TIMESTAMP})(?P<t>$|[^\w])",
            # A clock time or duration ("00:02", "1:02:03.5") is one value, not two numbers.
            r"[0-9]+:[0-9]{2}(?::[0-9]{2})?(?:[.,][0-9]+)?",
            r"\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?",
            r"(?:[\w-]+\.)+[A-Za-z]{2,}:\d+",
            # A Windows path may hold spaces inside its folders' names (`C:\Program Files\`):
            # a folder is known by the backslash after it.
            r"[A-Za-z]:\\(?:[\w.@%+~$()-]+(?: [\w.@%+~$()-]+)*\\)+[\w.@%+~$-]*",
            r"(?:[A-Za-z]:)?(?:[\\/][\w.@%+~$-]+){2,}[\\/]?",
            r"0[xX][0-9a-fA-F]+",
        ]
    )
    + ")"
)
# Any remaining run of characters holding a digit is a number, id or counter; a run of them and
# variables with nothing between is one variable, and so is a parenthetical restating it
# ("403 bytes (0.4 KB)"). One pass with a plain replacement: the same text as numbers, then
# runs, then parentheticals as passes of their own (no match of one can overlap another's), at
# a third of the cost.
_DIGITS = r"[\w.@#+-]*\d[\w.@#+-]*"
_RUN = rf"(?:<\*>|{_DIGITS})+"
_NUMBERS = rf"{_RUN}(?:\s*\({_RUN}\))?"
# An empty "()" or "[]" token is a variable that happened to be empty.
_EMPTY = r"(^|\s)(\(|\[)(\)|\])(\s|$)"
# A quantity with its unit (sizes, durations, rates; signed, as an offset is), maybe with a
# bound: one variable. The unit ends at a word boundary, which takes no character: two
# quantities in a row ("12 ms 3.5 GB") both match, where a consumed space would hide the second
# one's start.
_QUANTITY = (
    r"(?P<p>^|[\s(\[=:,])[<>~]?=?[+-]?[0-9]+(?:[.,][0-9]+)?\s?"
    r"(?:(?i:KB/s|MB/s|[KMGTP]i?B|bytes?|B|[mun\u00b5]s|s|secs?|seconds?|mins?|minutes?|h|hrs?"
    r"|hours?|days?)(?-u:\b)|%)"
)


# A tab after text of several words ends the message: what follows is fields (an export's
# further columns, zap's JSON context), one variable whatever they hold. A line of columns
# whose first is one token (Zeek's) is not a message with fields: its columns stay.
_TAB_TAIL = r"^([^\t]*[^\s\t] [^\t]*?)\s*\t.*"


def mask_expr(expr: pl.Expr, *, ascii: bool = False) -> pl.Expr:
    """Replace variable parts of a message by <*> (vectorized).

    ascii: every message is ASCII, so the patterns' ASCII forms (see ascii_classes) may stand
    in for them: the same result at a third of the cost.
    """
    spell = ascii_classes if ascii else str
    return (
        expr.str.replace(spell(_TAB_TAIL), "${1} " + WILDCARD)
        .str.replace_all(spell(_VARIABLE), "${p}${k}${q}" + WILDCARD + "${t}")
        .str.replace_all(spell(_QUANTITY), "${p}" + WILDCARD)
        .str.replace_all(spell(_NUMBERS), WILDCARD)
        .str.replace_all(spell(_EMPTY), "${1}${2}" + WILDCARD + "${3}${4}")
    )


def mask_messages(messages: pl.Series) -> pl.Series:
    """mask_expr over messages: the ASCII forms on those that are ASCII (most, in most logs)."""
    ascii = messages.str.len_bytes() == messages.str.len_chars()
    frame = pl.DataFrame({"m": messages})
    if ascii.all() or not ascii.any():
        masked = frame.select(mask_expr(pl.col("m"), ascii=bool(ascii.all())))
        return masked.to_series().alias(messages.name)
    fast = frame.filter(ascii).select(mask_expr(pl.col("m"), ascii=True)).to_series()
    slow = frame.filter(~ascii).select(mask_expr(pl.col("m"))).to_series()
    masked = pl.Series(messages.name, [None] * len(messages), dtype=pl.String)
    return masked.scatter(ascii.arg_true(), fast).scatter((~ascii).arg_true(), slow)


# On ASCII text a Unicode class matches exactly what its ASCII spelling does, but compiles to a
# far larger automaton: the masking alternation then overflows the regex engine's DFA cache and
# runs several times slower. Negated forms stay negated, so they still match any non-ASCII
# character, as the Unicode ones do.
_ASCII_CLASSES = {"w": "0-9A-Za-z_", "d": "0-9", "s": r"\t\n\x0B\x0C\r "}


@functools.cache
def ascii_classes(pattern: str) -> str:
    """The pattern with \\w, \\d, \\s (and their negations, and \\b) spelt for ASCII text.

    A pattern holding what this does not spell (a negated class inside a class, a nested class,
    a Unicode property) is returned as it is: slower, never different.
    """
    try:
        return _spell_ascii(pattern)
    except ValueError:
        return pattern


def _spell_ascii(pattern: str) -> str:
    """ascii_classes' work; ValueError where it cannot spell the pattern."""
    out: list[str] = []
    at, start = 0, -1  # start: where the open class's items begin (-1: outside a class)
    while at < len(pattern):
        char = pattern[at]
        if char == "\\":
            escaped = pattern[at + 1]
            lower = escaped.lower()
            if lower in _ASCII_CLASSES and start >= 0:
                if escaped != lower:
                    # A negated class inside a class needs set operations: not written here.
                    raise ValueError(f"\\{escaped} inside a class: {pattern}")
                out.append(_ASCII_CLASSES[lower])
            elif lower in _ASCII_CLASSES:
                out.append(f"[{'' if escaped == lower else '^'}{_ASCII_CLASSES[lower]}]")
            elif escaped in "bB" and start < 0:
                out.append(f"(?-u:\\{escaped})")
            elif escaped in "pPbB":
                raise ValueError(f"\\{escaped} has no ASCII form here: {pattern}")
            else:
                out.append(pattern[at : at + 2])
            at += 2
            continue
        if start >= 0:
            if char == "[":
                raise ValueError(f"nested class: {pattern}")
            if char == "]" and at > start:
                start = -1
        elif char == "[":
            # A "]" first in a class (after any "^") is a literal, not its end.
            start = at + 2 if pattern.startswith("[^", at) else at + 1
            out.append(pattern[at:start])
            at = start
            continue
        out.append(char)
        at += 1
    return "".join(out)
