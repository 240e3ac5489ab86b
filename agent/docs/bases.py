"""Read the classes that a package's classes inherit from in other installed packages.

`flask.Request` subclasses werkzeug's `Request`: `flask.request.get_json()` is werkzeug's
method. Reading a package alone leaves such bases unresolved, so the subclass's members were
incomplete and `flask.Request.get_json` was nowhere. Loading all of werkzeug for it would cost
as much as indexing it; only the modules on the way to each base are read, one file each
(and the bases of those bases, a few rounds deep).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import griffe
from griffe import Alias, ExprAttribute, ExprName, GriffeLoader

log = logging.getLogger(__name__)
ROUNDS = 6  # bases of bases: werkzeug's Request -> its sansio Request -> ...
MAX_MODULES = 60  # files read from other packages for one package, at most
LOAD_ERRORS = (ImportError, griffe.GriffeError, OSError, SyntaxError, ValueError,
               RecursionError, UnicodeDecodeError)


def load_foreign_bases(loader: GriffeLoader, classes: Iterable[Any],
                       search_paths: list[Path]) -> None:
    """Read the modules defining the bases of `classes` that live in other packages."""
    read = 0
    todo = list(classes)
    for _ in range(ROUNDS):
        wanted = {path for cls in todo for path in missing_bases(cls)}
        if not wanted:
            return
        loaded: list[Any] = []
        for path in sorted(wanted):
            if read >= MAX_MODULES:
                return
            found, count = load_path(loader, path, search_paths)
            read += count
            if found is not None and found.is_class:
                loaded.append(found)
        todo = loaded


def missing_bases(cls: Any) -> list[str]:
    """The paths of the bases of `cls` that are not among the loaded modules."""
    missing = []
    for base in cls.bases:
        if not isinstance(base, ExprName | ExprAttribute):
            continue
        try:
            path = str(base.canonical_path)
        except Exception:  # noqa: BLE001 - an expression griffe cannot name
            continue
        if "." not in path:
            continue  # a builtin (object, dict, Exception): not in any package
        try:
            found = cls.modules_collection[path]
            if isinstance(found, Alias):
                found.final_target  # noqa: B018 - raises when the chain ends outside
        except Exception:  # noqa: BLE001 - griffe raises several kinds for a dead path
            missing.append(path)
    return missing


def load_path(loader: GriffeLoader, path: str, search_paths: list[Path],
              depth: int = 0) -> tuple[Any | None, int]:
    """The object at `path`, reading the modules on the way to it (following re-exports)
    when they are not loaded yet; and how many files were read."""
    collection = loader.modules_collection
    parts = path.split(".")
    read = 0
    current: Any = None
    for index, part in enumerate(parts):
        name = ".".join(parts[:index + 1])
        if current is None or current.is_module:
            member = current.members.get(part) if current is not None else \
                collection.members.get(part)
            if isinstance(member, Alias) and member.target_path == name:
                member = None  # `from . import request` inside the package: read the file
            if member is None:
                if current is not None and index == len(parts) - 1 and not is_module_file(
                        name, search_paths):
                    return None, read
                member = load_module(loader, name, current, search_paths)
                if member is None:
                    return None, read
                read += 1
        else:
            member = current.members.get(part)
            if member is None:
                return None, read
        if isinstance(member, Alias):
            alias = member
            try:
                member = alias.final_target
            except Exception:  # noqa: BLE001 - the re-export points into an unread module
                if depth >= ROUNDS:
                    return None, read
                target, more = load_path(loader, alias.target_path, search_paths, depth + 1)
                read += more
                if target is None:
                    return None, read
                member = target
        current = member
    return current, read


def module_file(name: str, search_paths: list[Path]) -> Path | None:
    """The source file of module `name` under the search paths."""
    parts = name.split(".")
    for base in search_paths:
        folder = base.joinpath(*parts)
        for candidate in (folder / "__init__.py", folder.with_suffix(".py"),
                          folder / "__init__.pyi", folder.with_suffix(".pyi")):
            if candidate.is_file():
                return candidate
    return None


def is_module_file(name: str, search_paths: list[Path]) -> bool:
    return module_file(name, search_paths) is not None


def load_module(loader: GriffeLoader, name: str, parent: Any, search_paths: list[Path]
                ) -> Any | None:
    """Read one module file (not its submodules) into the loader's collection."""
    path = module_file(name, search_paths)
    if path is None:
        return None
    try:
        module = loader._load_module(name.rsplit(".", 1)[-1], path, submodules=False,  # noqa: SLF001
                                     parent=parent)
    except LOAD_ERRORS as exc:
        log.info("griffe could not read %s: %s", name, exc)
        return None
    if parent is not None:
        parent.set_member(module.name, module)
    return module
