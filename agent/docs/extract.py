"""Read a package's public API from its source with griffe, without importing it.

Every object is recorded once, under its shortest public path: `pandas.DataFrame.merge`
rather than `pandas.core.frame.DataFrame.merge`, because users write the former. Modules and
classes also carry the names of all their members (inherited ones included) and whether that
list can be trusted, which is what `check_code` needs to call a name missing.
"""

from __future__ import annotations

import ast
import functools
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import griffe
from griffe import Alias, GriffeLoader, ModuleFinder, Object

from agent.docs.attributes import describe, exposed_class
from agent.docs.bases import load_foreign_bases

log = logging.getLogger(__name__)
# Folders of a package that hold its own test suite, not its API.
SKIPPED_DIRS = frozenset({"tests", "test", "__pycache__", "_vendor", "vendor", "vendored"})
DOC_CHARS = 6_000  # a docstring past this is cut: the start says what the object is
SIGNATURE_CHARS = 600
MEMBER_NAMES = 2_000  # a member list longer than this is not kept (and not trusted)
# Members whose presence means attribute access is dynamic: nothing can be called missing.
DYNAMIC = frozenset({"__getattr__", "__getattribute__", "__dir__"})
SKIPPED_MODULES = frozenset({"conftest", "setup", "__main__"})
COMPILED_SUFFIXES = (".so", ".pyd")
MAX_INHERITED = 400
# What reading odd source can raise; such a package is then inspected instead.
READ_ERRORS = (ImportError, griffe.GriffeError, OSError, SyntaxError, ValueError, RecursionError)


@dataclass
class DocRecord:
    """One documented object as it is stored."""

    qualname: str
    kind: str
    signature: str = ""
    doc: str = ""
    file: str | None = None
    line: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)


class PackageFinder(ModuleFinder):
    """griffe's finder, minus test suites and folders that are not packages."""

    def _filter_py_modules(self, path: Path) -> Any:
        for root, dirs, files in os.walk(path, topdown=True, followlinks=False):
            dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and d.isidentifier()
                       and holds_python(os.path.join(root, d))]
            for name in files:
                stem, suffix = os.path.splitext(name)
                if suffix in self.extensions_set and stem not in SKIPPED_MODULES:
                    yield Path(root, name)


def holds_python(folder: str) -> bool:
    """A package folder, with or without `__init__` (flask.sansio has none); not a data folder."""
    try:
        return any(name.endswith((".py", ".pyi")) for name in os.listdir(folder))
    except OSError:
        return False


def is_public(path: str) -> bool:
    """No part of the dotted path is private (`_x`); dunder names are not API either."""
    return not any(part.startswith("_") for part in path.split("."))


class PackageLoader(GriffeLoader):
    """griffe's loader, also reading folders without `__init__` inside a package.

    Python imports them (flask.sansio is one); griffe skips them on purpose, which would
    lose every class whose base lives there.
    """

    def _get_or_create_parent_module(self, module: Any, subparts: tuple[str, ...],
                                     subpath: Path) -> Any:
        parent = module
        folder = subpath.parent.parent if subpath.stem == "__init__" else subpath.parent
        folders = [folder, *folder.parents][:len(subparts) - 1][::-1]
        for part, path in zip(subparts[:-1], folders, strict=True):
            if part not in parent.members:
                parent.set_member(part, self._create_module(part, [path]))
            parent = parent.get_member(part)
        return parent


def load_package(name: str, search_paths: list[Path], private: tuple[str, ...] = ()
                 ) -> tuple[Object, GriffeLoader] | None:
    """The top-level module `name`, read statically, and its loader; None when it has no
    Python source.

    `private` top-level modules of the same distribution are read too, so names `name`
    re-exports from them resolve (pytest's API is defined in `_pytest`).
    """
    loader = PackageLoader(search_paths=search_paths, allow_inspection=False)
    loader.finder = PackageFinder(search_paths=loader.finder.search_paths)
    try:
        module = loader.load(name, try_relative_path=False)
    except READ_ERRORS as exc:
        log.info("griffe could not read %s: %s", name, exc)
        return None
    for other in private:
        try:
            loader.load(other, try_relative_path=False)
        except READ_ERRORS as exc:
            log.info("griffe could not read %s: %s", other, exc)
    loader.resolve_aliases(implicit=False, external=None)
    return (module, loader) if isinstance(module, Object) else None


