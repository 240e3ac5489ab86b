"""Check Python against the installed versions of its imports, statically.

Imports and attribute chains (`pd.DataFrame(...).append`, `from sqlalchemy.orm import Query`)
are followed through the index; a name is reported missing only when its parent's member
list is known to be complete. Anything unknown (a package not indexed, a value whose type
cannot be told, a module with a dynamic `__getattr__`) is passed over: a false alarm costs
more than a missed one.
"""

from __future__ import annotations

import ast
import difflib
import os
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.docs.environment import resolve_python
from agent.docs.introspect import missing_attributes
from db.models import DocObject, DocSource

MAX_CODE_CHARS = 200_000
SUGGEST_CUTOFF = 0.75


@dataclass(frozen=True)
class Finding:
    """A name the code uses that the installed version does not have."""

    line: int
    column: int
    name: str
    package: str
    version: str
    message: str
    suggestion: str | None = None


@dataclass(frozen=True)
class Ref:
    """What an expression is known to be: an indexed object, or an instance of a class."""

    path: str
    instance: bool = False


class Index:
    """Lookups of indexed objects of one environment, cached for one check."""

    def __init__(self, session: Session, environment: str) -> None:
        self.session = session
        self.environment = environment
        self.cache: dict[str, tuple[DocObject, DocSource] | None] = {}

    def get(self, qualname: str) -> tuple[DocObject, DocSource] | None:
        if qualname not in self.cache:
            row = self.session.execute(
                select(DocObject, DocSource).join(DocSource, DocSource.id == DocObject.source_id)
                .where(DocObject.qualname == qualname, DocSource.environment == self.environment)
                .limit(1)).first()
            self.cache[qualname] = (row[0], row[1]) if row else None
        return self.cache[qualname]


class Checker(ast.NodeVisitor):
    """Walks the code once, tracking what each local name refers to."""

    def __init__(self, index: Index, suggest: Any) -> None:
        self.index = index
        self.suggest = suggest
        self.names: dict[str, Ref] = {}
        self.findings: list[Finding] = []
        self.reported: set[tuple[int, int, str]] = set()
        # Names of modules whose member list cannot tell (a `__getattr__`, an unread star
        # import): asked of the module itself once the code is read (see check_code).
        self.unsure: list[tuple[ast.AST, DocObject, DocSource, str, list[str]]] = []

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.names[alias.asname] = Ref(alias.name)
            else:
                top = alias.name.split(".")[0]
                self.names[top] = Ref(top)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module:
            return
        for alias in node.names:
            if alias.name == "*":
                continue
            local = alias.asname or alias.name
            ref = self.member(Ref(node.module), alias.name, node, called=False)
            if ref is None:
                self.names.pop(local, None)
            else:
                self.names[local] = ref

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        ref = self.resolve(node.value)
        for target in node.targets:
            if isinstance(target, ast.Name):
                if ref is None:
                    self.names.pop(target.id, None)
                else:
                    self.names[target.id] = ref

    def forget(self, node: ast.AST) -> None:
        """Names bound in ways not followed (loops, with, function arguments) are unknown."""
        for child in ast.walk(node):
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                self.names.pop(child.id, None)

    def visit_For(self, node: ast.For) -> None:
        self.forget(node.target)
        self.generic_visit(node)

    def visit_With(self, node: ast.With) -> None:
        for item in node.items:
            if item.optional_vars is not None:
                self.forget(item.optional_vars)
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        saved = dict(self.names)
        for arg in ast.walk(node.args):
            if isinstance(arg, ast.arg):
                self.names.pop(arg.arg, None)
        for statement in node.body:
            self.visit(statement)
        self.names = saved
        self.names.pop(node.name, None)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.generic_visit(node)
        self.names.pop(node.name, None)

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Attribute):
            self.attribute(node.func, called=True)
            for part in [*node.args, *node.keywords]:
                self.visit(part)
        else:
            self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.attribute(node, called=False)

    def attribute(self, node: ast.Attribute, *, called: bool) -> None:
        self.visit(node.value)
        if isinstance(node.ctx, ast.Load):
            base = self.resolve(node.value)
            if base is not None:
                self.member(base, node.attr, node, called=called)

    def resolve(self, node: ast.AST) -> Ref | None:
        """What `node` refers to, when it can be told without running anything."""
        if isinstance(node, ast.Name):
            return self.names.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            return self.member(base, node.attr, None, called=False) if base else None
        if isinstance(node, ast.Call):
            func = self.resolve(node.func)
            if func is None or func.instance:
                return None
            found = self.index.get(func.path)
            if found is None:
                return None
            obj, _ = found
            if obj.kind == "class":
                return Ref(obj.qualname, instance=True)
            returns = (obj.meta or {}).get("returns")
            if obj.kind in ("function", "method") and isinstance(returns, str):
                target = self.index.get(returns)
                if target is not None and target[0].kind == "class":
                    return Ref(target[0].qualname, instance=True)
        return None

    def member(self, base: Ref, attr: str, node: ast.AST | None, *, called: bool
               ) -> Ref | None:
        """`base.attr` if it exists; a finding (when `node` is given) if it surely does not."""
        found = self.index.get(base.path)
        if found is None:
            return None
        obj, source = found
        child = f"{obj.qualname}.{attr}"
        meta = obj.meta or {}
        members = meta.get("members")
        if members is None or attr in members or self.index.get(child) is not None:
            return Ref(child) if not base.instance or self.index.get(child) else None
        if attr.startswith("__"):
            return None
        if obj.kind == "module" and (meta.get("dynamic") or not meta.get("complete")):
            if node is not None:
                self.unsure.append((node, obj, source, attr, members))
            return None
        if not meta.get("complete"):
            return None
        # Instances get attributes in any method (`self.x = ...` outside `__init__`), which
        # static reading may not see; a method call on them is what can be told for sure.
        if base.instance and not called:
            return None
        # A `__getattr__` may answer any name; a call to a name it does not know is still
        # most likely an error (deprecated names are usually what such hooks warn about).
        if meta.get("dynamic") and not called:
            return None
        if meta.get("dynamic") and node is None:
            return None
        if node is not None:
            self.report(node, obj, source, attr, members)
        return None

    def report(self, node: ast.AST, obj: DocObject, source: DocSource, attr: str,
               members: list[str], reason: str = "") -> None:
        """A finding for `obj.attr`; `reason` is what the package itself says of the name."""
        line, column = getattr(node, "lineno", 0), getattr(node, "col_offset", 0)
        if (line, column, attr) in self.reported:
            return
        self.reported.add((line, column, attr))
        short = obj.qualname.split(".")[-1] if obj.kind == "class" else obj.qualname
        name = f"{short}.{attr}"
        public = [m for m in members if not m.startswith("_")]
        close = difflib.get_close_matches(attr, public, n=1, cutoff=SUGGEST_CUTOFF) or sorted(
            (m for m in public if len(m) >= 4 and (m in attr or attr in m)),
            key=lambda m: (-len(m), m))[:1]  # beta_columns -> columns
        message = f"`{name}` does not exist in {source.name} {source.version}"
        suggestion = f"{obj.qualname}.{close[0]}" if close else self.suggest(
            f"{short} {attr}", source.name, attr)
        if reason:
            # The package's own word (numpy and Streamlit name what replaced each removed
            # name) beats a guess from names that look alike; the guess stays if it agrees.
            message += f": {reason}"
            if suggestion and not re.search(rf"\b{re.escape(suggestion.split('.')[-1])}\b", reason):
                suggestion = None
        elif suggestion:
            message += f"; did you mean `{suggestion}`?"
        self.findings.append(Finding(line, column, name, source.name, source.version,
                                     message, suggestion))


