"""Module attributes bound to a documented function, method or instance take its docs."""

from __future__ import annotations

import textwrap
from pathlib import Path

from agent.docs.extract import extract_package

API = '''
    """A package whose API is bound at import, the way Streamlit's is."""

    from boundpkg._impl import Writer as _Writer, shout as _shout, _Proxy

    _main: _Writer = _Writer()
    _other = _Writer()

    write = _main.write
    erase = _other.erase
    shout = _shout
    state = _Proxy()
    missing = _main.nothing
    number = 3
'''
IMPL = '''
    """The implementation."""


    class Writer:
        """Writes things."""

        def write(self, text: str, *, bold: bool = False) -> None:
            """Write text on the page."""

        def erase(self) -> None:
            """Erase the page."""


    def shout(text: str) -> str:
        """Say it loudly."""
        return text.upper()


    class _Proxy:
        """The state that survives reruns."""
'''


def test_bound_attributes_are_stored_with_the_docs_of_what_they_are_bound_to(
        tmp_path: Path) -> None:
    package = tmp_path / "boundpkg"
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent(API))
    (package / "_impl.py").write_text(textwrap.dedent(IMPL))
    records = {r.qualname: r for r in extract_package("boundpkg", [tmp_path]).records}
    write = records["boundpkg.write"]
    assert (write.kind, write.doc) == ("function", "Write text on the page.")
    assert write.signature == "write(text: str, *, bold: bool = False) -> None"
    assert write.file == "boundpkg/_impl.py"
    assert records["boundpkg.erase"].doc == "Erase the page."
    assert (records["boundpkg.shout"].kind, records["boundpkg.shout"].doc) == (
        "function", "Say it loudly.")
    state = records["boundpkg.state"]
    assert (state.kind, state.doc) == ("attribute", "The state that survives reruns.")
    assert state.signature.startswith("state = ")
    assert records["boundpkg.missing"].doc == "" and records["boundpkg.number"].doc == ""


def test_names_a_package_re_exports_from_a_private_sibling_are_its_api(tmp_path: Path) -> None:
    import sys

    from agent.docs.indexer import extract_distribution

    (tmp_path / "_privimpl").mkdir()
    (tmp_path / "_privimpl" / "__init__.py").write_text("")
    (tmp_path / "_privimpl" / "fixtures.py").write_text(textwrap.dedent('''
        def fixture(scope: str = "function"):
            """Declare a fixture."""


        def helper():
            """Not re-exported: stays private."""


        class Request:
            """A fixture request."""

            def value(self, name: str) -> object:
                """The value of another fixture."""
    '''))
    (tmp_path / "privapi").mkdir()
    (tmp_path / "privapi" / "__init__.py").write_text(
        "from _privimpl.fixtures import fixture, Request\n__all__ = ['fixture', 'Request']\n")
    records = {r.qualname: r for r in extract_distribution(("_privimpl", "privapi"),
                                                           [tmp_path], sys.executable)}
    assert records["privapi.fixture"].doc == "Declare a fixture."
    assert records["privapi.fixture"].file == "_privimpl/fixtures.py"
    assert records["privapi.Request.value"].kind == "method"
    assert not any(name.startswith("_privimpl") or name.endswith("helper") for name in records)


def test_a_name_the_init_assigns_over_its_own_submodule_is_the_assigned_object(
        tmp_path: Path) -> None:
    # Streamlit's `st.dataframe` is a command while `streamlit/dataframe/` is a folder.
    package = tmp_path / "shadowpkg"
    (package / "table").mkdir(parents=True)
    (package / "table" / "__init__.py").write_text('"""Table helpers."""\n')
    (package / "table" / "cells.py").write_text(textwrap.dedent('''
        def cell(value: int) -> str:
            """Format one cell."""
            return str(value)
    '''))
    (package / "plain").mkdir()
    (package / "plain" / "__init__.py").write_text('"""A submodule nothing shadows."""\n')
    (package / "_impl.py").write_text(textwrap.dedent(IMPL))
    (package / "__init__.py").write_text(textwrap.dedent('''
        """Shadowing."""
        from shadowpkg._impl import Writer as _Writer

        _main: _Writer = _Writer()
        table = None
        table: "object" = _main.write
        plain_value = 1
    '''))
    records = {r.qualname: r for r in extract_package("shadowpkg", [tmp_path]).records}
    table = records["shadowpkg.table"]
    assert (table.kind, table.doc) == ("function", "Write text on the page.")
    assert records["shadowpkg.table.cells.cell"].doc == "Format one cell."
    assert records["shadowpkg.plain"].kind == "module"


def test_a_module_that_makes_names_through_globals_has_no_complete_member_list(
        tmp_path: Path) -> None:
    # pyarrow.compute defines its functions in a loop at import: `g = globals(); g[name] = f`.
    package = tmp_path / "dynpkg"
    package.mkdir()
    (package / "__init__.py").write_text(
        '"""Static."""\n\n\ndef fixed() -> None:\n    """Here."""\n')
    (package / "made.py").write_text(textwrap.dedent('''
        """Functions made at import."""


        def _make(name):
            def function():
                return name
            return function


        g = globals()
        for _name in ("sum", "value_counts"):
            g[_name] = _make(_name)
    '''))
    records = {r.qualname: r for r in extract_package("dynpkg", [tmp_path]).records}
    assert records["dynpkg.made"].meta["complete"] is False
    assert records["dynpkg"].meta["complete"] is True
