"""Rows the agent writes and reads besides the interaction: tool calls and attached uploads."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.tools import UploadRef
from db.models import Interaction, ToolCall, Upload
from db.text import storable


def record_tool_call(
    session: Session,
    interaction_id: int,
    *,
    step: int,
    name: str,
    arguments: dict[str, Any],
    result_summary: str,
    result: dict[str, Any] | None,
    duration_ms: int,
    error: str | None,
) -> ToolCall:
    """Store one finished tool call with its turn, committed."""
    row = ToolCall(
        interaction_id=interaction_id,
        step=step,
        name=name,
        arguments=json_storable(arguments),
        result_summary=storable(result_summary),
        result=json_storable(result),
        duration_ms=duration_ms,
        error=storable(error),
    )
    session.add(row)
    session.commit()
    return row


def json_storable(value: Any) -> Any:
    """`value` with every string made storable: JSONB refuses NUL and lone surrogates too."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return {storable(str(k)): json_storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_storable(v) for v in value]
    return value


def tool_calls_by_turn(
    session: Session, interaction_ids: Sequence[int]
) -> dict[int, list[ToolCall]]:
    """The tool calls of these turns, in the order they ran."""
    found: dict[int, list[ToolCall]] = defaultdict(list)
    if interaction_ids:
        query = (select(ToolCall).where(ToolCall.interaction_id.in_(interaction_ids))
                 .order_by(ToolCall.id))
        for row in session.scalars(query):
            found[row.interaction_id].append(row)
    return dict(found)


def attached_upload_ids(history: Iterable[Interaction]) -> list[int]:
    """The uploads attached in earlier turns of a conversation, oldest first."""
    ids: list[int] = []
    for turn in history:
        for upload_id in (turn.meta or {}).get("uploads", []):
            if upload_id not in ids:
                ids.append(upload_id)
    return ids


def upload_refs(session: Session, upload_ids: Sequence[int]) -> dict[int, UploadRef]:
    """The uploads with these ids that still exist, as the tools see them."""
    if not upload_ids:
        return {}
    rows = session.scalars(select(Upload).where(Upload.id.in_(upload_ids)))
    by_id = {
        row.id: UploadRef(row.id, row.name, row.kind,
                          Path(row.stored_path) if row.stored_path else None, row.summary)
        for row in rows
    }
    return {i: by_id[i] for i in upload_ids if i in by_id}
