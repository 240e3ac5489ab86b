"""Synthetic logs in shapes the LogHub dev set lacks, with the truth known for every line.

Each system (bench/synthetic_systems.py) is a header shape and a list of events, drawn with a
long-tailed frequency as in real logs. Every line comes with its event, its time (to the
second, with the parts the header has) and its level where the header has a level field.

`python bench/synthetic_logs.py` prints GA (as bench/ga_loghub.py measures it), time and level
agreement and records per line for each system; tests/test_logs_synthetic.py holds floors on
the same figures.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ga_loghub import grouping_accuracy  # noqa: E402
from synthetic_fresh import FRESH, STILL_WRONG  # noqa: E402
from synthetic_lnav import SYSTEMS as LNAV_LIKE  # noqa: E402
from synthetic_systems import SYSTEMS, System, fill  # noqa: E402

from agent.analysis.logs import analyze_log  # noqa: E402

LINES = 1500


@dataclass(frozen=True)
class Line:
    """One generated line and its truth."""

    text: str
    event: int
    time: dt.datetime | None
    level: str | None


def generate(system: System, lines: int = LINES, seed: int = 0) -> list[Line]:
    """Lines of one system: events drawn with long-tailed weights, time running forward."""
    rng = random.Random(f"{system.name}-{seed}")
    events = system.events
    # Zipf-like frequencies in a shuffled order unless an event names its weight.
    ranks = list(range(len(events)))
    rng.shuffle(ranks)
    weights = [e.weight or 1 / (rank + 1) ** 1.2 for e, rank in zip(events, ranks, strict=True)]
    time = dt.datetime(2016, 9, 28, 4, 30, 30) + dt.timedelta(days=rng.randint(0, 300))
    out = []
    for _ in range(lines):
        time += dt.timedelta(seconds=rng.expovariate(1 / 4))
        index = rng.choices(range(len(events)), weights)[0]
        event = events[index]
        message = fill(event.template, rng)
        text = system.header(rng, time, event, message)
        truth_time = time.replace(microsecond=0) if system.parts else None
        out.append(Line(text, index, truth_time, event.level if system.has_levels else None))
    return out


# --- scoring ----------------------------------------------------------------------------------


def _same_time(ours: pd.Series, truth: pd.Series, parts: str) -> pd.Series:
    """Equal to the second on the parts the header has."""
    ours = ours.dt.floor("s")
    if parts == "time-only":
        return ours.dt.strftime("%H:%M:%S") == truth.dt.strftime("%H:%M:%S")
    if parts == "no-year":
        return ours.dt.strftime("%m-%d %H:%M:%S") == truth.dt.strftime("%m-%d %H:%M:%S")
    return ours == truth


def score(system: System, lines: int = LINES, seed: int = 0) -> dict[str, float]:
    """GA, time and level agreement, and records per line of one generated system."""
    generated = generate(system, lines, seed)
    text = "".join(line.text + "\n" for line in generated)
    records = analyze_log(text.encode()).records.set_index("line")
    truth = pd.DataFrame(
        {
            "line": range(1, len(generated) + 1),
            "event": [g.event for g in generated],
            "time": pd.to_datetime([g.time for g in generated]),
            "level": [g.level for g in generated],
        }
    )
    predicted = records["template_id"].reindex(truth["line"])
    # A line folded into another record counts as its own (wrong) group.
    predicted = predicted.fillna(-truth["line"].astype(float).set_axis(predicted.index))
    result = {
        "ga": grouping_accuracy(truth["event"], predicted.reset_index(drop=True)),
        "records": len(records) / len(generated),
    }
    if system.parts:
        ours = records["timestamp"].reindex(truth["line"]).reset_index(drop=True)
        result["time"] = float(_same_time(ours, truth["time"], system.parts).mean())
    if system.has_levels:
        ours = records["level"].reindex(truth["line"]).reset_index(drop=True)
        result["level"] = float((ours == truth["level"]).mean())
    return result


def main() -> None:
    """One line per system, then the mean GA, for the LogHub-like, the lnav-like, the fresh
    shapes (synthetic_fresh) and those of them still wrong."""
    families = (
        ("LogHub-like", SYSTEMS, LINES),
        ("lnav-like", LNAV_LIKE, 400),
        ("fresh", FRESH, 400),
        ("still wrong", STILL_WRONG, 400),
    )
    for family, systems, lines in families:
        scores = {system.name: score(system, lines) for system in systems}
        print(f"{family:<14} {'GA':>6} {'time':>6} {'level':>6} {'rec/line':>8}")
        for name, s in scores.items():
            time, level = s.get("time", float("nan")), s.get("level", float("nan"))
            print(f"{name:<14} {s['ga']:6.3f} {time:6.3f} {level:6.3f} {s['records']:8.3f}")
        mean = sum(s["ga"] for s in scores.values()) / len(scores)
        print(f"{'mean GA':<14} {mean:6.3f}")


if __name__ == "__main__":
    main()
