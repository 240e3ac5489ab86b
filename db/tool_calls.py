"""Reads and writes for the `tool_calls` table."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Interaction, ToolCall
from db.text import json_storable, storable


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
    """Store one finished tool call with its turn (and the turn's owner), committed."""
    owner = select(Interaction.user_id).where(Interaction.id == interaction_id)
    row = ToolCall(
        interaction_id=interaction_id,
        user_id=owner.scalar_subquery(),
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


def tool_calls_by_turn(
    session: Session, interaction_ids: Sequence[int], *, user_id: int
) -> dict[int, list[ToolCall]]:
    """The tool calls of these turns of the user's, in the order they ran."""
    found: dict[int, list[ToolCall]] = defaultdict(list)
    if interaction_ids:
        query = (select(ToolCall)
                 .where(ToolCall.interaction_id.in_(interaction_ids), ToolCall.user_id == user_id)
                 .order_by(ToolCall.id))
        for row in session.scalars(query):
            found[row.interaction_id].append(row)
    return dict(found)
