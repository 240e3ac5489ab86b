"""Print the grouping accuracy (GA) of analyze_log on each LogHub dev file, and the mean."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent.analysis.logs import analyze_log  # noqa: E402

DATA = Path("/work/shared/data/loghub-dev")


def grouping_accuracy(truth: pd.Series, predicted: pd.Series) -> float:
    """Share of lines whose predicted group holds exactly the lines of their true event."""
    frame = pd.DataFrame({"truth": truth.to_numpy(), "pred": predicted.to_numpy()})
    pairs = frame.groupby(["truth", "pred"]).size().rename("both").reset_index()
    pairs["truth_size"] = pairs["truth"].map(frame["truth"].value_counts())
    pairs["pred_size"] = pairs["pred"].map(frame["pred"].value_counts())
    exact = pairs[(pairs["both"] == pairs["truth_size"]) & (pairs["both"] == pairs["pred_size"])]
    return float(exact["both"].sum() / len(frame))


def dataset_ga(folder: Path) -> float:
    """GA of one LogHub folder: record line numbers map to the ground truth's LineId."""
    name = folder.name
    truth = pd.read_csv(folder / f"{name}_2k.log_structured.csv", usecols=["LineId", "EventId"])
    report = analyze_log(folder / f"{name}_2k.log")
    predicted = report.records.set_index("line")["template_id"]
    # A line the parser folded into another record counts as its own (wrong) group.
    aligned = predicted.reindex(truth["LineId"]).fillna(-truth["LineId"].astype(float))
    return grouping_accuracy(truth["EventId"], aligned.reset_index(drop=True))


def all_ga(data: Path = DATA) -> dict[str, float]:
    """GA per dataset folder under data."""
    return {f.name: dataset_ga(f) for f in sorted(data.iterdir()) if f.is_dir()}


def main() -> None:
    """Print one line per dataset and the mean."""
    scores = all_ga()
    for name, ga in scores.items():
        print(f"{name:<10} {ga:.3f}")
    print(f"{'mean':<10} {sum(scores.values()) / len(scores):.3f}")


if __name__ == "__main__":
    main()