def walk(module: Object, private: tuple[str, ...] = ()
         ) -> tuple[list[Object], dict[str, str], list[tuple[str, str]]]:
    """Every object defined in the package, the public alias of each aliased path, and the
    public aliases whose target could not be read (compiled modules, other packages);
    targets in the `private` top-level modules of its distribution count as its own."""
    tops = {module.path.split(".")[0], *private}
    objects: list[Object] = []
    public_alias: dict[str, str] = {}
    unresolved: list[tuple[str, str]] = []
    stack: list[Object] = [module]
    while stack:
        obj = stack.pop()
        objects.append(obj)
        if obj.is_init_module:
            # Recorded before the submodule they shadow, so the public name goes to them.
            objects += shadowing_attributes(obj)
        for member in list(obj.members.values()):
            if isinstance(member, Alias):
                # Only re-exports name a public path: a package's `__init__` or `__all__`.
                # A plain import inside a module (often under TYPE_CHECKING) does not.
                if not is_public(member.path) or not (obj.is_init_module or member.is_exported):
                    continue
                try:
                    target = member.final_target
                except Exception:  # noqa: BLE001 - griffe raises several kinds for a dead alias
                    end = dead_end(member)
                    if end is not None and end.split(".")[0] in tops:
                        unresolved.append((member.path, end))
                        keep_best(public_alias, end, member.path)
                    continue
                if target.path.split(".")[0] not in tops or target.path == member.path:
                    continue
                keep_best(public_alias, target.path, member.path)
            elif not member.name.startswith("__") or member.is_module:
                stack.append(member)
    return objects, public_alias, unresolved


def shadowing_attributes(module: Object) -> list[Object]:
    """Names a package's `__init__` assigns over one of its own submodules.

    `streamlit/__init__.py` says `dataframe = _main.dataframe` while `streamlit/dataframe/`
    is a folder: after the import, `st.dataframe` is the command, but griffe keeps the
    submodule under that name and drops the assignment. The assignment is read back from
    the source, only when a submodule's name is assigned at all.
    """
    submodules = {name for name, member in module.members.items()
                  if not isinstance(member, Alias) and member.is_module}
    if not submodules:
        return []
    try:
        source = "\n".join(module.lines)
    except Exception:  # noqa: BLE001 - no source to read: nothing to add
        return []
    pattern = re.compile(r"^(" + "|".join(map(re.escape, submodules)) + r")\s*(:[^=\n]*)?=",
                         re.MULTILINE)
    if not pattern.search(source):
        return []
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    found: dict[str, Object] = {}
    for node in tree.body:
        target, value, annotation = None, None, None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign):
            target, value, annotation = node.target, node.value, node.annotation
        if not isinstance(target, ast.Name) or target.id not in submodules:
            continue
        attribute = griffe.Attribute(
            target.id, lineno=node.lineno, endlineno=node.end_lineno, parent=module,
            value=griffe.safe_get_expression(value, parent=module,  # type: ignore[arg-type]
                                             parse_strings=False) if value else None,
            annotation=griffe.safe_get_annotation(annotation, parent=module)  # type: ignore[arg-type]
            if annotation else None)
        found[target.id] = attribute  # the last assignment is the one that stays
    return list(found.values())


def dead_end(alias: Alias) -> str | None:
    """The path an alias chain stops at: usually a name in a compiled module."""
    current: Alias = alias
    for _ in range(20):
        try:
            target = current.target
        except Exception:  # noqa: BLE001 - this is the link that does not resolve
            return current.target_path
        if not isinstance(target, Alias):
            return None
        current = target
    return None


def keep_best(aliases: dict[str, str], target: str, alias: str) -> None:
    """Remember `alias` for `target` if it is the best public path seen so far."""
    best = aliases.get(target)
    if best is None or rank(alias) < rank(best):
        aliases[target] = alias


