"""Index the packages of an interpreter: read each changed distribution, store its objects.

A distribution whose version and location did not change since it was indexed is skipped,
so re-indexing an unchanged environment costs one subprocess listing and one query.
Static reading runs in a small process pool (griffe is CPU-bound and pure Python); the
database writes stay in the calling process, one transaction per distribution.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from agent.docs.environment import Distribution, Environment, newest_source, read_environment
from agent.docs.extract import DocRecord, extract_package, public_path
from agent.docs.introspect import inspect_modules
from db import docs as store

log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]
CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
MAX_WORKERS = 2
IN_PROCESS = 2
# Bump when extraction changes what it stores: every package is then read again once.
READER = 7  # 7: written forms' frequencies (`=word` in doc_terms, migration 0010)


@dataclass
class IndexReport:
    """What one indexing run did."""

    environment: str
    indexed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    objects: int = 0
    seconds: float = 0.0


def name_words(qualname: str) -> str:
    """The object's name, raw and split into words (DataFrame -> Data Frame), then `|` and
    its class's name the same way.

    A module the object sits in is left out: `packaging.markers.Environment` is about
    environments, not markers.
    """
    parts = [p for p in re.split(r"[.#/]", qualname) if p][-2:]
    own = words_of(parts[-1])
    parent = words_of(parts[0]) if len(parts) == 2 and parts[0][:1].isupper() else ""
    return f"{own} | {parent}" if parent else own


def words_of(name: str) -> str:
    """An identifier and, when it has several, its words."""
    split = CAMEL.findall(name)
    return " ".join([name, *split]) if len(split) > 1 else name


def to_rows(records: Iterable[DocRecord]) -> list[store.ObjectRow]:
    """Records in the stored form."""
    return [store.ObjectRow(r.qualname, r.kind, r.signature, r.doc, r.file, r.line, r.meta,
                            name_words(r.qualname)) for r in records]


def extract_distribution(tops: tuple[str, ...], paths: list[Path], python: str
                         ) -> list[store.ObjectRow]:
    """Every public object of a distribution in its stored form (runs in a worker process).

    Source is read statically; compiled modules that public names point into are inspected
    in a subprocess of `python`, and so is the top-level module of a package that ships
    compiled extensions (numpy's ufuncs have their docs only there), to fill what static
    reading left empty.
    """
    logging.getLogger("griffe").setLevel(logging.CRITICAL)  # it warns per odd annotation
    with collector_paused():
        return to_rows(read_distribution(tops, paths, python))


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a package is read, one collection after.

    griffe builds hundreds of thousands of objects that all stay alive until the package is
    done; every full collection walks them again, which took about a third of the CPU time
    of reading a large package.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        forget_griffe_caches()
        if was_enabled:
            gc.enable()
        gc.collect()


def forget_griffe_caches() -> None:
    """Drop what griffe caches across loads once a package is read.

    Its dataclasses extension keeps the `__init__` parameters of every class it saw in a
    `functools.cache` keyed by the class, which kept each package's whole tree alive in a
    worker that reads dozens: after litellm, 1.5 million objects that every collection
    walked again, two seconds more for each package read afterwards, however small.
    """
    try:
        from griffe._internal.extensions import dataclasses as griffe_dataclasses
    except ImportError:  # moved in another griffe: the test of what stays alive tells
        return
    cached = getattr(griffe_dataclasses, "_dataclass_parameters", None)
    if cached is not None and hasattr(cached, "cache_clear"):
        cached.cache_clear()


def read_distribution(tops: tuple[str, ...], paths: list[Path], python: str) -> list[DocRecord]:
    """Every public object of a distribution: static reading, then inspection."""
    records: dict[str, DocRecord] = {}
    for top in tops:
        if top.startswith("_"):
            continue
        part = extract_package(top, paths, tuple(t for t in tops if t.startswith("_")))
        for record in part.records:
            records.setdefault(record.qualname, record)
        compiled = list(part.compiled)
        if part.records and top not in compiled and has_compiled(top, paths):
            compiled.append(top)
        # A stub beside a compiled module gives names and types but no docs: the docs are in
        # the compiled module (numpy.random.default_rng's), so it is inspected too.
        stubs = {r.file for r in part.records if not r.doc and r.file and r.file.endswith(".pyi")}
        compiled += sorted({m for m in (stubbed_module(f, paths) for f in stubs) if m}
                           - set(compiled))
        for record in inspect_modules(python, compiled):
            public = public_path(record.qualname, part.aliases)
            if public is None:
                continue
            known = records.get(public)
            if known is None:
                record.qualname = public
                records[public] = record
            elif not known.doc and record.doc:
                known.doc = record.doc
    return list(records.values())


def stubbed_module(stub_file: str, paths: list[Path]) -> str | None:
    """The module a stub (.pyi) describes, when a compiled module sits beside it."""
    stub = Path(stub_file)
    for base in paths:
        try:
            names = os.listdir(base / stub.parent)
        except OSError:
            continue
        # A module without source: an extension, or bytecode alone.
        if any(n.startswith(stub.stem + ".") and n.endswith((".so", ".pyd", ".pyc"))
               for n in names):
            return ".".join((*stub.parent.parts, stub.stem))
    return None


def has_compiled(top: str, paths: list[Path]) -> bool:
    """True when the package folder holds a compiled extension module."""
    for base in paths:
        folder = base / top
        if folder.is_dir():
            for _, _, files in os.walk(folder):
                if any(f.endswith((".so", ".pyd")) for f in files):
                    return True
    return False


def index_environment(
    session: Session,
    python: str | os.PathLike[str] | None = None,
    *,
    packages: Iterable[str] | None = None,
    progress: Progress | None = None,
) -> IndexReport:
    """Index the packages installed for `python` (the app's own by default).

    `packages` limits the run to those distributions (by distribution or import name);
    without it, distributions no longer installed are dropped from the index.
    """
    started = time.perf_counter()
    env = read_environment(python)
    report = IndexReport(environment=env.python)
    stored = {s.name: s for s in store.list_sources(session, environment=env.python,
                                                    kind="package")}
    wanted = choose(env, packages)
    todo = []
    for dist in wanted:
        old = stored.get(dist.name)
        if old is not None and (old.version, old.location, old.reader, old.error) == (
                dist.version, str(dist.location), READER, None) and not (
                dist.editable and newest_source(dist) >= old.indexed_at.timestamp()):
            report.unchanged.append(dist.name)
        else:
            todo.append(dist)
    if packages is None:
        gone = [s for name, s in stored.items() if name not in {d.name for d in env.dists}]
        store.delete_sources(session, [s.id for s in gone])
        report.removed = [s.name for s in gone]
    if progress:
        progress(0, len(todo), "")
    for done, (dist, rows, error) in enumerate(run_extraction(env, todo), start=1):
        source = store.replace_source(
            session, kind="package", environment=env.python, name=dist.name,
            version=dist.version, location=str(dist.location), rows=rows, error=error,
            reader=READER)
        if error:
            report.failed[dist.name] = error
        report.indexed.append(dist.name)
        report.objects += source.objects
        if progress:
            progress(done, len(todo), dist.name)
    if report.indexed or report.removed:
        store.refresh_statistics(session)
    report.seconds = time.perf_counter() - started
    return report


def choose(env: Environment, packages: Iterable[str] | None) -> list[Distribution]:
    """The distributions asked for, matched by distribution or top-level module name."""
    dists = [d for d in env.dists if d.tops]
    if packages is None:
        return dists
    names = {normal(p) for p in packages}
    return [d for d in dists if normal(d.name) in names or names & {normal(t) for t in d.tops}]


def normal(name: str) -> str:
    """A package name as PyPI compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def run_extraction(env: Environment, todo: list[Distribution]
                   ) -> Iterable[tuple[Distribution, list[store.ObjectRow], str | None]]:
    """Read distributions in worker processes, yielding each as it is done."""
    if not todo:
        return
    paths = list(env.paths)
    if len(todo) <= IN_PROCESS:
        # Reading is static, so a couple of packages are read here: starting workers
        # (a fresh interpreter each) costs more than it saves.
        for dist in todo:
            try:
                yield dist, extract_distribution(dist.tops, paths, env.python), None
            except Exception as exc:  # noqa: BLE001 - one unreadable package must not stop the rest
                log.warning("could not read %s: %s", dist.name, exc)
                yield dist, [], f"{type(exc).__name__}: {exc}"[:500]
        return
    workers = max(1, min(MAX_WORKERS, os.cpu_count() or 1, len(todo)))
    # spawn: the app process has threads (Streamlit, litellm) that fork would copy mid-state.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        # Largest first, so the long poles start early and the two workers finish together.
        order = sorted(todo, key=lambda d: -size_hint(d, paths))
        futures: dict[Future[list[store.ObjectRow]], Distribution] = {
            pool.submit(extract_distribution, d.tops, paths, env.python): d for d in order}
        for future in as_completed(futures):
            dist = futures[future]
            try:
                yield dist, future.result(), None
            except Exception as exc:  # noqa: BLE001 - one unreadable package must not stop the rest
                log.warning("could not read %s: %s", dist.name, exc)
                yield dist, [], f"{type(exc).__name__}: {exc}"[:500]


def size_hint(dist: Distribution, paths: list[Path]) -> int:
    """Roughly how much source a distribution has (number of entries in its folders)."""
    total = 0
    for top in dist.tops:
        for base in paths:
            folder = base / top
            if folder.is_dir():
                total += sum(len(files) for _, _, files in os.walk(folder))
    return total
