"""Fixtures for the docs tests: a few real packages of the app's environment indexed once for
the whole package of tests (removed afterwards, so other tests see an empty index), and a
throwaway virtualenv holding packages the tests write."""

from __future__ import annotations

import py_compile
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session, sessionmaker

from agent.docs import index_environment
from db.engine import make_sessionmaker
from db.models import DocSource
from tests.docs_questions import PACKAGES

# The app's own code imports these: indexed too, so check_code can read the project's code.
CHECKED_PACKAGES = ("jsonschema", "griffelib", "alembic", "pydantic-settings")


@pytest.fixture(scope="package")
def docs_sessions(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions on a database where PACKAGES and CHECKED_PACKAGES are indexed."""
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        report = index_environment(session, packages=[*PACKAGES, *CHECKED_PACKAGES])
    assert not report.failed, report.failed
    yield sessions
    with sessions() as session:
        session.execute(delete(DocSource))
        session.commit()


def write_dist(site: Path, name: str, version: str, tops: list[str]) -> None:
    """The metadata pip would leave for a distribution."""
    info = site / f"{name}-{version}.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    (info / "top_level.txt").write_text("\n".join(tops) + "\n")


TINY_V1 = '''
    """A tiny package written by the tests."""

    from tinypkg.frames import Frame

    __all__ = ["Frame", "blend"]


    def blend(left: Frame, right: Frame, *, how: str = "inner") -> Frame:
        """Blend two frames on their shared keys, like a database join."""
        return left
'''
FRAMES = '''
    """Frames."""


    class Frame:
        """A two-dimensional table of labelled columns."""

        def __init__(self, data: dict | None = None) -> None:
            self.data = data or {}

        def append(self, other: "Frame") -> "Frame":
            """Add the rows of another frame at the end."""
            return self

        def head(self, n: int = 5) -> "Frame":
            """The first n rows."""
            return self
'''
COMPILED = '''
"""A module shipped without its source, like a compiled extension."""


def crunch(values, scale=2):
    """Multiply every value by scale, very fast."""
    return [v * scale for v in values]
'''


def bare_venv(root: Path) -> tuple[Path, Path]:
    """A new virtualenv without pip: its python and its site-packages folder."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    python = root / "bin" / "python"
    site = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True).stdout.strip())
    return python, site


def make_tiny_venv(root: Path) -> tuple[Path, Path]:
    """A virtualenv (no pip) with `tinypkg` 1.0 (source) and `fastmod` 0.1 (no source)."""
    python, site = bare_venv(root)
    package = site / "tinypkg"
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent(TINY_V1))
    (package / "frames.py").write_text(textwrap.dedent(FRAMES))
    tests = package / "tests"
    tests.mkdir()
    (tests / "__init__.py").write_text("def test_hidden():\n    pass\n")
    write_dist(site, "tinypkg", "1.0", ["tinypkg"])
    source = root / "fastmod.py"
    source.write_text(COMPILED)
    py_compile.compile(str(source), cfile=str(site / "fastmod.pyc"), doraise=True)
    source.unlink()
    write_dist(site, "fastmod", "0.1", ["fastmod"])
    return python, site


@pytest.fixture(scope="package")
def tiny_venv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The interpreter and site-packages of the tests' own virtualenv."""
    return make_tiny_venv(tmp_path_factory.mktemp("tinyvenv"))


@pytest.fixture
def clean_env(engine: Engine, tiny_venv: tuple[Path, Path]) -> Iterator[sessionmaker[Session]]:
    """Sessions, with nothing indexed for the tiny virtualenv before and after the test."""
    sessions = make_sessionmaker(engine)

    def clear() -> None:
        with sessions() as session:
            session.execute(delete(DocSource).where(DocSource.environment == str(tiny_venv[0])))
            session.commit()

    clear()
    yield sessions
    clear()
