"""Which packages an interpreter has installed: asked of that interpreter, in a subprocess.

The interpreter may be another project's virtualenv, on another Python version: the script it
runs uses the standard library only and imports none of the packages it lists.
"""

from __future__ import annotations

import contextlib
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
import ast, json, os, re, sys, sysconfig
from importlib import metadata
from urllib.parse import unquote, urlparse


def editable_roots(dist, tops):
    # Folders an editable install imports its modules from (pip install -e): a path line
    # in its .pth file, or the MAPPING of setuptools' import finder.
    try:
        direct = json.loads(dist.read_text("direct_url.json") or "{}")
    except ValueError:
        return []
    if not direct.get("dir_info", {}).get("editable"):
        return []
    roots = []
    for f in dist.files or ():
        path = str(dist.locate_file(f))
        try:
            if f.name.endswith(".pth"):
                for line in open(path, encoding="utf-8").read().splitlines():
                    if line and not line.startswith(("#", "import")) and os.path.isdir(line):
                        roots.append(os.path.abspath(line))
            elif f.name.startswith("__editable__") and f.name.endswith("_finder.py"):
                found = re.search(r"^MAPPING[^=]*=\s*(\{.*?\})\s*$",
                                  open(path, encoding="utf-8").read(), re.M | re.S)
                for top, folder in (ast.literal_eval(found.group(1)) if found else {}).items():
                    if top in tops or not tops:
                        roots.append(os.path.dirname(os.path.abspath(folder)))
        except (OSError, ValueError, SyntaxError):
            continue
    url = urlparse(direct.get("url", ""))
    if not roots and url.scheme == "file" and os.path.isdir(unquote(url.path)):
        roots.append(unquote(url.path))
    return sorted(set(roots))

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
    tops = sorted(t for t in tops if t.isidentifier() and not t.startswith("__editable__"))
    roots = editable_roots(dist, tops)
    if roots and not tops:
        tops = sorted({os.path.splitext(n)[0] for r in roots for n in os.listdir(r)
                       if (n.endswith(".py") or os.path.isfile(os.path.join(r, n, "__init__.py")))
                       and os.path.splitext(n)[0].isidentifier() and n != "setup.py"})
    out["dists"].append({"name": name, "version": dist.version, "location": location,
                         "tops": tops, "editable": roots})
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
    # Where an editable install's source lives: read from there, and read again when a
    # file there changes, since its version does not.
    editable: tuple[Path, ...] = ()


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
        (Distribution(d["name"], d["version"], Path(d["location"]), tuple(d["tops"]),
                      tuple(Path(p) for p in d.get("editable", ())))
         for d in data["dists"]),
        key=lambda d: d.name.lower()))
    paths = [Path(p) for p in data["paths"]]
    paths += [root for d in dists for root in d.editable if root not in paths]
    return Environment(data["python"], data["version"], tuple(paths), dists)


def newest_source(dist: Distribution) -> float:
    """The latest modification time (epoch seconds) of an editable install's Python files."""
    newest = 0.0
    for root in dist.editable:
        for top in dist.tops:
            single = root / f"{top}.py"
            if single.is_file():
                newest = max(newest, single.stat().st_mtime)
            for folder, dirs, files in os.walk(root / top):
                dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
                for name in files:
                    if name.endswith((".py", ".pyi")):
                        with contextlib.suppress(OSError):
                            newest = max(newest, os.stat(os.path.join(folder, name)).st_mtime)
    return newest
