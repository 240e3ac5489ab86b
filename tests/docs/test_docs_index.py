"""Indexing an interpreter's packages: static reading, inspection of sourceless modules,
re-indexing only what changed."""

from __future__ import annotations

import py_compile
import shutil
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from agent.docs import EnvironmentUnavailable, index_environment, search_docs
from agent.docs.environment import read_environment
from agent.docs.indexer import name_words
from db.docs import list_sources
from db.models import DocObject
from tests.docs.conftest import FRAMES, bare_venv, write_dist


def objects(sessions, prefix: str) -> dict[str, DocObject]:
    with sessions() as session:
        found = session.scalars(select(DocObject).where(DocObject.qualname.like(prefix + "%")))
        return {o.qualname: o for o in found}


def test_a_virtualenv_is_listed_by_its_own_interpreter(tiny_venv) -> None:
    python, _ = tiny_venv
    env = read_environment(python)
    names = {d.name: (d.version, d.tops) for d in env.dists}
    assert names["tinypkg"] == ("1.0", ("tinypkg",)) and names["fastmod"] == ("0.1", ("fastmod",))


def test_source_packages_are_read_statically_with_signatures_docs_and_locations(
        clean_env, tiny_venv) -> None:
    python, site = tiny_venv
    with clean_env() as session:
        report = index_environment(session, python)
    assert sorted(report.indexed) == ["fastmod", "tinypkg"] and not report.failed
    found = objects(clean_env, "tinypkg")
    # Defined in tinypkg.frames, re-exported by the package: stored under the public name.
    frame = found["tinypkg.Frame"]
    assert frame.kind == "class" and frame.signature == "class Frame(data: dict | None = None)"
    assert frame.file == "tinypkg/frames.py" and frame.line == 5
    assert {"append", "head"} <= set(frame.meta["members"]) and frame.meta["complete"]
    merge = found["tinypkg.blend"]
    assert merge.signature == "blend(left: Frame, right: Frame, *, how: str = 'inner') -> Frame"
    assert merge.doc.startswith("Blend two frames") and merge.meta["returns"] == "tinypkg.Frame"
    assert found["tinypkg.Frame.append"].kind == "method"
    assert not any(".tests" in name or "frames.Frame" in name for name in found)
    assert (site / "tinypkg").is_dir()


def test_a_module_without_source_is_inspected_in_a_subprocess(clean_env, tiny_venv) -> None:
    python, _ = tiny_venv
    with clean_env() as session:
        index_environment(session, python, packages=["fastmod"])
    crunch = objects(clean_env, "fastmod")["fastmod.crunch"]
    assert crunch.kind == "function" and crunch.signature == "crunch(values, scale=2)"
    assert crunch.doc == "Multiply every value by scale, very fast."


def test_reindexing_an_unchanged_environment_reads_nothing_again(clean_env, tiny_venv) -> None:
    python, _ = tiny_venv
    with clean_env() as session:
        index_environment(session, python)
        first = {s.name: s.indexed_at for s in list_sources(session, environment=str(python))}
        again = index_environment(session, python)
        second = {s.name: s.indexed_at for s in list_sources(session, environment=str(python))}
    assert again.indexed == [] and sorted(again.unchanged) == ["fastmod", "tinypkg"]
    assert first == second


def test_a_new_version_is_read_again_and_an_uninstalled_package_is_dropped(
        clean_env, tiny_venv, tmp_path) -> None:
    python, site = tiny_venv
    with clean_env() as session:
        index_environment(session, python)
    info = site / "tinypkg-1.0.dist-info"
    frames = site / "tinypkg" / "frames.py"
    fastmod = site / "fastmod-0.1.dist-info"
    try:
        info.rename(site / "tinypkg-2.0.dist-info")
        write_dist(site, "tinypkg", "2.0", ["tinypkg"])
        frames.write_text(textwrap.dedent(FRAMES).replace("def append", "def _append"))
        fastmod.rename(tmp_path / "fastmod-0.1.dist-info")
        with clean_env() as session:
            report = index_environment(session, python)
            versions = {s.name: s.version for s in list_sources(session,
                                                                environment=str(python))}
        assert report.indexed == ["tinypkg"] and report.removed == ["fastmod"]
        assert versions == {"tinypkg": "2.0"}
        assert "tinypkg.Frame.append" not in objects(clean_env, "tinypkg")
    finally:
        (site / "tinypkg-2.0.dist-info").rename(info)
        write_dist(site, "tinypkg", "1.0", ["tinypkg"])
        frames.write_text(textwrap.dedent(FRAMES))
        (tmp_path / "fastmod-0.1.dist-info").rename(fastmod)


