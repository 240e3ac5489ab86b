"""Runs inside the ydata-profiling virtualenv made by bench_csv_ydata.py (never the app's).

`export DIR` writes data sets bundled in pip packages (vega_datasets, scikit-learn,
statsmodels) as CSV files; `profile FILE...` prints one JSON line per file with the alerts
ydata-profiling raises when called as `ProfileReport(df)` with no config, and its wall time.
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from pathlib import Path


def _vega(name: str):  # noqa: ANN202 (pandas lives only in the bench virtualenv)
    from vega_datasets import local_data

    return local_data(name)


def _sklearn(name: str):  # noqa: ANN202
    from sklearn import datasets

    loader = getattr(datasets, f"load_{name}")
    return loader(as_frame=True, **({"scaled": False} if name == "diabetes" else {})).frame


def _statsmodels(name: str):  # noqa: ANN202
    import importlib

    return importlib.import_module(f"statsmodels.datasets.{name}").load_pandas().data


SOURCES = {
    "vega_seattle_weather": (_vega, "seattle-weather"),
    "vega_stocks": (_vega, "stocks"),
    "vega_us_employment": (_vega, "us-employment"),
    "vega_airports": (_vega, "airports"),
    "vega_la_riots": (_vega, "la-riots"),
    "vega_cars": (_vega, "cars"),
    "vega_iowa_electricity": (_vega, "iowa-electricity"),
    "vega_barley": (_vega, "barley"),
    "vega_seattle_temps": (_vega, "seattle-temps"),
    "sklearn_iris": (_sklearn, "iris"),
    "sklearn_wine": (_sklearn, "wine"),
    "sklearn_breast_cancer": (_sklearn, "breast_cancer"),
    "sklearn_diabetes": (_sklearn, "diabetes"),
    "sm_macrodata": (_statsmodels, "macrodata"),
    "sm_co2": (_statsmodels, "co2"),
    "sm_sunspots": (_statsmodels, "sunspots"),
    "sm_grunfeld": (_statsmodels, "grunfeld"),
    "sm_fair": (_statsmodels, "fair"),
    "sm_star98": (_statsmodels, "star98"),
    "sm_anes96": (_statsmodels, "anes96"),
    "sm_heart": (_statsmodels, "heart"),
    "sm_elnino": (_statsmodels, "elnino"),
    "sm_fertility": (_statsmodels, "fertility"),
    "sm_randhie": (_statsmodels, "randhie"),
    "sm_statecrime": (_statsmodels, "statecrime"),
    "sm_modechoice": (_statsmodels, "modechoice"),
    "sm_nile": (_statsmodels, "nile"),
}


def export(folder: Path) -> None:
    """Write every data set of SOURCES as folder/NAME.csv (kept when already there)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (load, key) in SOURCES.items():
        path = folder / f"{name}.csv"
        if not path.exists():
            frame = load(key)
            index = frame.index.name is not None
            frame.to_csv(path, index=index)


def profile(path: Path) -> dict:
    """ydata-profiling's alerts for one CSV, read the way its docs do (pd.read_csv)."""
    import pandas as pd
    from ydata_profiling import ProfileReport

    start = time.perf_counter()
    frame = pd.read_csv(path)
    report = ProfileReport(frame, progress_bar=False)
    alerts = report.description_set.alerts
    seconds = time.perf_counter() - start
    found = sorted({(a.column_name, a.alert_type.name.lower()) for a in alerts},
                   key=lambda pair: (str(pair[0]), pair[1]))
    types = {name: v["type"] for name, v in report.description_set.variables.items()}
    return {"file": path.name, "seconds": seconds, "alerts": found, "types": types}


def main() -> None:
    """Dispatch on the first argument."""
    warnings.filterwarnings("ignore")
    command, *args = sys.argv[1:]
    if command == "export":
        export(Path(args[0]))
    elif command == "profile":
        for arg in args:
            sys.stdout.write(json.dumps(profile(Path(arg))) + "\n")
            sys.stdout.flush()
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