def rank(path: str) -> tuple[int, int, str]:
    """Which of several public paths users would write: the shortest."""
    return (path.count("."), len(path), path)


def public_path(path: str, aliases: dict[str, str]) -> str | None:
    """`path` rewritten through the longest aliased prefix; None when it stays private."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        prefix = ".".join(parts[:cut])
        alias = aliases.get(prefix)
        if alias is not None:
            candidate = ".".join([alias, *parts[cut:]])
            if is_public(candidate):
                if not is_public(path) or rank(candidate) < rank(path):
                    return candidate
                return path
    return path if is_public(path) else None


def kind_of(obj: Object) -> str:
    """module, class, function, method, property or attribute."""
    if obj.is_function:
        if "property" in obj.labels or "cached_property" in obj.labels:
            return "property"
        return "method" if obj.parent is not None and obj.parent.is_class else "function"
    return str(obj.kind.value)


@dataclass
class ClassView:
    """A class's members with inherited ones, computed once per class (griffe recomputes its
    MRO on every `all_members`, which made large packages take minutes)."""

    members: dict[str, Any]
    own: frozenset[str]
    complete: bool
    dynamic: bool


class Views:
    """ClassViews of one package, by class path."""

    def __init__(self) -> None:
        self.views: dict[str, ClassView] = {}
        self.lines: dict[str, list[Any]] = {}

    def linear(self, cls: Any, depth: int = 0) -> tuple[list[Any], bool]:
        """The class and its bases in lookup order (depth-first, deduplicated), and whether
        every base could be read."""
        if cls.path in self.lines:
            return self.lines[cls.path], True
        try:
            bases = list(cls.resolved_bases)
            complete = len(bases) == len(cls.bases)
        except Exception:  # noqa: BLE001 - a base griffe cannot resolve
            bases, complete = [], False
        order = [cls]
        if depth < 40:
            for base in bases:
                line, base_complete = self.linear(base, depth + 1)
                complete = complete and base_complete and base.path in self.lines
                order += [c for c in line if c not in order]
        if complete:
            self.lines[cls.path] = order
        return order, complete

    def of(self, cls: Any) -> ClassView:
        view = self.views.get(cls.path)
        if view is None:
            order, complete = self.linear(cls)
            members: dict[str, Any] = {}
            for owner in reversed(order):
                members.update(owner.members)
                # Stubs declare some methods by @overload only: griffe keeps those apart.
                # A class griffe could not fully read has `overloads` set to None.
                overloads = getattr(owner, "overloads", None) or {}
                members.update({n: o[0] for n, o in overloads.items()
                                if o and n not in owner.members})
            dynamic = any(set(owner.members) & DYNAMIC for owner in order)
            view = ClassView(members, frozenset(cls.members), complete, dynamic)
            self.views[cls.path] = view
        return view


def signature_of(obj: Any, public: str, views: Views) -> str:
    """A one-line signature as a user would call the object."""
    name = public.rsplit(".", 1)[-1]
    try:
        if obj.is_function:
            text = obj.signature(name=name) if hasattr(obj, "signature") else name
        elif obj.is_class:
            init = views.of(obj).members.get("__init__")
            params = [p for p in getattr(init, "parameters", [])][1:] if init is not None and \
                init.is_function else []
            text = f"class {name}(" + ", ".join(param_text(p) for p in params) + ")"
        elif obj.is_attribute:
            annotation = f": {obj.annotation}" if obj.annotation is not None else ""
            value = f" = {obj.value}" if obj.value is not None else ""
            text = f"{name}{annotation}{value}"
        else:
            text = name
    except Exception:  # noqa: BLE001 - an odd annotation must not lose the object
        text = name
    return " ".join(str(text).split())[:SIGNATURE_CHARS]


def param_text(param: Any) -> str:
    """One parameter as written in a signature."""
    prefix = {"variadic positional": "*", "variadic keyword": "**"}.get(param.kind.value, "")
    text = prefix + param.name
    if param.annotation is not None:
        text += f": {param.annotation}"
    if param.default is not None and not prefix:
        text += f" = {param.default}"
    return text


def members_meta(obj: Any, views: Views) -> dict[str, Any]:
    """For modules and classes: member names (inherited ones included), bases, whether the
    list is `complete` (every base was read) and whether attribute access is `dynamic`."""
    if not (obj.is_module or obj.is_class):
        return {}
    meta: dict[str, Any] = {}
    if obj.is_class:
        view = views.of(obj)
        names = set(view.members)
        meta["bases"] = [getattr(b, "canonical_path", str(b)) for b in obj.bases][:20]
        # Class decorators (set_module, total_ordering, dataclass) add dunders at most, and
        # dunder names are never reported.
        complete = view.complete
        dynamic = view.dynamic
    else:
        names = set(obj.members) | set(getattr(obj, "overloads", {}))
        # An unexpanded star import, or names made at import through `globals()`
        # (pyarrow.compute makes its functions so): the list is not all there is.
        complete = not any(m.name == "*" for m in obj.members.values()) and \
            not writes_globals(obj)
        dynamic = bool(names & DYNAMIC)
        # Names a lazy `__getattr__` provides are usually listed in `__all__`.
        names |= {str(e) for e in (obj.exports or ())}
    if len(names) > MEMBER_NAMES:
        return {**meta, "complete": False, "dynamic": dynamic}
    return {**meta, "members": sorted(names), "complete": complete, "dynamic": dynamic}


def writes_globals(module: Any) -> bool:
    """True when a module's source calls `globals()`: it may add names as it runs."""
    try:
        return any("globals()" in line for line in module.lines)
    except Exception:  # noqa: BLE001 - no source to read (a namespace package)
        return False


