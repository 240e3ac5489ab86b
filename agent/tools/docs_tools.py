"""Tools over the docs index: search the installed packages' docs, check code against them."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from agent.docs import check_code, search_docs
from agent.docs.embeddings import configured_embedder
from agent.tools.base import Tool, ToolContext, ToolFailed, ToolOutput, clip
from config import get_settings
from db.docs import anything_indexed

HIT_CHARS = 1_500
MAX_K = 10

SEARCH_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "query": {"type": "string", "description": "What to look for, in words or by name."},
        "package": {"type": "string",
                    "description": "Only this package (e.g. pandas) or indexed folder."},
        "k": {"type": "integer", "minimum": 1, "maximum": MAX_K,
              "description": "How many hits (default 5)."},
    },
    "required": ["query"],
    "additionalProperties": False,
}
CHECK_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {"code": {"type": "string", "description": "Python source to check."}},
    "required": ["code"],
    "additionalProperties": False,
}


def docs_indexed(sessions: Any) -> bool:
    """True when something is indexed, so the docs tools are worth offering."""
    try:
        with sessions() as session:
            return anything_indexed(session)
    except SQLAlchemyError:
        return False


def hit_data(hit: Any) -> dict[str, Any]:
    """A hit as the model and the page read it."""
    return {"cite": hit.citation, "qualname": hit.qualname, "package": hit.package,
            "version": hit.version, "kind": hit.kind, "source": hit.source,
            "score": hit.score, "text": clip(hit.text, HIT_CHARS)}


def run_search(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
    """Search the docs index."""
    if ctx.sessions is None:
        raise ToolFailed("The docs index is not available in this turn.")
    with ctx.sessions() as session:
        found = search_docs(session, args["query"], k=int(args.get("k", 5)),
                            package=args.get("package"),
                            embedder=configured_embedder(get_settings()))
    hits = [hit_data(h) for h in found]
    summary = f"{len(hits)} hits" + (f" · best: {hits[0]['cite']}" if hits else
                                     " (is the package indexed? see the Docs page)")
    return ToolOutput(summary=summary, data={"query": args["query"], "hits": hits},
                      view="docs")


def run_check(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
    """Check code against the installed versions."""
    if ctx.sessions is None:
        raise ToolFailed("The docs index is not available in this turn.")
    with ctx.sessions() as session:
        findings = check_code(session, args["code"])
    data = {"findings": [asdict(f) for f in findings]}
    summary = f"{len(findings)} names not found" if findings else "no unknown names"
    return ToolOutput(summary=summary, data=data, view="json")


SEARCH = Tool(
    name="search_docs",
    description=(
        "Search the documentation of the library versions installed in the user's "
        "environment (docstrings, signatures, source locations) and indexed doc folders. "
        "Use it before answering about a library API; cite hits as `package version · name`."
    ),
    parameters=SEARCH_PARAMETERS,
    run=run_search,
)
CHECK = Tool(
    name="check_code",
    description=(
        "Check Python code against the installed library versions: reports imported names "
        "and attributes that do not exist there, with the closest existing name."
    ),
    parameters=CHECK_PARAMETERS,
    run=run_check,
)
