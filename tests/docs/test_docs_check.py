"""check_code: names missing from the installed versions, and no false alarms."""

from __future__ import annotations

import re
import shutil
import sys
import textwrap
from pathlib import Path

from agent.docs import check_code, index_environment
from tests.conftest import ROOT
from tests.docs.conftest import write_dist

REMOVED = '''
import tinypkg
from tinypkg import Frame, blend, blendd

frame = tinypkg.Frame({"a": [1]})
frame.append(frame)
frame.hed(3)
tinypkg.Frame.hed
result = blend(frame, frame)
result.append(frame)
'''
CORRECT = '''
import tinypkg as tp
from tinypkg.frames import Frame

frame = tp.Frame()
frame.head(3).head()
tp.blend(frame, Frame(), how="outer").append(frame)
'''


def test_removed_and_misspelled_names_are_found_with_the_closest_existing_name(
        clean_env, tiny_venv, tmp_path) -> None:
    python, site = tiny_venv
    frames = site / "tinypkg" / "frames.py"
    original = frames.read_text()
    frames.write_text(original.replace("def append", "def _append"))  # a 2.0 without append
    try:
        with clean_env() as session:
            index_environment(session, python)
            findings = check_code(session, REMOVED, python=python)
    finally:
        frames.write_text(original)
    found = {(f.line, f.name): f for f in findings}
    assert set(found) == {(3, "tinypkg.blendd"), (6, "Frame.append"), (7, "Frame.hed"),
                          (8, "Frame.hed"), (10, "Frame.append")}
    assert found[(7, "Frame.hed")].suggestion == "tinypkg.Frame.head"
    assert found[(7, "Frame.hed")].message == (
        "`Frame.hed` does not exist in tinypkg 1.0; did you mean `tinypkg.Frame.head`?")
    assert found[(3, "tinypkg.blendd")].suggestion == "tinypkg.blend"


def test_correct_code_has_no_findings(clean_env, tiny_venv) -> None:
    python, _ = tiny_venv
    with clean_env() as session:
        index_environment(session, python)
        assert check_code(session, CORRECT, python=python) == []
        assert check_code(session, "this is not python(", python=python) == []


def test_nothing_is_reported_for_an_interpreter_with_nothing_indexed(clean_env) -> None:
    with clean_env() as session:
        assert check_code(session, "import tinypkg\ntinypkg.nope()", python=sys.executable) == []


def python_sources() -> list[Path]:
    folders = ("agent", "db", "ui", "pages", "api", "tests", "bench")
    found = [p for folder in folders for p in (ROOT / folder).rglob("*.py")]
    return found + [p for p in ROOT.glob("*.py")]


def readme_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return [textwrap.dedent(b) for b in re.findall(r"```python\n(.*?)```", text, re.DOTALL)]


def test_the_projects_own_code_and_readme_examples_have_no_findings(docs_sessions) -> None:
    with docs_sessions() as session:
        findings = {str(path.relative_to(ROOT)): check_code(session, path.read_text())
                    for path in python_sources()}
        findings |= {f"README block {n}": check_code(session, block)
                     for n, block in enumerate(readme_blocks())}
    assert {where: f for where, f in findings.items() if f} == {}


REAL = '''
import click
import flask
import requests
from flask import Flask

width, height = click.get_terminal_size()
app = Flask(__name__)
app.before_first_request(print)
session = requests.Sesion()
click.sechoo("hi", fg="red")
flask.jsonfy({"a": 1})
click.secho("fine", fg="green")
requests.Session().get("https://example.org", timeout=3).raise_for_status()
'''


def test_apis_removed_from_or_misspelled_for_the_installed_packages_are_found(
        docs_sessions) -> None:
    from importlib.metadata import version

    with docs_sessions() as session:
        findings = check_code(session, REAL)
    found = {f.name: f for f in findings}
    assert [(f.line, f.name) for f in findings] == [
        (7, "click.get_terminal_size"), (9, "Flask.before_first_request"),
        (10, "requests.Sesion"), (11, "click.sechoo"), (12, "flask.jsonfy")]
    assert found["requests.Sesion"].suggestion == "requests.Session"
    assert found["click.sechoo"].suggestion == "click.secho"
    assert found["flask.jsonfy"].suggestion == "flask.jsonify"
    assert found["click.get_terminal_size"].message == (
        f"`click.get_terminal_size` does not exist in click {version('click')}")


LAZY = '''
import importlib

def total(values):
    """Add the values up."""
    return sum(values)

_REMOVED = {"summ": "`lazypkg.summ` was removed in lazypkg 2.0. Use `lazypkg.total` instead."}

def __getattr__(name):
    if name == "extras":  # a submodule imported on first use
        return importlib.import_module("lazypkg.extras")
    if name in _REMOVED:
        raise AttributeError(_REMOVED[name])
    raise AttributeError(f"module 'lazypkg' has no attribute {name!r}")
'''
USES_LAZY = '''
import lazypkg
from lazypkg import summ
lazypkg.total([1])
lazypkg.extras.helper()
lazypkg.summ([1])
lazypkg.nothere
'''


def test_a_module_with_a_getattr_hook_is_asked_which_names_it_lacks(clean_env, tiny_venv) -> None:
    python, site = tiny_venv
    package = site / "lazypkg"
    package.mkdir()
    (package / "__init__.py").write_text(LAZY)
    (package / "extras.py").write_text("def helper():\n    return 1\n")
    write_dist(site, "lazypkg", "2.0", ["lazypkg"])
    try:
        with clean_env() as session:
            index_environment(session, python)
            findings = check_code(session, USES_LAZY, python=python)
    finally:
        shutil.rmtree(package)
        shutil.rmtree(site / "lazypkg-2.0.dist-info")
    found = {(f.line, f.name): f for f in findings}
    # The submodule the hook imports is no finding; the names it refuses are.
    assert set(found) == {(3, "lazypkg.summ"), (6, "lazypkg.summ"), (7, "lazypkg.nothere")}
    removed = found[(6, "lazypkg.summ")]
    assert removed.message == (
        "`lazypkg.summ` does not exist in lazypkg 2.0: `lazypkg.summ` was removed in lazypkg "
        "2.0. Use `lazypkg.total` instead.")
    assert found[(7, "lazypkg.nothere")].message == (
        "`lazypkg.nothere` does not exist in lazypkg 2.0")
