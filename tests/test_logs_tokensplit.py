"""The token split of learned headers gives exactly what the capture regex gives."""

from __future__ import annotations

import dataclasses

import polars as pl
from polars.testing import assert_frame_equal

from agent.analysis.logs.formats import LogFormat, _split_learned, learn_format
from agent.analysis.logs.tokensplit import split_tokens

COMPONENTS = ["db.Pool", "web.Server", "auth", "cache.Store"]
LEVELS = ["INFO", "WARN", "ERROR", "DEBUG"]
SPACED = [
    f"2024-03-{1 + i % 28:02d} 10:{i % 60:02d}:{i * 7 % 60:02d} {LEVELS[i % 4]} "
    f"{COMPONENTS[i % 4]}: request {i} took {i % 13} ms"
    for i in range(60)
]
# Lines the capture regex splits (or refuses) in ways a cut at single spaces would get wrong.
SPACED_TRAPS = [
    "2024-03-05 10:00:01 [INFO]web.Server: glued level and component",
    "2024-03-05 10:00:02  INFO web.Server: two spaces after the time",
    "2024-03-05 10:00:03 [ INFO ] web.Server: spaced brackets around the level",
    "2024-03-05 10:00:04 INFO ]web.Server: a closing bracket after the level",
    "2024-03-05 10:00:05 INFO\tweb.Server: a tab after the level",
    "2024-03-05 10:00:08 INFO",
    "not a record at all",
    "2024-03-05T10:00:09 INFO web.Server: another time shape",
    "\tat indented.continuation(Foo.java:12)",
]
RUNS = ["RAS KERNEL", "RAS APP", "MMCS", "RAS LINKCARD"]
WORDY = [
    f"{'-' if i % 5 else 'APPREAD'} 17{i:08d} 2024.03.05 node-{i % 9} "
    f"2024-03-05-10.00.{i % 60:02d}.{i:06d} node-{i % 9} {RUNS[i % 4]} {LEVELS[i % 4]} "
    f"event {i} done"
    for i in range(80)
]
WORDY_TRAPS = [
    "- 1700000002 2024.03.05 n1 2024-03-05-10.00.01.000002 n1 RAS ERRORS INFO a level prefix",
    "- 1700000003 2024.03.05 n1 2024-03-05-10.00.01.000003 n1 RAS KERNEL WARNING warn first",
    "- 1700000004 2024.03.05 n1 2024-03-05-10.00.01.000004 n1 RAS [KERNEL INFO] FATAL bracket",
    "- 1700000005 2024.03.05 n1 2024-03-05-10.00.01.000005 n1 RAS KERNEL FOO BAR INFO too long",
    "-abc 1700000006 2024.03.05 n1 2024-03-05-10.00.01.000006 n1 RAS INFO a dash, then a word",
    "- 1700000008 2024.03.05 n1 2024-03-05-10.00.01.000008 n1 RAS [ INFO ] a spaced level",
]


def _both_ways(fmt: LogFormat, lines: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The split with the token split allowed, and with the capture regex alone."""
    series = pl.Series("raw", lines, dtype=pl.String)
    return _split_learned(series, fmt), _split_learned(series, dataclasses.replace(fmt, pieces=()))


def test_a_spaced_header_is_token_split_with_the_fields_the_capture_regex_gives() -> None:
    fmt = learn_format(SPACED)
    assert fmt is not None and fmt.pieces
    fast, slow = _both_ways(fmt, SPACED + SPACED_TRAPS)
    assert_frame_equal(fast, slow)
    assert slow["level"][:4].to_list() == LEVELS


def test_lines_a_cut_at_spaces_would_get_wrong_are_left_to_the_capture_regex() -> None:
    fmt = learn_format(SPACED)
    assert fmt is not None
    proven = split_tokens(pl.Series(SPACED + SPACED_TRAPS), fmt.pieces)["ok"]
    assert proven[: len(SPACED)].all()
    assert not proven[len(SPACED) :].any()


def test_a_run_of_words_before_the_level_ends_where_the_capture_regex_ends_it() -> None:
    fmt = learn_format(WORDY)
    assert fmt is not None and any(p.words > 1 for p in fmt.pieces)
    fast, slow = _both_ways(fmt, WORDY + WORDY_TRAPS)
    assert_frame_equal(fast, slow)
    # The run stops at the first level word, however many words it took.
    assert slow["level"][:4].to_list() == LEVELS
    proven = split_tokens(pl.Series(WORDY + WORDY_TRAPS), fmt.pieces)["ok"]
    assert proven[: len(WORDY)].all()
    assert not proven[len(WORDY) :].any()


def test_a_header_of_glued_fields_is_left_to_the_capture_regex() -> None:
    lines = [
        f"20240305-10:00:{i % 60:02d}:{i:03d}|Step_{i % 3}|300{i:05d}|step {i}" for i in range(50)
    ]
    fmt = learn_format(lines)
    assert fmt is not None and not fmt.pieces
    split = _split_learned(pl.Series(lines), fmt)
    assert split["msg"].to_list() == [f"step {i}" for i in range(50)]


def test_a_bracket_holding_a_space_is_left_to_the_capture_regex() -> None:
    # A position holding a [thread] or, now and then, a word: "[a INFO]" is one bracket to the
    # regex, where a cut at spaces would read a word "[a" and a level "INFO]".
    lines = [
        f"2024-03-05 10:00:{i % 60:02d} {'[main]' if i % 20 else 'worker'} {LEVELS[i % 4]} "
        f"db.Pool: request {i}"
        for i in range(60)
    ]
    trap = "2024-03-05 10:00:01 [a INFO] WARN: db: a bracket holding a space"
    fmt = learn_format(lines)
    assert fmt is not None and any(p.bracket and p.tokens for p in fmt.pieces)
    fast, slow = _both_ways(fmt, [*lines, trap])
    assert_frame_equal(fast, slow)
    assert slow["level"][-1] == "WARN"