def test_the_tiny_package_is_searchable_by_name_and_by_meaning(clean_env, tiny_venv) -> None:
    with clean_env() as session:
        index_environment(session, tiny_venv[0])
        [first] = search_docs(session, "Frame.head", k=1)
        joined = search_docs(session, "join two tables like a database", k=3, package="tinypkg")
    assert first.qualname == "tinypkg.Frame.head"
    assert first.citation == "tinypkg 1.0 · tinypkg.Frame.head"
    assert first.source == "tinypkg/frames.py:15"
    assert joined[0].qualname == "tinypkg.blend"


@pytest.mark.parametrize("path", ["/bin/sh", "/nonexistent/python3", "relative/dir"])
def test_a_path_that_is_not_an_interpreter_is_refused(path: str) -> None:
    with pytest.raises(EnvironmentUnavailable, match="not a Python interpreter"):
        read_environment(path)


def test_name_words_split_identifiers_and_keep_the_class_but_not_the_module() -> None:
    assert name_words("pandas.DataFrame.merge") == "merge | DataFrame Data Frame"
    assert name_words("streamlit.chat_input") == "chat_input chat input"
    assert name_words("packaging.markers.Environment") == "Environment"
    assert name_words("HTTPServer") == "HTTPServer HTTP Server"


def test_a_folder_path_given_as_python_is_taken_as_a_virtualenv(tiny_venv) -> None:
    python, _ = tiny_venv
    env = read_environment(Path(python).parent.parent)
    assert env.python == str(python)


def test_a_version_bump_is_read_again_while_an_unchanged_package_is_left_alone(
        clean_env, tiny_venv) -> None:
    python, site = tiny_venv
    with clean_env() as session:
        index_environment(session, python)
        before = {s.name: (s.id, s.indexed_at) for s in list_sources(session,
                                                                     environment=str(python))}
    fastmod_ids = set(objects(clean_env, "fastmod"))
    info = site / "tinypkg-1.0.dist-info"
    init = site / "tinypkg" / "__init__.py"
    original = init.read_text()
    try:
        info.rename(site / "tinypkg-1.1.dist-info")
        write_dist(site, "tinypkg", "1.1", ["tinypkg"])
        init.write_text(original + textwrap.dedent('''

            def stack(frames: list[Frame]) -> Frame:
                """Stack frames on top of each other (new in 1.1)."""
                return frames[0]
        '''))
        with clean_env() as session:
            report = index_environment(session, python)
            after = {s.name: (s.id, s.indexed_at, s.version)
                     for s in list_sources(session, environment=str(python))}
        assert report.indexed == ["tinypkg"] and report.unchanged == ["fastmod"]
        assert after["tinypkg"][2] == "1.1" and after["tinypkg"][0] != before["tinypkg"][0]
        assert after["fastmod"][:2] == before["fastmod"]
        assert set(objects(clean_env, "fastmod")) == fastmod_ids
        stack = objects(clean_env, "tinypkg")["tinypkg.stack"]
        assert stack.doc == "Stack frames on top of each other (new in 1.1)."
    finally:
        (site / "tinypkg-1.1.dist-info").rename(info)
        write_dist(site, "tinypkg", "1.0", ["tinypkg"])
        init.write_text(original)


def test_reading_a_package_leaves_none_of_its_parsed_objects_alive(tmp_path: Path) -> None:
    # A worker reads dozens of packages: whatever one package's parse leaves alive, every
    # later garbage collection walks again (griffe's dataclass cache kept whole trees).
    import gc
    import sys

    import griffe

    from agent.docs.indexer import extract_distribution

    package = tmp_path / "leakpkg"
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent('''
        """Records."""
        from dataclasses import dataclass, field


        @dataclass
        class Record:
            """One record."""

            name: str
            tags: list[str] = field(default_factory=list)
    '''))
    rows = extract_distribution(("leakpkg",), [tmp_path], sys.executable)
    assert any(r.qualname == "leakpkg.Record" and "name: str" in r.signature for r in rows)
    gc.collect()
    alive = [o for o in gc.get_objects() if isinstance(o, griffe.Object)
             and o.path.startswith("leakpkg")]
    assert alive == []


