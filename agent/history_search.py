"""Searching a user's History from outside the page: date parsing and the `search_history` tool."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import jsonschema
from sqlalchemy.orm import Session

from agent.errors import MiniAgentError
from agent.tools import ToolOutput
from db import history
from db.history_filters import MAX_SEARCH_CHARS, Filters
from db.models import STATUSES

MAX_RESULTS = 50
SEARCH_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "q": {"type": "string", "maxLength": MAX_SEARCH_CHARS,
              "description": "Words to find in prompts and replies (web-search syntax)."},
        "model": {"type": "string", "description": "Only this model."},
        "status": {"type": "string", "enum": list(STATUSES)},
        "since": {"type": "string", "description": "ISO date or date-time: at or after it."},
        "until": {"type": "string", "description": "ISO date (that whole day) or date-time."},
        "limit": {"type": "integer", "minimum": 1, "maximum": MAX_RESULTS},
    },
    "additionalProperties": False,
}


class BadMoment(MiniAgentError):
    """A date that is not ISO 8601."""


def parse_moment(raw: str, name: str, *, end: bool) -> datetime:
    """An ISO date or date-time in UTC; a bare date means that whole day, as on the page."""
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            return datetime.combine(day + timedelta(days=1 if end else 0), time(), UTC)
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise BadMoment(f"`{name}` must be an ISO date (2026-01-31) or date and time "
                        f"(2026-01-31T12:00:00Z), not {raw!r}.") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def search_history(session: Session, user_id: int, arguments: dict[str, Any]) -> ToolOutput:
    """The user's matching interactions, newest first, as a tool output."""
    try:
        jsonschema.validate(arguments, SEARCH_PARAMETERS)
        since = arguments.get("since")
        until = arguments.get("until")
        filters = Filters(
            start=parse_moment(since, "since", end=False) if since else None,
            end=parse_moment(until, "until", end=True) if until else None,
            models=(arguments["model"],) if arguments.get("model") else (),
            statuses=(arguments["status"],) if arguments.get("status") else (),
            search=(arguments.get("q") or "").strip(), user_id=user_id)
    except (jsonschema.ValidationError, BadMoment) as exc:
        message = getattr(exc, "message", None) or str(exc)
        return ToolOutput(summary="failed", data={"error": message}, view="text", error=message)
    total = history.count_matching(session, filters)
    rows = history.list_page(session, filters, total=total, offset=0,
                             limit=arguments.get("limit", 20)) if total.value else []
    items = [{key: (value.isoformat() if isinstance(value, datetime) else value)
              for key, value in row._mapping.items()} for row in rows]
    return ToolOutput(summary=f"{total.value} matches", data={
        "total": total.value, "total_exact": total.exact, "items": items})