@functools.lru_cache(maxsize=4096)
def relative_file(filepath: Path, root: Path) -> str:
    """A source file relative to its site-packages folder, as shown in citations."""
    real = Path(os.path.realpath(filepath))
    return str(real.relative_to(root)) if real.is_relative_to(root) else str(real)


def record_of(obj: Any, public: str, root: Path, aliases: dict[str, str], views: Views
              ) -> DocRecord:
    """The stored form of one object. An attribute without docs takes those `describe`
    finds; one bound to a documented function is stored as that function (signature,
    docs, source location), and an instance called like a function takes the signature of
    its `__call__`."""
    meta = members_meta(obj, views)
    kind = kind_of(obj)
    signature = signature_of(obj, public, views)
    doc = obj.docstring.value if obj.docstring is not None else ""
    described = describe(obj, views) if obj.is_attribute and not doc else None
    if described is not None:
        doc = described.doc
        if described.function is not None:
            obj = described.function
            kind, signature = "function", signature_of(obj, public, views)
        elif described.called_as is not None:
            signature = signature_of(described.called_as, public, views)
    try:
        filepath = obj.filepath
        file = relative_file(filepath, root) if isinstance(filepath, Path) else None
    except Exception:  # noqa: BLE001 - namespace packages have several paths
        file = None
    if obj.is_function and obj.returns is not None:
        returns = getattr(obj.returns, "canonical_path", None)
        if isinstance(returns, str):
            meta["returns"] = public_path(returns, aliases) or returns
    return DocRecord(
        qualname=public,
        kind=kind,
        signature=signature,
        doc=doc[:DOC_CHARS],
        file=file,
        line=obj.lineno,
        meta=meta,
    )


@dataclass
class Extracted:
    """What static reading found in one top-level module."""

    records: list[DocRecord]
    compiled: list[str]  # compiled modules that public names point into: inspect them
    aliases: dict[str, str]  # private path -> public path, for the inspected objects too


