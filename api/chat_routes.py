"""`POST /api/chat`: one Mini-Agent turn (presets, tools, attachments) as server-sent events."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from agent.chat import ChatTurn, TurnResult
from agent.loop import TextDelta, ToolFinished, ToolStarted
from agent.presets import PRESETS
from agent.proxy import client_name
from agent.setup import AgentSetup, agent_setup
from api.auth import Caller, authorize, body_limit, read_json
from api.deps import Deps
from api.errors import ApiError, json_errors
from api.sse import EventStream, event, from_blocking
from db import queries
from db.uploads import uploads_by_id

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChatRequest:
    """A checked `/api/chat` body."""

    prompt: str
    model: str
    preset: str | None
    conversation_id: int | None
    attachments: list[int]
    tools: bool


def parse_chat(body: Any, *, models: list[str], max_prompt_chars: int) -> ChatRequest:
    """The body checked field by field; ApiError says what is wrong."""
    if not isinstance(body, dict):
        raise ApiError("The request body must be a JSON object.", status=400)
    prompt = body.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise ApiError("`prompt` must be a non-empty string.", status=400, param="prompt")
    if len(prompt) > max_prompt_chars:
        raise ApiError(f"The prompt has {len(prompt):,} characters; the limit is "
                       f"{max_prompt_chars:,} (MINI_AGENT_MAX_PROMPT_CHARS). Upload it as a "
                       "file and attach it instead.", status=413, code="prompt_too_large",
                       param="prompt")
    model = body.get("model") or models[0]
    if model not in models:
        raise ApiError(f"The model `{model}` is not offered here; use one of "
                       f"{', '.join(models)}.", status=404, code="model_not_found", param="model")
    preset = body.get("preset")
    if preset is not None and preset not in PRESETS:
        raise ApiError(f"Unknown preset {preset!r}; use one of {', '.join(PRESETS)}.",
                       status=400, param="preset")
    conversation_id = body.get("conversation_id")
    if conversation_id is not None and not is_id(conversation_id):
        raise ApiError("`conversation_id` must be a positive integer.", status=400,
                       param="conversation_id")
    attachments = body.get("attachments") or []
    if not isinstance(attachments, list) or not all(is_id(a) for a in attachments):
        raise ApiError("`attachments` must be a list of upload ids.", status=400,
                       param="attachments")
    tools = body.get("tools", True)
    if not isinstance(tools, bool):
        raise ApiError("`tools` must be true or false.", status=400, param="tools")
    return ChatRequest(prompt, model, preset, conversation_id, list(dict.fromkeys(attachments)),
                       tools)


def is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


def prepare(caller: Caller, request: ChatRequest) -> int:
    """Check that the conversation and uploads are the caller's; the conversation to use."""
    with caller.sessions() as session:
        found = uploads_by_id(session, request.attachments, user_id=caller.user_id)
        missing = [i for i in request.attachments if i not in found]
        if missing:
            raise ApiError(f"No upload with id {missing[0]}.", status=404, code="not_found",
                           param="attachments")
        if request.conversation_id is not None:
            if queries.get_conversation(session, request.conversation_id,
                                        user_id=caller.user_id) is None:
                raise ApiError(f"No conversation with id {request.conversation_id}.",
                               status=404, code="not_found", param="conversation_id")
            return request.conversation_id
        title = queries.title_from_prompt(request.prompt)
        return queries.create_conversation(session, title=title, user_id=caller.user_id).id


def final_row(result: TurnResult, conversation_id: int) -> dict[str, Any]:
    """The finalized interaction as the last event tells it."""
    return {
        "id": result.interaction_id, "conversation_id": conversation_id,
        "status": result.status, "response": result.response,
        "error": str(result.error) if result.error else None,
        "prompt_tokens": result.prompt_tokens, "completion_tokens": result.completion_tokens,
        "cost_usd": result.cost_usd, "latency_ms": result.latency_ms,
        "first_token_ms": result.first_token_ms, "saved": result.saved,
        "tool_calls": len(result.tool_calls), "tools_off": result.tools_off,
    }


async def turn_events(turn: ChatTurn, conversation_id: int) -> AsyncGenerator[str]:
    """The turn as it happens: text, tool calls, then the final row (or an error)."""
    items = from_blocking(turn.events)
    try:
        async for item in items:
            if isinstance(item, TextDelta):
                yield event("text", {"text": item.text})
            elif isinstance(item, ToolStarted):
                yield event("tool_started", {"step": item.step, "id": item.call_id,
                                             "name": item.name, "arguments": item.arguments})
            elif isinstance(item, ToolFinished):
                yield event("tool_finished", {
                    "step": item.step, "id": item.call_id, "name": item.name,
                    "summary": item.output.summary, "error": item.output.error,
                    "duration_ms": item.duration_ms})
    except Exception:
        log.exception("API turn %s failed", turn.result.interaction_id)
        yield event("error", {"message": "The turn failed unexpectedly; it is logged."})
    finally:
        await items.aclose()  # a client gone: the turn is closed (recorded `stopped`) at once
    yield event("done", final_row(turn.result, conversation_id))


def routes(deps: Deps) -> list[Route]:
    """The `/api/chat` route, bound to the server's dependencies."""

    @json_errors
    async def chat(request: Request) -> Response:
        caller = await authorize(request, deps)
        assert deps.settings is not None and deps.llm is not None
        settings, llm = deps.settings, deps.llm
        parsed = parse_chat(await read_json(request, body_limit(deps)),
                            models=settings.model_choices,
                            max_prompt_chars=settings.max_prompt_chars)
        conversation_id = await to_thread.run_sync(prepare, caller, parsed)
        setup: AgentSetup | None = None
        if parsed.tools:
            setup = await to_thread.run_sync(agent_setup, settings, llm, parsed.model)
        turn = ChatTurn(caller.sessions, llm, conversation_id=conversation_id,
                        model=parsed.model, prompt=parsed.prompt,
                        max_prompt_chars=settings.max_prompt_chars, agent=setup,
                        preset=parsed.preset, attach=parsed.attachments,
                        user_id=caller.user_id, source="api",
                        client_name=client_name(request.headers.get("user-agent")))
        return EventStream(turn_events(turn, conversation_id))

    return [Route("/api/chat", chat, methods=["POST"])]