@pytest.mark.parametrize("layout", ["path in .pth", "setuptools finder"])
def test_an_editable_install_is_read_from_its_project_and_again_when_its_source_changes(
        engine, tmp_path: Path, layout: str) -> None:
    # `pip install -e` leaves a .pth pointing at the project and a version that never
    # changes while its author edits the code.
    import json
    import os

    from sqlalchemy import delete

    from db.engine import make_sessionmaker
    from db.models import DocSource

    root = tmp_path / "venv"
    python, site = bare_venv(root)
    src = tmp_path / "project" / "src"
    (src / "editpkg").mkdir(parents=True)
    module = src / "editpkg" / "__init__.py"
    module.write_text('def first() -> int:\n    """The first answer."""\n    return 1\n')
    info = site / "editpkg-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: editpkg\nVersion: 0.1\n")
    (info / "direct_url.json").write_text(json.dumps(
        {"url": (tmp_path / "project").as_uri(), "dir_info": {"editable": True}}))
    records = ["__editable__.editpkg-0.1.pth", "editpkg-0.1.dist-info/METADATA"]
    if layout == "path in .pth":
        (site / "__editable__.editpkg-0.1.pth").write_text(f"{src}\n")
    else:
        finder = "__editable___editpkg_0_1_finder"
        (site / f"{finder}.py").write_text(
            f"MAPPING: dict[str, str] = {{'editpkg': {str(src / 'editpkg')!r}}}\n\n\n"
            "def install() -> None:\n    pass\n")
        (site / "__editable__.editpkg-0.1.pth").write_text(f"import {finder}; {finder}.install()\n")
        records.append(f"{finder}.py")
    (info / "RECORD").write_text("".join(f"{r},,\n" for r in records))
    sessions = make_sessionmaker(engine)
    try:
        with sessions() as session:
            first = index_environment(session, python)
            again = index_environment(session, python)
        assert first.indexed == ["editpkg"] and again.unchanged == ["editpkg"]
        assert objects(sessions, "editpkg")["editpkg.first"].doc == "The first answer."
        module.write_text(module.read_text() + textwrap.dedent('''

            def second() -> int:
                """The second answer, written after the first indexing."""
                return 2
        '''))
        later = module.stat().st_mtime + 5  # past the first run's timestamp, however coarse
        os.utime(module, (later, later))
        with sessions() as session:
            edited = index_environment(session, python)
        assert edited.indexed == ["editpkg"]
        assert "editpkg.second" in objects(sessions, "editpkg")
    finally:
        with sessions() as session:
            session.execute(delete(DocSource).where(DocSource.environment == str(python)))
            session.commit()


def test_a_stub_beside_a_module_without_source_gets_the_modules_docs(
        clean_env, tiny_venv, tmp_path) -> None:
    # Like numpy.random: names and types in a .pyi stub, the docs only in the compiled module.
    python, site = tiny_venv
    package = site / "stubbed"
    package.mkdir()
    (package / "__init__.py").write_text("from stubbed._core import spin\n")
    (package / "_core.pyi").write_text("def spin(turns: int) -> int: ...\n")
    source = tmp_path / "_core.py"
    source.write_text('def spin(turns):\n    """Spin the wheel so many turns."""\n    return 1\n')
    py_compile.compile(str(source), cfile=str(package / "_core.pyc"), doraise=True)
    write_dist(site, "stubbed", "1.0", ["stubbed"])
    try:
        with clean_env() as session:
            index_environment(session, python, packages=["stubbed"])
        spin = objects(clean_env, "stubbed")["stubbed.spin"]
    finally:
        shutil.rmtree(package)
        shutil.rmtree(site / "stubbed-1.0.dist-info")
    assert spin.signature == "spin(turns: int) -> int"  # the stub's, typed
    assert spin.doc == "Spin the wheel so many turns."  # the module's own
