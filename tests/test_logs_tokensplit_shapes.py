"""The token split agrees with the capture regex on every synthetic log shape, noise included."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import polars as pl

from agent.analysis.logs.formats import _capture_learned, _split_learned, learn_format

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from synthetic_lnav import SYSTEMS as LNAV_LIKE  # noqa: E402
from synthetic_logs import generate  # noqa: E402
from synthetic_systems import SYSTEMS  # noqa: E402


def _mutated(line: str, rng: random.Random) -> str:
    """The line with one change a cut at single spaces could get wrong."""
    space = line.find(" ", 5)
    return rng.choice(
        [
            line.replace(" ", "  ", 1),
            line.replace(" ", "\t", 1),
            line[:space] + line[space + 1 :] if space > 0 else line,
            "  " + line,
            line[: rng.randrange(1, max(2, len(line)))],
            line.replace(" ", "] ", 1),
            line.replace(" ", " [x y] ", 1),
            line + " ",
        ]
    )


def test_the_token_split_gives_what_the_capture_regex_gives_on_every_shape() -> None:
    compared = []
    for system in [*SYSTEMS, *LNAV_LIKE]:
        lines = [line.text for line in generate(system, 300)]
        fmt = learn_format(lines)
        if fmt is None or not fmt.pieces:
            continue  # this shape's layout goes through the capture regex only
        rng = random.Random(system.name)
        noisy = pl.Series("raw", lines + [_mutated(line, rng) for line in lines[:200]])
        fast, slow = _split_learned(noisy, fmt), _capture_learned(noisy, fmt)
        assert fast.equals(slow), system.name
        compared.append(system.name)
    # The check means something only where the token split is taken.
    assert len(compared) >= 10, compared
