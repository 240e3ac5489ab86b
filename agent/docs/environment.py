"""Which packages an interpreter has installed: asked of that interpreter, in a subprocess.

The interpreter may be another project's virtualenv, on another Python version: the script it
runs uses the standard library only and imports none of the packages it lists.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from agent.errors import MiniAgentError

LIST_TIMEOUT_S = 30
PYTHON_NAME = re.compile(r"python(\d+(\.\d+)?)?(\.exe)?")

LIST_SCRIPT = r"""
import json, sys, sysconfig
from importlib import metadata
out = {"python": sys.executable, "version": sys.version.split()[0],
       "paths": sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}),
       "dists": []}
seen = set()
for dist in metadata.distributions():
    name = dist.metadata["Name"]
    if not name or name.lower() in seen:
        continue
    seen.add(name.lower())
    tops = set()
    text = dist.read_text("top_level.txt")
    if text:
        tops.update(t.strip().replace("/", ".") for t in text.split())
    else:
        for f in dist.files or ():
            parts = f.parts
            if not parts or parts[0] in ("..", "__pycache__") or parts[0].endswith(
                    (".dist-info", ".egg-info", ".data", ".pth")):
                continue
            if len(parts) == 1:
                stem = parts[0].split(".")[0]
                if parts[0].endswith((".py", ".so", ".pyd", ".pyi")):
                    tops.add(stem)
            else:
                tops.add(parts[0])
    location = str(dist.locate_file(""))
    out["dists"].append({"name": name, "version": dist.version, "location": location,
                         "tops": sorted(t for t in tops if t.isidentifier())})
print(json.dumps(out))
"""


class EnvironmentUnavailable(MiniAgentError):
    """The interpreter named cannot be used to list packages."""


@dataclass(frozen=True)
class Distribution:
    """An installed distribution and the top-level modules it provides."""

    name: str
    version: str
    location: Path
    tops: tuple[str, ...]


@dataclass(frozen=True)
class Environment:
    """An interpreter and what it has installed."""

    python: str
    version: str
    paths: tuple[Path, ...]
    dists: tuple[Distribution, ...]


def resolve_python(python: str | os.PathLike[str] | None) -> str:
    """The interpreter to read: the app's own by default, or a `python` (or venv folder) by path."""
    if python is None:
        return sys.executable
    path = Path(python).expanduser()
    if path.is_dir():
        path = next((p for p in (path / "bin" / "python", path / "Scripts" / "python.exe")
                     if p.exists()), path)
    # Only something named like an interpreter is run: this is a path a user typed.
    if not PYTHON_NAME.fullmatch(path.name) or not path.is_file() or not os.access(path, os.X_OK):
        raise EnvironmentUnavailable(
            f"{python} is not a Python interpreter: give the path of a `python` executable, "
            "e.g. /path/to/project/.venv/bin/python, or the virtualenv's folder.")
    return str(path.absolute())


def read_environment(python: str | os.PathLike[str] | None = None) -> Environment:
    """List the distributions installed for `python` (without importing any of them)."""
    executable = resolve_python(python)
    try:
        done = subprocess.run(
            [executable, "-I", "-c", LIST_SCRIPT], capture_output=True, text=True,
            timeout=LIST_TIMEOUT_S, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EnvironmentUnavailable(f"Could not run {executable}: {exc}") from exc
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise EnvironmentUnavailable(f"{executable} could not list its packages: {last}")
    data = json.loads(done.stdout)
    dists = tuple(sorted(
        (Distribution(d["name"], d["version"], Path(d["location"]), tuple(d["tops"]))
         for d in data["dists"]),
        key=lambda d: d.name.lower()))
    return Environment(data["python"], data["version"],
                       tuple(Path(p) for p in data["paths"]), dists)
