"""Attributes without a docstring of their own (instances, objects made by a factory or a
decorator class, properties built by a call) are stored with the text that says what they are."""

from __future__ import annotations

import py_compile
import textwrap
from pathlib import Path

from agent.docs.extract import DocRecord, extract_package
from agent.docs.introspect import inspect_modules
from tests.docs.conftest import bare_venv

API = '''
    """A web framework's globals, the way Flask's are written."""

    import typing as t

    from otherlib.local import Proxy
    from webpkg.sessions import SessionStore

    if t.TYPE_CHECKING:
        from webpkg.app import App

    session: SessionStore = Proxy("session")
    app: App = Proxy("app")
    counter = Proxy("counter")

    #: Seconds a request may take before it is cut off.
    TIMEOUT = compute_timeout()

    # The folder uploaded files are kept in, made when the first one arrives.
    UPLOADS = make_folder()

    # Caching
    LIMITS = make_limits()

    # TODO: read this from the settings once there are settings
    RETRIES = make_retries()

    # RETRIES = make_retries(count=3, backoff=0.5)
    BACKOFF = make_backoff()

    SPLITTER = compile_pattern("[ ]* , [ ]*", VERBOSE)
    QUERY = prepare("SELECT name FROM users WHERE id = :id")
'''
SESSIONS = '''
    """Sessions."""


    class SessionStore:
        """A dictionary kept between the requests of one visitor.

        Values put in it come back on the visitor's next request.
        """
'''
APP = '''
    class App:
        """The application object."""
'''
CACHING = '''
    """Caching, the way Streamlit writes its decorators: an instance called like a function."""

    import typing as t


    def _field(name: str, doc: str) -> property:
        return property(lambda self: getattr(self, name), doc=doc)


    def _lower(text: str) -> str:
        """Lower-case the text without changing its length."""
        return text.lower()


    class _CacheAPI:
        """Implements the public cache API: the decorator and its clear()."""

        def __call__(self, func=None, *, ttl: int = 0):
            return self._decorator(func, ttl=ttl)

        def _decorator(self, func, *, ttl):
            """Decorator to keep what a function returns, for ttl seconds."""

        def clear(self) -> None:
            """Forget everything kept."""


    class Timer:
        """Measures time."""

        def __call__(self, label: str) -> None:
            """Start a timer that prints how long its block took."""


    class Plain:
        """A plain helper."""

        def help(self) -> str:
            """How to use the helper."""


    class Accessor:
        """Gives the methods of `accessor` on the object it is read from."""

        def __init__(self, name: str, accessor: type) -> None:
            self._accessor = accessor

        def __get__(self, obj, cls):
            return self._accessor(obj)


    class _StringMethods:
        def contains(self, pattern: str) -> list[bool]:
            """Whether each string contains the pattern."""


    class count:
        """The SQL COUNT aggregate: how many rows there are."""


    _count: t.TypeAlias = count


    class _FunctionGenerator:
        @property
        def count(self) -> t.Type[_count]: ...

        @property
        def total(self) -> type[Total[int]]: ...


    class Total:
        """The SQL SUM aggregate of a column."""


    func = _FunctionGenerator()


    class Column:
        """A column of values."""

        str = Accessor("str", _StringMethods)


    cache = _CacheAPI()
    timed = Timer()
    plain = Plain()
    lower = t.cast(t.Callable[[str], str], _lower)


    class Stamp:
        """A point in time."""

        def _month(self) -> int:
            """The month of the stamp, January being 1."""

        month = _field("month", """
            The month as January=1, December=12.

            Returns the month component.""")
        hour = _field("hour", "h")
        quarter = property(_month, doc="The quarter of the year, from 1 to 4.")
        mon = property(_month)
'''


def read(tmp_path: Path, name: str, files: dict[str, str]) -> dict[str, DocRecord]:
    package = tmp_path / name
    package.mkdir()
    for file, text in files.items():
        (package / file).write_text(textwrap.dedent(text))
    return {r.qualname: r for r in extract_package(name, [tmp_path]).records}


