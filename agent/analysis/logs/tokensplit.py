"""Split lines by a learned header token by token: string splits and match-only regex tests.

The capture regex of a learned layout costs about a microsecond a line, its match-only tests a
tenth of that. Where every position of the header holds whole space-separated tokens, a line is
cut at its spaces and each token is tested on its own; a line passes only when the tests prove
that the capture regex would split it the same way, and the others go to that regex.

The proof: the regex takes, at each choice, the first alternative that leads to a match. When
the first match of each position's regex, tried at its token, is that whole token (a replace of
the anchored regex leaves nothing of it), those first choices chain into a match of the whole
header, so the regex takes exactly them. Positions that could reach across a space are held to
more: a bracket (`[pid 12]`) must close in its token, a level may not be a lone bracket or be
followed by a closing one (`[ INFO ]`), and before a run of words ends, the position after it
must be unable to start at every earlier token (the run is lazy: it stops at the first word
after which the rest of the header matches).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import polars as pl

# A bracket, in the order the generic position regex tries it first (see layout._generic).
# A name glued to brackets, tried last (layout._BRACKET).
GLUED_BRACKETS = r"[A-Za-z][\w.-]*(?:\[[^\[\]\s]*\])+"
BRACKET = (
    r"(?:\[(?:[^\[\]]|\[[^\[\]]*\])*\]|\((?:[^()]|\([^()]*\))*\)|<[^<>\s]*>"
    rf"|{GLUED_BRACKETS}):?"
)
# Each extra word of a run (see layout._generic).
RUN_WORD = r"^[^\s|]+$"


@dataclass(frozen=True)
class Piece:
    """One position of a learned header, as the token split needs it."""

    # The position's regex, as it stands in the layout's pattern.
    pattern: str
    # Space-separated tokens it spans; 0 when the token split cannot take it.
    tokens: int = 1
    # The named group it holds, and the alternative holding it (None: the whole position).
    group: str | None = None
    own: str | None = None
    # A level group, spelt `[\[<(]?\s*WORD\s*[\]>)]?:?`, which may reach across spaces.
    level: bool = False
    # Whether a bracket is among its alternatives (tried first).
    bracket: bool = False
    # A run of up to so many words (the lazy run of layout._generic).
    words: int = 1
    # Whether its first match is always its longest (one type, no alternatives that may stop
    # short): a full match test then proves a token.
    longest: bool = False


def usable(pieces: tuple[Piece, ...]) -> bool:
    """Whether the token split can take a layout: every position, at most one run of words,
    and after the run a position of one token (whose possible starts can be told)."""
    runs = [i for i, p in enumerate(pieces) if p.words > 1]
    if not pieces or any(p.tokens == 0 for p in pieces) or len(runs) > 1:
        return False
    if runs:
        run = runs[0]
        if run + 1 >= len(pieces) or pieces[run + 1].tokens != 1:
            return False
    return True


def split_tokens(lines: pl.Series, pieces: tuple[Piece, ...]) -> pl.DataFrame:
    """The groups the pieces hold, the text after the header ("rest", stripped at its start),
    and "ok": whether the line was proven split as the capture regex would (else all null)."""
    last, steps, out = _plan(pieces)
    frame = lines.str.splitn(" ", last + 1).struct.unnest()
    frame = frame.rename({c: f"f{i}" for i, c in enumerate(frame.columns)})
    frame = frame.with_columns(lines.alias("line"))
    for step in steps:
        frame = frame.with_columns(step)
    return frame.select(out)


@functools.lru_cache(maxsize=64)
def _plan(
    pieces: tuple[Piece, ...],
) -> tuple[int, tuple[tuple[pl.Expr, ...], ...], tuple[pl.Expr, ...]]:
    """split_tokens' work for these pieces: the tokens it splits off (the last is the rest of
    the line), the columns it adds in turn and those it returns.

    Built once per layout: a layout's expressions cost milliseconds to build, as much as the
    split of a sample, and every chunk splits with them.
    """
    runs = [i for i, p in enumerate(pieces) if p.words > 1]
    run = runs[0] if runs else len(pieces) - 1
    extra = pieces[run].words - 1
    fixed = sum(p.tokens for p in pieces)
    last = fixed + extra
    steps: list[tuple[pl.Expr, ...]] = []
    # The positions up to the run stay where they are; those after it move with its length.
    ok, values, at = _checks(pieces[: run + 1], 0, last)
    groups = sorted({p.group for p in pieces if p.group})
    if not runs:
        chosen = [ok.alias("ok"), *[values[g].alias(g) for g in groups]]
        rest = pl.col(f"f{last}")
    else:
        # The run takes the fewest extra words after which the rest of the header matches; the
        # rest must be unable to start after any fewer (see the module docstring).
        later: list[dict[str, pl.Expr]] = []
        # Each test once, as a column: the clauses below share them.
        tests = [ok.alias("fixed")]
        for j in range(extra + 1):
            after, found, _ = _checks(pieces[run + 1 :], at + j, last)
            later.append(found)
            tests.append(after.alias(f"after{j}"))
            tests.append(_cannot_start(pieces[run + 1], pl.col(f"f{at + j}")).alias(f"stop{j}"))
            if j:
                tests.append(pl.col(f"f{at + j - 1}").str.contains(RUN_WORD).alias(f"word{j}"))
        steps.append(tuple(tests))
        clauses: list[pl.Expr] = []
        words = pl.col("fixed")
        blocked = pl.lit(True)
        for j in range(extra + 1):
            if j:
                words = words & pl.col(f"word{j}")
            clauses.append(blocked & words & pl.col(f"after{j}"))
            blocked = blocked & pl.col(f"stop{j}")
        pick = pl.lit(None, dtype=pl.Int32)
        for j in reversed(range(extra + 1)):
            pick = pl.when(clauses[j].fill_null(False)).then(pl.lit(j, pl.Int32)).otherwise(pick)
        steps.append((pick.alias("pick"),))

        def choose(group: str) -> pl.Expr:
            if group in values:
                return values[group]
            out = pl.lit(None, dtype=pl.String)
            for j in reversed(range(extra + 1)):
                out = pl.when(pl.col("pick") == j).then(later[j][group]).otherwise(out)
            return out

        chosen = [pl.col("pick").is_not_null().alias("ok"), *[choose(g).alias(g) for g in groups]]
        # The header's bytes: its tokens, each with the single space after it.
        size = pl.lit(0, dtype=pl.Int64)
        for i in range(last):
            width = pl.col(f"f{i}").str.len_bytes().cast(pl.Int64) + 1
            if i >= fixed:
                width = pl.when(pl.col("pick") > i - fixed).then(width).otherwise(0)
            size = size + width
        rest = pl.col("line").cast(pl.Binary).bin.slice(size).cast(pl.String)
    steps.append(tuple(chosen))
    ok = pl.col("ok").fill_null(False)
    out = (
        ok.alias("ok"),
        *[pl.when(ok).then(pl.col(g)).alias(g) for g in groups],
        pl.when(ok).then(rest.fill_null("").str.strip_chars_start()).alias("rest"),
    )
    return last, tuple(steps), out


def _checks(
    pieces: tuple[Piece, ...], at: int, last: int
) -> tuple[pl.Expr, dict[str, pl.Expr], int]:
    """Whether the pieces, from token at on, are proven split at their tokens; their groups'
    values; and the token after them."""
    ok = pl.lit(True)
    values: dict[str, pl.Expr] = {}
    for piece in pieces:
        text = _span(at, piece.tokens)
        ok = ok & _first_match_is(text, piece)
        if piece.bracket:
            # A bracket that does not close in its token may close after a space.
            opens = text.str.contains(r"^[\[(<]")
            ok = ok & ~(opens & ~text.str.contains(f"^(?:{BRACKET})$"))
        if piece.level:
            # `[ INFO ]`: a lone bracket, or a closing one after the token, belongs to the level.
            after = at + piece.tokens
            following = pl.col(f"f{after}") if after <= last else pl.lit(None, dtype=pl.String)
            ok = ok & ~text.is_in(["[", "<", "("])
            ok = ok & ~following.str.contains(r"^\s*[\]>):]").fill_null(False)
        if piece.group:
            values[piece.group] = _group(text, piece)
        at += piece.tokens
    return ok.fill_null(False), values, at


def _cannot_start(piece: Piece, token: pl.Expr) -> pl.Expr:
    """Whether the piece surely cannot match from this token on (a bracket or a level may
    begin in it and go on after a space, so an opening bracket counts as a possible start)."""
    starts = token.str.contains(f"^(?:{piece.pattern})") | token.str.contains(r"^[\[(<]")
    return ~starts.fill_null(False)


def _span(at: int, tokens: int) -> pl.Expr:
    """The text of so many tokens from token at, rejoined by single spaces."""
    if tokens == 1:
        return pl.col(f"f{at}")
    return pl.concat_str([pl.col(f"f{at + k}") for k in range(tokens)], separator=" ")


def _first_match_is(text: pl.Expr, piece: Piece) -> pl.Expr:
    """Whether the regex's first match at the start of text is all of text."""
    if piece.longest:
        # Its first match is its longest: a full match test (match-only, cheap) tells.
        return text.str.contains(f"^(?:{piece.pattern})$")
    left = text.str.replace(f"^(?:{piece.pattern})", "")
    return (text.str.len_bytes() > 0) & (left.str.len_bytes() == 0)


def _group(text: pl.Expr, piece: Piece) -> pl.Expr:
    """The value of the piece's group in a token proven to match the piece."""
    value = text
    if piece.level:
        # `[\[<(]?\s*WORD\s*[\]>)]?:?`: the word starts and ends with a letter or digit.
        value = (
            text.str.strip_chars_start("[<(")
            .str.strip_chars_start()
            .str.strip_chars_end(":")
            .str.strip_chars_end("]>)")
            .str.strip_chars_end()
        )
    elif piece.group == "component":
        value = text.str.strip_suffix(":")
    if piece.own is None:
        return value
    # The group's alternative comes first: it holds the token when it matches its start.
    return pl.when(text.str.contains(f"^(?:{piece.own})")).then(value)
