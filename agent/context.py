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


def turn_messages(turn: Interaction) -> list[Message]:
    """A past turn as chat messages; failed turns without text are left out."""
    if not turn.response:
        return []
    return [
        {"role": "user", "content": turn.prompt},
        {"role": "assistant", "content": turn.response},
    ]


def build_context(
    history: Sequence[Interaction],
    prompt: str,
    *,
    system_prompt: str | None,
    window: int | None,
    count_tokens: Callable[[list[Message]], int],
) -> Context:
    """Fit as many recent turns as `window` allows in front of the new prompt."""
    head = [{"role": "system", "content": system_prompt}] if system_prompt else []
    tail = [{"role": "user", "content": prompt}]
    pairs = [m for m in (turn_messages(t) for t in history) if m]
    if window is None:
        return Context(head + [m for p in pairs for m in p] + tail, 0)
    budget = max(window - REPLY_RESERVE_TOKENS, window // 2)

    def size(messages: list[Message]) -> int:
        # A token almost never covers less than one character, so the character count is a
        # cheap upper bound: tokenize only when the conversation might not fit.
        upper = sum(len(str(m.get("content") or "")) for m in messages) + 4 * len(messages)
        return upper if upper <= budget else count_tokens(messages)

    base = size(head + tail)
    if base > budget:
        return Context(head + tail, len(pairs), fits=False, prompt_tokens=base)
    kept: list[list[Message]] = []
    for pair in reversed(pairs):
        candidate = [pair, *kept]
        if size(head + [m for p in candidate for m in p] + tail) > budget:
            break
        kept = candidate
    messages = head + [m for p in kept for m in p] + tail
    return Context(messages, len(pairs) - len(kept))


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
