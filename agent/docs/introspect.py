"""Compiled modules have no source to read: import them in a subprocess of their own
interpreter, with a time limit, and read what `inspect` can tell. Never in the app process:
importing runs the package's code."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
from collections.abc import Sequence
from typing import Any

from agent.docs.extract import DOC_CHARS, MEMBER_NAMES, SIGNATURE_CHARS, DocRecord

log = logging.getLogger(__name__)
INSPECT_TIMEOUT_S = 30

SCRIPT = r"""
import importlib, inspect, json, sys
OUT, sys.stdout = sys.stdout, sys.stderr  # what the imported code prints must not mix in
DOC, SIG, MEMBERS = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
out = []
def public(name):
    return not name.startswith("_")
def record(path, obj, kind):
    try:
        sig = str(inspect.signature(obj)) if callable(obj) else ""
    except (TypeError, ValueError):
        sig = "(...)" if callable(obj) else ""
    name = path.rsplit(".", 1)[-1]
    if kind == "class":
        sig = "class " + name + sig
    elif kind in ("function", "method"):
        sig = name + sig
    elif kind == "property":
        sig = name
    else:
        sig = name + ": " + type(obj).__name__
    try:
        doc = inspect.getdoc(obj) or "" if kind != "attribute" else instance_doc(obj)
    except Exception:
        doc = ""
    item = {"qualname": path, "kind": kind, "signature": sig[:SIG], "doc": doc[:DOC],
            "file": None, "line": None, "meta": {}}
    if kind in ("module", "class"):
        try:
            names = sorted(set(dir(obj)))
        except Exception:
            names = []
        # Every class has object's __getattribute__: only __getattr__ makes access dynamic.
        dynamic = "__getattr__" in names
        item["meta"] = {"complete": False, "dynamic": dynamic} if len(names) > MEMBERS else {
            "members": names, "complete": bool(names), "dynamic": dynamic}
    out.append(item)
def instance_doc(obj):
    # A property or slot of a compiled class documents itself; an instance of a class of
    # the package (pandas.NA) is what its class says, but not a number or a string.
    if inspect.isdatadescriptor(obj):
        return inspect.getdoc(obj) or ""
    if type(obj).__module__ in ("builtins", "typing", "enum"):
        return ""
    call = getattr(type(obj), "__call__", None)
    own = getattr(call, "__doc__", None) if call is not None and \
        getattr(call, "__qualname__", "").split(".")[0] == type(obj).__name__ else None
    return inspect.cleandoc(own) if own else inspect.getdoc(type(obj)) or ""
def kind_of(obj, in_class):
    if in_class and inspect.isdatadescriptor(obj) and not inspect.isclass(obj):
        return "property"
    if inspect.ismodule(obj):
        return "module"
    if inspect.isclass(obj):
        return "class"
    if callable(obj):
        return "method" if in_class else "function"
    return "attribute"
for name in sys.argv[4:]:
    try:
        module = importlib.import_module(name)
    except BaseException as exc:
        print(json.dumps({"failed": name, "error": repr(exc)[:300]}), file=sys.stderr)
        continue
    record(name, module, "module")
    for attr in sorted(dir(module)):
        if not public(attr):
            continue
        try:
            value = getattr(module, attr)
        except Exception:
            continue
        if inspect.ismodule(value):
            continue
        kind = kind_of(value, False)
        record(name + "." + attr, value, kind)
        if kind == "class":
            # Inherited members count when a private class of the same package defines
            # them (pandas.Timestamp's fields live on _Timestamp); a public base (numpy's
            # generic under every scalar type) is documented under its own name.
            top = name.split(".")[0]
            for member in sorted(dir(value)):
                owner = next((c for c in getattr(value, "__mro__", ()) if member in vars(c)),
                             None)
                where = str(getattr(owner, "__module__", ""))
                if owner is not None and (owner is value or where.split(".")[0] == top and (
                        owner.__name__.startswith("_") or "._" in "." + where)) \
                        and public(member):
                    try:
                        inner = getattr(value, member)
                    except Exception:
                        continue
                    record(name + "." + attr + "." + member, inner, kind_of(inner, True))
OUT.write(json.dumps(out))
"""


# Which attributes modules lack, asked of the modules themselves: a module-level `__getattr__`
# (numpy's, for the aliases 2.0 removed) answers names no member list shows.
PROBE = r"""
import importlib, json, sys
OUT, sys.stdout = sys.stdout, sys.stderr
missing = []
for module, attr in json.loads(sys.argv[1]):
    try:
        getattr(importlib.import_module(module), attr)
    except AttributeError as exc:
        # What the module says of the name (`np.alltrue` was removed ... Use `np.all`).
        missing.append([module, attr, str(exc)[:500]])
    except BaseException:
        continue  # an import or a hook that fails otherwise tells nothing
OUT.write(json.dumps(missing))
"""
PROBE_TIMEOUT_S = 10


def _run(python: str, script: str, args: Sequence[str], timeout_s: float, what: str) -> Any:
    """The JSON `script` prints when `python` runs it in isolation, None on any failure."""
    try:
        done = subprocess.run([python, "-I", "-c", script, *args], capture_output=True,
                              text=True, timeout=timeout_s,
                              env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.info("%s stopped: %s", what, exc)
        return None
    try:
        return json.loads(done.stdout or "null")
    except json.JSONDecodeError:
        log.info("%s gave no result: %s", what, done.stderr[-300:])
        return None


def inspect_modules(python: str, modules: Sequence[str],
                    timeout_s: float = INSPECT_TIMEOUT_S) -> list[DocRecord]:
    """The public objects of compiled `modules`, as `python` imports them; [] on failure."""
    if not modules:
        return []
    args = [str(DOC_CHARS), str(SIGNATURE_CHARS), str(MEMBER_NAMES), *modules]
    items = _run(python, SCRIPT, args, timeout_s, f"inspecting {', '.join(modules)}")
    return [DocRecord(**item) for item in items or []]


def missing_attributes(python: str, pairs: Sequence[tuple[str, str]],
                       timeout_s: float = PROBE_TIMEOUT_S) -> dict[tuple[str, str], str]:
    """The (module, attribute) pairs `python`'s modules surely lack, each with what the module
    says of it beyond "has no attribute" (often the replacement); empty on any failure."""
    if not pairs:
        return {}
    found = _run(python, PROBE, [json.dumps(list(pairs))], timeout_s, "probing attributes")
    return {(module, attr): _reason(text) for module, attr, text in found or []}


def _reason(text: str, limit: int = 240) -> str:
    """An AttributeError's message without its generic first sentence: its first paragraph,
    cut at a sentence end when long."""
    text = re.sub(r"^module '[^']*' has no attribute '[^']*'\.?\s*", "", text).strip()
    text = text.split("\n")[0].strip()
    if len(text.split()) < 3:
        return ""  # the name alone (click's `AttributeError(name)`) says nothing more
    if len(text) > limit:
        end = text.rfind(". ", 0, limit)
        text = text[: end + 1] if end > 0 else text[:limit].rstrip() + "…"
    return text