def test_an_instance_standing_for_another_type_is_described_by_that_type_and_its_class_name(
        tmp_path: Path) -> None:
    records = read(tmp_path, "webpkg", {"__init__.py": API, "sessions.py": SESSIONS,
                                        "app.py": APP})
    session = records["webpkg.session"]
    assert session.doc == ("A dictionary kept between the requests of one visitor.\n\n"
                           "A webpkg.sessions.SessionStore (an instance of otherlib.local.Proxy).")
    assert session.kind == "attribute" and session.signature.startswith("session: SessionStore")
    # The annotation names a class imported only for type checkers: still read.
    assert records["webpkg.app"].doc.startswith("The application object.")
    assert records["webpkg.counter"].doc == "An instance of otherlib.local.Proxy."


def test_a_comment_right_above_an_assignment_is_its_doc_but_a_group_label_is_not(
        tmp_path: Path) -> None:
    records = read(tmp_path, "webpkg", {"__init__.py": API, "sessions.py": SESSIONS,
                                        "app.py": APP})
    assert records["webpkg.TIMEOUT"].doc == "Seconds a request may take before it is cut off."
    assert records["webpkg.UPLOADS"].doc == (
        "The folder uploaded files are kept in, made when the first one arrives.")
    assert records["webpkg.LIMITS"].doc == ""
    assert records["webpkg.RETRIES"].doc == records["webpkg.BACKOFF"].doc == ""


def test_a_string_handed_to_a_call_is_docs_only_when_it_reads_as_prose(tmp_path: Path) -> None:
    records = read(tmp_path, "webpkg", {"__init__.py": API, "sessions.py": SESSIONS,
                                        "app.py": APP})
    assert records["webpkg.SPLITTER"].doc == records["webpkg.QUERY"].doc == ""


def test_an_instance_called_like_a_function_takes_the_docs_and_signature_of_its_call(
        tmp_path: Path) -> None:
    records = read(tmp_path, "cachepkg", {"__init__.py": CACHING})
    cache = records["cachepkg.cache"]
    # `__call__` has no docs but hands the call to a method that has them.
    assert cache.doc == "Decorator to keep what a function returns, for ttl seconds."
    assert cache.signature == "cache(func=None, *, ttl: int = 0)"
    assert records["cachepkg.timed"].doc == "Start a timer that prints how long its block took."
    assert records["cachepkg.plain"].doc == "A plain helper."
    assert records["cachepkg.lower"].doc == "Lower-case the text without changing its length."


def test_the_methods_of_an_instance_s_hidden_class_are_found_under_the_instance_s_name(
        tmp_path: Path) -> None:
    records = read(tmp_path, "cachepkg", {"__init__.py": CACHING})
    assert records["cachepkg.cache.clear"].doc == "Forget everything kept."
    # Through a descriptor, the class it makes instances of: `df.str.contains()`.
    contains = records["cachepkg.Column.str.contains"]
    assert (contains.kind, contains.doc) == ("method", "Whether each string contains the pattern.")
    # A property typed `type[C]` hands out the class C: its docs say what calling it does.
    assert records["cachepkg.func.count"].doc == "The SQL COUNT aggregate: how many rows there are."
    assert records["cachepkg.func.total"].doc == "The SQL SUM aggregate of a column."
    # A class documented under a public name no deeper than the instance's keeps its members.
    assert "cachepkg.Plain.help" in records and "cachepkg.plain.help" not in records


def test_properties_made_by_a_call_take_the_docs_handed_to_it_or_those_of_their_getter(
        tmp_path: Path) -> None:
    records = read(tmp_path, "cachepkg", {"__init__.py": CACHING})
    assert records["cachepkg.Stamp.month"].doc == (
        "The month as January=1, December=12.\n\nReturns the month component.")
    assert records["cachepkg.Stamp.hour"].doc == ""  # a one-word string is not docs
    assert records["cachepkg.Stamp.quarter"].doc == "The quarter of the year, from 1 to 4."
    assert records["cachepkg.Stamp.mon"].doc == "The month of the stamp, January being 1."


