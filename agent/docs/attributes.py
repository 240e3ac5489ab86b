"""What to say about an attribute that has no docstring of its own.

Much of a package's API is made of names bound at import rather than defined: `st.write =
_main.write` (a method of a module-level instance), `flask.session = LocalProxy(...)` (an
instance standing for another type), `st.cache_data = CacheDataAPI(...)` (an instance used as a
decorator), `month = _field_accessor("month", "The month as ...")` (a property made by a factory
that is handed its docs). Read statically, they all have empty docs; this finds their text.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from griffe import Alias, ExprAttribute, ExprCall, ExprKeyword, ExprName

if TYPE_CHECKING:
    from agent.docs.extract import Views

# Builtins that wrap a function and keep its meaning: the function's docs are theirs.
WRAPPERS = frozenset({"property", "staticmethod", "classmethod", "functools.partial",
                      "functools.cached_property", "functools.lru_cache", "functools.cache"})
CASTS = frozenset({"typing.cast", "typing_extensions.cast"})
PRAGMAS = ("# type:", "# noqa", "# pragma", "# pyright:", "# mypy:", "# fmt:", "# ruff:")
COMMENT_LINES = 20
MIN_DOC_WORDS = 3  # a string argument with fewer words is a name or a key, not docs
NOTES = ("TODO", "FIXME", "XXX", "HACK", "NOTE:")
# Prose is mostly lower-case words; a regex has few words, SQL has its keywords in capitals.
PROSE_WORD = re.compile(r"\b[a-z]{3,}\b")
CAPITALS_WORD = re.compile(r"\b[A-Z]{2,}\b")


@dataclass
class Described:
    """Text found for an undocumented attribute, and what stands for it when it is a
    function under another name (its signature, kind and source location)."""

    doc: str
    function: Any | None = None
    called_as: Any | None = None  # a callable instance: the `__call__` users call


def describe(obj: Any, views: Views) -> Described | None:
    """The text for attribute `obj`, which has no docstring; None when nothing is found.

    In order: what it is bound to when that is a documented function or method; the comment
    right above it; docs handed to the call that makes it (`doc=`, a sentence-long string);
    the function a builtin wrapper (`property(fget)`, `partial(f)`, `cast(T, f)`) wraps;
    and at module level, for an instance, the docs of its `__call__` when it is called like
    a function, else of its class and of its annotated type.
    """
    module_level = obj.parent is not None and obj.parent.is_module
    value = uncast(obj.value, obj)
    if module_level:
        bound = bound_function(obj, value, views)
        if bound is not None:
            return Described(bound.docstring.value, function=bound)
    comment = comment_above(obj)
    if isinstance(value, ExprCall):
        handed = handed_doc(value)
        if handed:
            return Described(join(comment, handed))
        wrapped = wrapped_function(obj, value)
        if wrapped is not None:
            return Described(join(comment, wrapped.docstring.value))
    if module_level:
        described = instance_docs(obj, value, views)
        if described is not None:
            described.doc = join(comment, described.doc)
            return described
    return Described(comment) if comment else None


def join(*parts: str) -> str:
    return "\n\n".join(p for p in parts if p)


def lookup(obj: Any, path: str) -> Any:
    """The object at `path` among the loaded modules, through aliases."""
    found = obj.modules_collection[path]
    return found.final_target if isinstance(found, Alias) else found


def resolve(obj: Any, expr: Any) -> Any | None:
    """The object a name or dotted name refers to, when it was read; None otherwise."""
    if not isinstance(expr, ExprName | ExprAttribute):
        return None
    try:
        return lookup(obj, expr.canonical_path)
    except Exception:  # noqa: BLE001 - griffe raises several kinds for what it cannot resolve
        return None


def uncast(value: Any, obj: Any) -> Any:
    """`cast(T, x)` is `x`."""
    if isinstance(value, ExprCall) and isinstance(value.function, ExprName | ExprAttribute) \
            and value.function.canonical_path in CASTS:
        positional = [a for a in value.arguments if not isinstance(a, ExprKeyword)]
        if len(positional) == 2:
            return positional[1]
    return value


def has_doc(target: Any) -> bool:
    return target is not None and getattr(target, "docstring", None) is not None


def bound_function(obj: Any, value: Any, views: Views) -> Any | None:
    """The documented function or method a module attribute is another name for:
    `fragment = _fragment`, or `columns = _main.columns` (a method of a module-level
    instance: Streamlit's whole API is written so)."""
    try:
        if isinstance(value, ExprName):
            target = lookup(obj, value.canonical_path)
        elif isinstance(value, ExprAttribute) and len(value.values) == 2 and \
                isinstance(value.values[0], ExprName):
            cls = instance_class(obj, lookup(obj, value.values[0].canonical_path))
            if cls is None:
                return None
            target = views.of(cls).members.get(str(value.values[1]))
            if isinstance(target, Alias):
                target = target.final_target
        else:
            return None
    except Exception:  # noqa: BLE001 - griffe raises several kinds for what it cannot resolve
        return None
    return target if target is not None and target.is_function and has_doc(target) else None


def instance_class(obj: Any, base: Any) -> Any | None:
    """The class of a module-level instance, from its annotation or from the call making it."""
    if not base.is_attribute:
        return None
    for expr in (base.annotation, base.value.function if isinstance(base.value, ExprCall)
                 else None):
        cls = resolve(obj, expr) if isinstance(expr, ExprName) else None
        if cls is not None and cls.is_class:
            return cls
    return None


def comment_above(obj: Any) -> str:
    """The comment lines right above an assignment (`#: ...` or `# ...`), pragmas left out."""
    try:
        lines = obj.lines_collection[obj.filepath]
    except Exception:  # noqa: BLE001 - no source file (a namespace package, a compiled module)
        return ""
    if not obj.lineno or obj.lineno - 2 >= len(lines):
        return ""
    found: list[str] = []
    index = obj.lineno - 2
    while index >= 0 and len(found) < COMMENT_LINES:
        line = lines[index].strip()
        if not line.startswith("#") or line.startswith(PRAGMAS) or line.startswith("#!"):
            break
        found.append(line)
        index -= 1
    text = "\n".join(line.lstrip("#:").strip() for line in reversed(found)).strip()
    # A `#:` comment is documentation by convention, however short. Otherwise a label over
    # a group of assignments (`# Caching`), a note to the maintainers or code left in a
    # comment says nothing about this one.
    if any(line.startswith("#:") for line in found):
        return text
    if len(text.split()) < MIN_DOC_WORDS or text.upper().startswith(NOTES) or is_code(text):
        return ""
    return text


def is_code(text: str) -> bool:
    """True when a comment is Python left commented out (it parses), not prose."""
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def literal(arg: Any) -> str | None:
    """A string literal argument's text."""
    if not isinstance(arg, str):
        return None
    try:
        text = ast.literal_eval(arg)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return text if isinstance(text, str) else None


def handed_doc(call: ExprCall) -> str:
    """Docs given to the call that makes the attribute: a `doc=` string, or a string
    argument long enough to be a sentence (pandas makes its field properties so)."""
    for arg in call.arguments:
        if isinstance(arg, ExprKeyword) and arg.name == "doc":
            text = literal(arg.value)
            if text:
                return textwrap.dedent(text).strip()
    for arg in call.arguments:
        text = literal(arg)
        if text and is_prose(text):
            return textwrap.dedent(text).strip()
    return ""


def is_prose(text: str) -> bool:
    words = len(PROSE_WORD.findall(text))
    return words >= MIN_DOC_WORDS and words > len(CAPITALS_WORD.findall(text))


def wrapped_function(obj: Any, call: ExprCall) -> Any | None:
    """The documented function a builtin wrapper is applied to: `property(fget)`."""
    function = call.function
    if not isinstance(function, ExprName | ExprAttribute):
        return None
    path = function.canonical_path
    if path not in WRAPPERS and f"functools.{path}" not in WRAPPERS:
        return None
    first = next((a for a in call.arguments if not isinstance(a, ExprKeyword | str)), None)
    target = resolve(obj, first)
    return target if target is not None and target.is_function and has_doc(target) else None


def instance_docs(obj: Any, value: Any, views: Views, depth: int = 0) -> Described | None:
    """An instance's docs: those of its `__call__` when it is called like a function
    (`@st.cache_data`), else its class's; then those of its annotated type, when the
    annotation says what it stands for (`session: SessionMixin = LocalProxy(...)`); then
    what it is, by name, which says something even when neither class could be read."""
    made = None
    try:
        if isinstance(value, ExprName):
            named = lookup(obj, value.canonical_path)  # `cache_data = _cache_data`
            if named.is_class or named.docstring is not None:
                return Described(named.docstring.value) if has_doc(named) else None
            if named.is_attribute and named is not obj and depth < 5:
                return instance_docs(named, uncast(named.value, named), views, depth + 1)
            return None
        if isinstance(value, ExprCall):
            made = resolve(obj, value.function)
    except Exception:  # noqa: BLE001 - griffe raises several kinds for what it cannot resolve
        return None
    typed = resolve(obj, obj.annotation) if isinstance(obj.annotation, ExprName) else None
    parts: list[str] = []
    called_as = None
    if made is not None and made.is_class:
        called_as, doc = call_docs(made, views)
        parts.append(doc or (made.docstring.value if has_doc(made) else ""))
    if typed is not None and typed.is_class and typed is not made and has_doc(typed):
        parts.append(typed.docstring.value.split("\n\n", 1)[0])
    # Its class's docs say what it is; a class that could not be read is at least named.
    read = made is not None and made.is_class and has_doc(made)
    doc = join(*parts, "" if read else kind_sentence(obj, value, made, typed))
    return Described(doc, called_as=called_as) if doc else None


def kind_sentence(obj: Any, value: Any, made: Any, typed: Any) -> str:
    """`A flask.sessions.SessionMixin (an instance of werkzeug.local.LocalProxy).`"""
    made_name = made.path if made is not None and made.is_class else class_name(
        value.function if isinstance(value, ExprCall) else None)
    typed_name = typed.path if typed is not None and typed.is_class else class_name(
        obj.annotation)
    if typed_name and made_name and typed_name != made_name:
        return f"A {typed_name} (an instance of {made_name})."
    if made_name:
        return f"An instance of {made_name}."
    return ""


def class_name(expr: Any) -> str | None:
    """The full name of what looks like a class (a capitalized name) that was not read."""
    if not isinstance(expr, ExprName | ExprAttribute):
        return None
    try:
        path = str(expr.canonical_path)
    except Exception:  # noqa: BLE001 - an expression griffe cannot name
        return None
    last = path.rsplit(".", 1)[-1]
    return path if last[:1].isupper() and last.isidentifier() else None


def call_docs(cls: Any, views: Views) -> tuple[Any | None, str]:
    """The `__call__` of a class whose instances are called, and its docs: its own, else
    those of the method it hands the call to (`return self._decorator(...)`)."""
    call: Any = views.of(cls).members.get("__call__")
    if isinstance(call, Alias):
        try:
            call = call.final_target
        except Exception:  # noqa: BLE001 - a dead alias
            return None, ""
    if call is None or not call.is_function or call.parent is None or \
            call.parent.path in ("builtins.object", "typing.Protocol"):
        return None, ""
    if has_doc(call):
        return call, call.docstring.value
    delegate = delegated_to(call)
    target: Any = views.of(cls).members.get(delegate) if delegate else None
    if isinstance(target, Alias):
        try:
            target = target.final_target
        except Exception:  # noqa: BLE001 - a dead alias
            return call, ""
    return call, target.docstring.value if has_doc(target) and target.is_function else ""


def delegated_to(function: Any) -> str | None:
    """The method a function's whole body hands the call to: `return self.name(...)`."""
    try:
        tree = ast.parse(textwrap.dedent(function.source))
    except Exception:  # noqa: BLE001 - no source, or source griffe could not cut cleanly
        return None
    node = tree.body[0] if tree.body else None
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(
        s.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], ast.Return):
        return None
    call = body[0].value
    if isinstance(call, ast.Await):
        call = call.value
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and \
            isinstance(call.func.value, ast.Name) and call.func.value.id == "self":
        return call.func.attr
    return None


def exposed_class(obj: Any, views: Views, depth: int = 0) -> Any | None:
    """The class an attribute's value is an instance of, when it can be read: the class it
    is made from at module level (or its annotated type), or, for a descriptor making
    instances of a class it is handed (pandas' `str = Accessor("str", StringMethods)`),
    that class, at any level."""
    if not obj.is_attribute:
        return None
    module_level = obj.parent is not None and obj.parent.is_module
    value = uncast(obj.value, obj)
    if isinstance(value, ExprCall):
        made = resolve(obj, value.function)
        if made is not None and made.is_class:
            if "__get__" in views.of(made).members:
                for arg in value.arguments:
                    handed = resolve(obj, arg.value if isinstance(arg, ExprKeyword) else arg)
                    if handed is not None and handed.is_class:
                        return handed
                return None
            return made if module_level else None
    if not module_level:
        return None
    if isinstance(obj.annotation, ExprName):
        typed = resolve(obj, obj.annotation)
        if typed is not None and typed.is_class:
            return typed
    if isinstance(value, ExprName) and depth < 5:
        named = resolve(obj, value)  # `cache_data = _cache_data`
        if named is not None and named is not obj:
            return exposed_class(named, views, depth + 1)
    return None
