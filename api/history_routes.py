"""`/api/history` and `/api/conversations`: the caller's own records, as JSON."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from agent.history_search import BadMoment, parse_moment
from api.auth import Caller, authorize
from api.deps import Deps
from api.errors import ApiError, json_errors
from db import history, queries
from db.history_filters import MAX_SEARCH_CHARS, Filters
from db.models import STATUSES
from db.text import storable

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
MAX_OFFSET = 1_000_000


def number(raw: str | None, name: str, default: int, high: int) -> int:
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) > high:
        raise ApiError(f"`{name}` must be a whole number from 0 to {high:,}.", status=400,
                       param=name)
    return int(raw)


def moment(raw: str | None, name: str) -> datetime | None:
    """`since` or `until` as a UTC time (a bare date: that whole day, as on the page)."""
    if not raw:
        return None
    try:
        return parse_moment(raw, name, end=name == "until")
    except BadMoment as exc:
        raise ApiError(str(exc), status=400, param=name) from None


def parse_filters(request: Request, user_id: int) -> tuple[Filters, int, int, bool]:
    """The History page's filters from the query string, plus limit, offset and sort."""
    params = request.query_params
    statuses = tuple(dict.fromkeys(params.getlist("status")))
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        raise ApiError(f"Unknown status {unknown[0]!r}; use {', '.join(STATUSES)}.",
                       status=400, param="status")
    search = (storable(params.get("q") or "") or "").strip()
    if len(search) > MAX_SEARCH_CHARS:
        raise ApiError(f"`q` is limited to {MAX_SEARCH_CHARS} characters.", status=400,
                       param="q")
    since, until = moment(params.get("since"), "since"), moment(params.get("until"), "until")
    sort = params.get("sort") or "newest"
    if sort not in ("newest", "relevance"):
        raise ApiError("`sort` is newest or relevance.", status=400, param="sort")
    filters = Filters(start=since, end=until, models=tuple(dict.fromkeys(params.getlist("model"))),
                      statuses=statuses, search=search, user_id=user_id)
    limit = number(params.get("limit"), "limit", DEFAULT_LIMIT, MAX_LIMIT)
    offset = number(params.get("offset"), "offset", 0, MAX_OFFSET)
    return filters, limit, offset, sort == "relevance"


def row(item: Any) -> dict[str, Any]:
    data = dict(item._mapping)
    data.pop("rank", None)
    return data


def find_history(caller: Caller, request: Request) -> dict[str, Any]:
    filters, limit, offset, ranked = parse_filters(request, caller.user_id)
    with caller.sessions() as session:
        total = history.count_matching(session, filters)
        rows = history.list_page(session, filters, offset=offset, limit=limit, ranked=ranked,
                                 total=total) if total.value and limit else []
    return {"total": total.value, "total_exact": total.exact, "limit": limit, "offset": offset,
            "items": [row(r) for r in rows]}


def conversation_json(conversation: Any) -> dict[str, Any]:
    return {"id": conversation.id, "title": conversation.title,
            "created_at": conversation.created_at, "updated_at": conversation.updated_at}


def turn_json(turn: Any) -> dict[str, Any]:
    return {key: getattr(turn, key) for key in (
        "id", "created_at", "model", "status", "prompt", "response", "error", "prompt_tokens",
        "completion_tokens", "cost_usd", "latency_ms", "first_token_ms", "meta")}


def find_conversations(caller: Caller) -> dict[str, Any]:
    with caller.sessions() as session:
        found = queries.list_conversations(session, user_id=caller.user_id)
    return {"items": [conversation_json(c) for c in found]}


def find_conversation(caller: Caller, conversation_id: int) -> dict[str, Any]:
    """One of the caller's conversations with its turns; anyone else's is not found."""
    with caller.sessions() as session:
        conversation = queries.get_conversation(session, conversation_id, user_id=caller.user_id)
        if conversation is None:
            raise ApiError(f"No conversation with id {conversation_id}.", status=404,
                           code="not_found")
        turns = queries.list_turns(session, conversation_id, user_id=caller.user_id)
    return {**conversation_json(conversation), "turns": [turn_json(t) for t in turns]}


class Json(JSONResponse):
    """JSON with datetimes as ISO text."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, default=iso, ensure_ascii=False).encode()


def iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def routes(deps: Deps) -> list[Route]:
    """The history and conversation routes, bound to the server's dependencies."""

    @json_errors
    async def history_route(request: Request) -> Response:
        caller = await authorize(request, deps)
        return Json(await to_thread.run_sync(find_history, caller, request))

    @json_errors
    async def conversations(request: Request) -> Response:
        caller = await authorize(request, deps)
        return Json(await to_thread.run_sync(find_conversations, caller))

    @json_errors
    async def conversation(request: Request) -> Response:
        caller = await authorize(request, deps)
        raw = request.path_params["conversation_id"]
        if not raw.isdigit() or not 0 < int(raw) < 2**63:
            raise ApiError(f"No conversation with id {raw!r}.", status=404, code="not_found")
        return Json(await to_thread.run_sync(find_conversation, caller, int(raw)))

    return [
        Route("/api/history", history_route, methods=["GET"]),
        Route("/api/conversations", conversations, methods=["GET"]),
        Route("/api/conversations/{conversation_id}", conversation, methods=["GET"]),
    ]
