"""What the model is sent: the stored conversation, trimmed from the oldest turns to fit."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from agent.tools.base import UploadRef

Message = dict[str, Any]
# Room left for the reply when the window is known.
REPLY_RESERVE_TOKENS = 1024
# Token counts of past turns, so the next turn of a conversation does not tokenize its kept
# history again; a shortcut only (another process counts once itself).
KNOWN_COUNTS: OrderedDict[Hashable, int] = OrderedDict()
KNOWN_COUNTS_MAX = 50_000
_counts_lock = threading.Lock()


def counted(key: Hashable | None, count: Callable[[], int]) -> int:
    """`count()`, remembered under `key` (None: not remembered)."""
    if key is None:
        return count()
    with _counts_lock:
        if key in KNOWN_COUNTS:
            KNOWN_COUNTS.move_to_end(key)
            return KNOWN_COUNTS[key]
    value = count()
    with _counts_lock:
        KNOWN_COUNTS[key] = value
        while len(KNOWN_COUNTS) > KNOWN_COUNTS_MAX:
            KNOWN_COUNTS.popitem(last=False)
    return value


@dataclass
class Context:
    """Messages to send, how many old turns were left out, and whether the prompt fits at all."""

    messages: list[Message]
    dropped_turns: int
    fits: bool = True
    prompt_tokens: int | None = None


CUT_OFF_NOTE = "[This reply was cut off before it finished.]"


class TurnText(Protocol):
    """What a past turn contributes to the context."""

    prompt: str
    response: str | None
    status: str


def turn_messages(turn: TurnText) -> list[Message]:
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
    history: Sequence[TurnText],
    prompt: str,
    *,
    system_prompt: str | None,
    window: int | None,
    count_tokens: Callable[[list[Message]], int],
) -> Context:
    """Fit as many recent turns of `history` (oldest first) as `window` allows."""
    texts = [t for t in history if t.response]
    return fit_context(reversed(texts), len(texts), prompt, system_prompt=system_prompt,
                       window=window, count_tokens=count_tokens)


def fit_context(
    newest_first: Iterable[TurnText],
    turns_with_text: int,
    prompt: str,
    *,
    system_prompt: str | None,
    window: int | None,
    count_tokens: Callable[[list[Message]], int],
    count_key: Callable[[TurnText], Hashable | None] = lambda turn: None,
) -> Context:
    """Fit as many recent turns as `window` allows in front of the new prompt.

    Linear in the conversation, and bounded by the window: turns are taken newest first and
    each is measured once, by its character count when that bound already fits, else by the
    tokenizer; the walk stops at the first turn that does not fit, so the older turns are
    never read, let alone tokenized. `count_key` names a turn's count for reuse by the next
    turn (stored rows do not change once final).
    """
    head = [{"role": "system", "content": system_prompt}] if system_prompt else []
    tail = [{"role": "user", "content": prompt}]
    if window is None:
        everything = [turn_messages(t) for t in newest_first]
        return Context(head + [m for p in reversed(everything) for m in p] + tail, 0)
    budget = max(window - REPLY_RESERVE_TOKENS, window // 2)
    base = char_bound(head + tail)
    if base > budget:
        base = count_tokens(head + tail)
        if base > budget:
            return Context(head + tail, turns_with_text, fits=False, prompt_tokens=base)
    used = base
    kept: list[list[Message]] = []
    for turn in newest_first:
        pair = turn_messages(turn)
        cost = char_bound(pair)
        if used + cost > budget:
            cost = counted(count_key(turn), lambda: count_tokens(pair))  # noqa: B023
            if used + cost > budget:
                break
        used += cost
        kept.append(pair)
    messages = head + [m for p in reversed(kept) for m in p] + tail
    return Context(messages, max(0, turns_with_text - len(kept)))


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
