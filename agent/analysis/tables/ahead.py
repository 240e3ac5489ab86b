"""Work on the kept sample done while pass two counts over every row.

Pass two's serial parts (query setup, merging, results to Python) leave a core idle, and the
pandas/numpy kernels behind the sample's figures release the GIL. What the figures are wanted
for hangs on pass two's counts (a column's type follows its distinct count over every row),
so the column lists are guessed from the sample; the real calls afterwards reuse what was
guessed right and compute the rest themselves, so results do not depend on the guess.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import pandas as pd

from agent.analysis.tables.correlations import MAX_CATEGORIES, Inputs, correlation_matrices
from agent.analysis.tables.judge import (
    CATEGORY_VALUES,
    LOW_CATEGORICAL,
    SampleFigures,
    sample_figures,
)
from agent.analysis.tables.sql import Column


@dataclass
class Ahead:
    """What was worked out on the sample: correlation inputs and per-column figures."""

    inputs: Inputs
    figures: SampleFigures = field(default_factory=SampleFigures)


def work_ahead(frame: pd.DataFrame, columns: list[Column]) -> Ahead:
    """The sample's figures for column lists guessed from the sample alone.

    A guess may meet data the real lists would never ask about: figures computed before a
    failure are still right, and the real calls redo whatever is missing.
    """
    ahead = Ahead(Inputs(frame))
    numbers = [c.name for c in columns if c.family in ("integer", "float")]
    with contextlib.suppress(Exception):
        ahead.figures = sample_figures(
            frame, numbers, [c.name for c in columns if c.family == "string"])
    with contextlib.suppress(Exception):
        seen = {c.name: int(frame[c.name].nunique()) for c in columns
                if c.family in ("integer", "float", "string", "boolean")}
        varied = [name for name in numbers if seen[name] > 1]
        numeric = [name for name in varied if seen[name] > LOW_CATEGORICAL]
        categorical = [c.name for c in columns if c.name in seen and c.name not in numeric
                       and 1 < seen[c.name] <= (CATEGORY_VALUES if c.family == "string"
                                                else MAX_CATEGORIES)]
        correlation_matrices(frame, varied, numeric, categorical, ahead.inputs)
    return ahead