COMPILED = '''
"""A module shipped without its source."""


class _BaseStamp:
    @property
    def month(self):
        """The month of the stamp, January being 1."""
        return 1


class Stamp(_BaseStamp):
    """A point in time."""


class _Missing:
    """The marker of a missing value."""


MISSING = _Missing()
LIMIT = 10
'''


def test_inspection_reads_property_docs_inherited_members_and_the_class_of_an_instance(
        tmp_path: Path) -> None:
    root = tmp_path / "venv"
    python, site = bare_venv(root)
    source = tmp_path / "stamps.py"
    source.write_text(COMPILED)
    py_compile.compile(str(source), cfile=str(site / "stamps.pyc"), doraise=True)
    records = {r.qualname: r for r in inspect_modules(str(python), ["stamps"])}
    month = records["stamps.Stamp.month"]
    assert (month.kind, month.doc) == ("property", "The month of the stamp, January being 1.")
    assert records["stamps.MISSING"].doc == "The marker of a missing value."
    assert records["stamps.LIMIT"].doc == ""


FOREIGN = {
    "otherpkg/__init__.py": '''
        """Another distribution: its Request is re-exported twice before it is defined."""
        from otherpkg.wrappers import Request as Request


        class Model:
            """A base many classes of many packages derive from."""

            def dump(self) -> dict:
                """The model as a dictionary."""
    ''',
    "otherpkg/wrappers/__init__.py": "from .request import Request\n",
    "otherpkg/wrappers/request.py": '''
        from otherpkg.sansio.request import Request as _SansIORequest


        class Request(_SansIORequest):
            """The request object."""

            def get_json(self, silent: bool = False):
                """Parse the body as JSON."""
    ''',
    "otherpkg/sansio/__init__.py": "",
    "otherpkg/sansio/request.py": '''
        class Request:
            """A request without input and output."""

            @property
            def args(self) -> dict:
                """The parsed URL parameters."""
    ''',
    "otherpkg/unrelated.py": '''
        class Unrelated:
            """Never needed by mypkg."""
    ''',
    "mypkg/__init__.py": '''
        """A framework built on another one."""
        from mypkg.wrappers import Request as Request
    ''',
    "mypkg/wrappers.py": '''
        from otherpkg import Request as RequestBase


        class Request(RequestBase):
            """The request object of mypkg."""

            def blueprint(self) -> str:
                """The blueprint that handled the request."""
    ''',
    "mypkg/models.py": '''
        from otherpkg import Model


        class User(Model):
            """A user."""
    ''',
}


def test_members_a_public_class_inherits_from_another_package_are_found_under_its_name(
        tmp_path: Path) -> None:
    for file, text in FOREIGN.items():
        (tmp_path / file).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / file).write_text(textwrap.dedent(text))
    records = {r.qualname: r for r in extract_package("mypkg", [tmp_path]).records}
    get_json = records["mypkg.Request.get_json"]
    assert (get_json.kind, get_json.doc) == ("method", "Parse the body as JSON.")
    assert get_json.file == "otherpkg/wrappers/request.py"
    assert records["mypkg.Request.args"].doc == "The parsed URL parameters."
    request = records["mypkg.Request"].meta
    assert request["complete"] and {"args", "blueprint", "get_json"} <= set(request["members"])
    # A base whose own public name is no deeper than the subclass's keeps its members (as
    # pandas' own documented bases do): `mypkg.models.User.dump` would be one more copy of
    # `otherpkg.Model.dump` for every model class of every package.
    assert "mypkg.models.User.dump" not in records
    assert "dump" in records["mypkg.models.User"].meta["members"]
    assert not [name for name in records if name.startswith("otherpkg")]
