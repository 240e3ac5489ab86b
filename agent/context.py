"""What the model is sent: the stored conversation, trimmed from the oldest turns to fit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from agent.tools.base import UploadRef
from db.models import Interaction

Message = dict[str, Any]
# Room left for the reply when the window is known.
REPLY_RESERVE_TOKENS = 1024


@dataclass
class Context:
    """Messages to send, how many old turns were left out, and whether the prompt fits at all."""

    messages: list[Message]
    dropped_turns: int
    fits: bool = True
    prompt_tokens: int | None = None


CUT_OFF_NOTE = "[This reply was cut off before it finished.]"


def turn_messages(turn: Interaction) -> list[Message]:
    """A past turn as chat messages; failed turns without text are left out.

    A reply that did not finish (stopped, broken off, or still streaming elsewhere) is marked
    as cut off, so the model does not take half an answer for a whole one.
    """
    if not turn.response:
        return []
    reply = turn.response if turn.status == "ok" else f"{turn.response}\n\n{CUT_OFF_NOTE}"
    return [
        {"role": "user", "content": turn.prompt},
        {"role": "assistant", "content": reply},
    ]


def char_bound(messages: list[Message]) -> int:
    """An upper bound on the tokens of `messages`: a token almost never covers less than one
    character (plus a few tokens per message of framing)."""
    return sum(len(str(m.get("content") or "")) for m in messages) + 4 * len(messages)


def build_context(
    history: Sequence[Interaction],
    prompt: str,
    *,
    system_prompt: str | None,
    window: int | None,
    count_tokens: Callable[[list[Message]], int],
) -> Context:
    """Fit as many recent turns as `window` allows in front of the new prompt.

    Linear in the conversation: each turn is measured once, by its character count when that
    bound already fits, else by the tokenizer; the walk stops at the first turn that does not
    fit, so only the kept turns (bounded by the window) are ever tokenized.
    """
    head = [{"role": "system", "content": system_prompt}] if system_prompt else []
    tail = [{"role": "user", "content": prompt}]
    pairs = [m for m in (turn_messages(t) for t in history) if m]
    if window is None:
        return Context(head + [m for p in pairs for m in p] + tail, 0)
    budget = max(window - REPLY_RESERVE_TOKENS, window // 2)
    base = char_bound(head + tail)
    if base > budget:
        base = count_tokens(head + tail)
        if base > budget:
            return Context(head + tail, len(pairs), fits=False, prompt_tokens=base)
    used = base
    kept = 0
    for pair in reversed(pairs):
        cost = char_bound(pair)
        if used + cost > budget:
            cost = count_tokens(pair)
            if used + cost > budget:
                break
        used += cost
        kept += 1
    chosen = pairs[len(pairs) - kept:]
    return Context(head + [m for p in chosen for m in p] + tail, len(pairs) - kept)


def upload_line(upload: UploadRef) -> str:
    """One attached upload as the model is told about it: id, name, kind and a short summary."""
    summary = upload.summary or {}
    if upload.kind == "csv":
        kinds = summary.get("kinds") or {}
        columns = ", ".join(f"{name} ({kind})" for name, kind in list(kinds.items())[:30])
        more = f" and {len(kinds) - 30} more" if len(kinds) > 30 else ""
        about = (f"CSV, {summary.get('rows', '?'):,} rows; columns: {columns}{more}"
                 if isinstance(summary.get("rows"), int) else "CSV")
    else:
        levels = ", ".join(f"{n:,} {lvl}" for lvl, n in (summary.get("levels") or {}).items())
        span = f", {summary['start']} to {summary['end']}" if summary.get("start") else ""
        records = summary.get("records")
        about = (f"log ({summary.get('format', 'unknown format')}), {records:,} records{span}"
                 f"; levels: {levels or 'none'}" if isinstance(records, int) else "log")
    return f"- upload {upload.id}: {upload.name} — {about}"


def uploads_note(uploads: Sequence[UploadRef]) -> str:
    """The system text listing the files attached to the conversation, for the tools to use."""
    if not uploads:
        return ""
    lines = "\n".join(upload_line(u) for u in uploads)
    return ("Files the user attached to this conversation (pass the upload id to the data "
            f"and log tools):\n{lines}")


def system_text(*parts: str | None) -> str | None:
    """System prompt parts joined into one message (some models accept only one)."""
    joined = "\n\n".join(p for p in parts if p)
    return joined or None