def check_code(session: Session, code: str, *, python: str | os.PathLike[str] | None = None
               ) -> list[Finding]:
    """Names `code` uses that the packages installed for `python` do not have."""
    from agent.docs.search import search_docs

    try:
        tree = ast.parse(code[:MAX_CODE_CHARS])
    except (SyntaxError, ValueError):
        return []
    environment = resolve_python(python)
    indexed = session.scalar(select(DocSource.id).where(
        DocSource.environment == environment).limit(1))
    if indexed is None:  # nothing indexed for this interpreter: nothing can be called missing
        return []

    def suggest(query: str, package: str, missing: str) -> str | None:
        # Only an object whose docs name the missing one in code (a replacement usually
        # says what it replaces): a merely related name would mislead. One whose own name holds the
        # missing one (`append_to_multiple` for `append`) is a sibling, not a replacement.
        # Named as code: `append`, .append, append(; not the plain word "append".
        name = re.escape(missing)
        mention = re.compile(rf"(?:`|\.)~?{name}\b|\b{name}\(")
        for hit in search_docs(session, query, package=package, k=10):
            last = hit.qualname.rsplit(".", 1)[-1]
            if missing.lower() not in last.lower() and \
                    hit.kind in ("function", "method", "class") and mention.search(hit.text):
                return hit.qualname
        return None

    checker = Checker(Index(session, environment), suggest)
    checker.visit(tree)
    gone = missing_attributes(
        environment, sorted({(obj.qualname, attr) for _, obj, _, attr, _ in checker.unsure}))
    for node, obj, source, attr, members in checker.unsure:
        if (obj.qualname, attr) in gone:
            checker.report(node, obj, source, attr, members, gone[obj.qualname, attr])
    return sorted(checker.findings, key=lambda f: (f.line, f.column))
