"""What the chat does with the docs index: retrieve before answering for the presets that
explain or change code, and check every Python block of a reply."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from agent.docs.check import check_code
from agent.docs.embeddings import configured_embedder
from agent.docs.environment import EnvironmentUnavailable
from agent.docs.search import DocHit, search_docs
from agent.tools.base import clip
from config import get_settings

log = logging.getLogger(__name__)
RETRIEVING_PRESETS = frozenset({"explain", "write_tests", "debug", "review"})
RETRIEVED = 5
NOTE_DOC_CHARS = 700
# The info string stops at a backtick (CommonMark forbids one there): without that, a reply
# that repeats "```py" on one long line costs time quadratic in its length.
PYTHON_BLOCK = re.compile(r"```(?:python|py|python3)[^\n`]*\n(.*?)```", re.DOTALL)
MAX_BLOCKS = 20
Sessions = Callable[[], Session]


def retrieve(sessions: Sessions, preset: str | None, prompt: str) -> list[DocHit]:
    """Docs for the question, for presets that retrieve; [] otherwise or if the index fails."""
    if preset not in RETRIEVING_PRESETS:
        return []
    try:
        with sessions() as session:
            return search_docs(session, prompt, k=RETRIEVED,
                               embedder=configured_embedder(get_settings()))
    except SQLAlchemyError:
        log.exception("docs retrieval failed")
        return []


def docs_note(hits: list[DocHit]) -> str | None:
    """The system-prompt part that hands the hits to the model and asks for citations."""
    if not hits:
        return None
    parts = [
        "Documentation of the library versions installed in the user's environment, "
        "retrieved for this question. Prefer it to what you remember: older releases "
        "differ. When you rely on one, cite it as `package version · name` with its source "
        "location, e.g. `pandas 3.1.1 · pandas.DataFrame.merge` (pandas/core/frame.py:10). "
        "Ignore the ones that do not apply."
    ]
    for n, hit in enumerate(hits, start=1):
        where = f" ({hit.source})" if hit.source else ""
        parts.append(f"[{n}] {hit.citation}{where}\n{clip(hit.text, NOTE_DOC_CHARS)}")
    return "\n\n".join(parts)


def hits_meta(hits: list[DocHit]) -> list[dict[str, Any]]:
    """What a turn keeps of the hits it used, for the page to show."""
    return [{"cite": h.citation, "source": h.source, "kind": h.kind} for h in hits]


def python_blocks(text: str) -> list[str]:
    """The fenced Python blocks of a reply, in order."""
    return PYTHON_BLOCK.findall(text)[:MAX_BLOCKS]


def reply_findings(sessions: Sessions, text: str) -> list[dict[str, Any]]:
    """check_code's findings for each Python block of a reply, with the block's index."""
    blocks = python_blocks(text)
    if not blocks:
        return []
    found: list[dict[str, Any]] = []
    try:
        with sessions() as session:
            for index, block in enumerate(blocks):
                found += [{"block": index, **asdict(f)} for f in check_code(session, block)]
    except (SQLAlchemyError, EnvironmentUnavailable):
        log.exception("checking the reply's code failed")
    return found