def extract_package(name: str, search_paths: list[Path], private: tuple[str, ...] = ()
                    ) -> Extracted:
    """The public objects of top-level module `name`, read statically, with those it
    re-exports from the `private` top-level modules of its distribution."""
    loaded = load_package(name, search_paths, private)
    if loaded is None:
        return Extracted([], [name], {})
    module, loader = loaded
    real = os.path.realpath(str(module.filepath if isinstance(module.filepath, Path)
                                else search_paths[0]))
    root = next((Path(os.path.realpath(p)) for p in search_paths
                 if real.startswith(os.path.realpath(p))), search_paths[0])
    objects, aliases, unresolved = walk(module, private)
    for other in private:
        sibling = module.modules_collection.members.get(other)
        if isinstance(sibling, Object):
            objects += walk(sibling)[0]
    load_foreign_bases(loader, [obj for obj in objects if obj.is_class and
                                public_path(obj.path, aliases) is not None], search_paths)
    views = Views()
    records: dict[str, DocRecord] = {}
    for obj in objects:
        public = public_path(obj.path, aliases)
        if public is None or public in records:
            continue
        records[public] = record_of(obj, public, root, aliases, views)
        members: list[tuple[str, Object]] = []
        if obj.is_class:
            members = inherited_from_deeper_bases(obj, public, aliases, views)
        elif obj.is_attribute:
            members = members_through(obj, public, aliases, views)
        for name, member in members:
            records.setdefault(f"{public}.{name}", record_of(
                member, f"{public}.{name}", root, aliases, views))
    compiled = sorted({target.rsplit(".", 1)[0] for _, target in unresolved
                       if is_compiled(target.rsplit(".", 1)[0], search_paths)})
    return Extracted(list(records.values()), compiled, aliases)


def inherited_from_deeper_bases(cls: Any, public: str, aliases: dict[str, str], views: Views
                                ) -> list[tuple[str, Object]]:
    """Public members `cls` inherits from bases that users never name themselves.

    `pandas.DataFrame.head` is defined on `pandas.core.generic.NDFrame`; users write the
    former, so it is recorded under that name. A base with a public path no deeper than the
    class's (a documented base class) keeps its members to itself.
    """
    depth = public.count(".")
    view = views.of(cls)
    found: list[tuple[str, Object]] = []
    owners: dict[str, bool] = {}
    for name, member in view.members.items():
        if name in view.own or name.startswith("_") or len(found) >= MAX_INHERITED:
            continue
        try:
            target = member.final_target if isinstance(member, Alias) else member
        except Exception:  # noqa: BLE001 - a dead alias
            continue
        owner = target.parent
        if owner is None or not owner.is_class:
            continue
        if owner.path not in owners:
            owner_public = public_path(owner.path, aliases)
            owners[owner.path] = owner_public is None or owner_public.count(".") > depth
        if owners[owner.path]:
            found.append((name, target))
    return found


def members_through(obj: Any, public: str, aliases: dict[str, str], views: Views
                    ) -> list[tuple[str, Object]]:
    """Public members of the class an attribute holds an instance of, reached through it.

    `st.cache_data.clear()`, `df.str.contains()`, `flask.session.permanent`: users write the
    attribute's name, never its class's (private, or buried deeper). A class with a public
    name no deeper than the attribute's (`flask.request` holds a `flask.Request`) is
    documented under that name instead.
    """
    if obj.parent is None:
        return []
    # A module-level instance is API when a package's `__init__` makes or re-exports it;
    # one that only sits in the module using it is that module's machinery.
    if obj.parent.is_module and not (obj.parent.is_init_module or public != obj.path):
        return []
    cls = exposed_class(obj, views)
    if cls is None:
        return []
    own = public_path(cls.path, aliases)
    if own is not None and own.count(".") <= public.count("."):
        return []
    found: list[tuple[str, Object]] = []
    for name, member in views.of(cls).members.items():
        if name.startswith("_") or len(found) >= MAX_INHERITED:
            continue
        try:
            target = member.final_target if isinstance(member, Alias) else member
        except Exception:  # noqa: BLE001 - a dead alias
            continue
        if not target.is_module:
            found.append((name, target))
    return found


def is_compiled(module: str, search_paths: list[Path]) -> bool:
    """A module that exists only as a compiled extension."""
    parts = module.split(".")
    for base in search_paths:
        folder = base.joinpath(*parts[:-1])
        if not folder.is_dir():
            continue
        if (folder / f"{parts[-1]}.py").exists() or (folder / f"{parts[-1]}.pyi").exists():
            return False
        if any(p.name.startswith(parts[-1] + ".") and p.suffix in COMPILED_SUFFIXES
               for p in folder.iterdir()):
            return True
    return False
