"""`/v1`: the OpenAI-compatible proxy (chat completions and the model list)."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from agent.proxy import ProxyCall, ProxyError, client_name, parse_request
from api.auth import authorize, body_limit, read_json
from api.deps import Deps
from api.errors import json_errors
from api.sse import EventStream


def routes(deps: Deps) -> list[Route]:
    """The `/v1` routes, bound to the server's dependencies."""

    @json_errors
    async def models(request: Request) -> Response:
        await authorize(request, deps)
        assert deps.settings is not None
        created = int(time.time())
        data = [{"id": m, "object": "model", "created": created, "owned_by": "mini-agent"}
                for m in deps.settings.model_choices]
        return JSONResponse({"object": "list", "data": data})

    @json_errors
    async def chat_completions(request: Request) -> Response:
        # The pending row re-checks the token, so a token seen live a moment ago needs no
        # database round trip before the provider is called (api/token_cache.py).
        caller = await authorize(request, deps, rechecked=True)
        assert deps.settings is not None and deps.llm is not None
        body = await read_json(request, body_limit(deps))
        proxied = parse_request(body, models=deps.settings.model_choices,
                                max_prompt_chars=deps.settings.max_prompt_chars)
        call = ProxyCall(caller.sessions, deps.llm, proxied, user_id=caller.user_id,
                         client_name=client_name(request.headers.get("user-agent")),
                         token_hash=caller.token_hash)
        try:
            if not proxied.stream:
                return JSONResponse(await call.complete())
            stream = await call.call()
        except ProxyError as exc:
            if exc.code == "invalid_token":  # revoked since it was last seen live
                deps.tokens.forget(caller.token_hash)
            raise
        return EventStream(call.relay(stream), on_close=lambda: call.abandon(stream))

    return [
        Route("/v1/models", models, methods=["GET"]),
        Route("/v1/chat/completions", chat_completions, methods=["POST"]),
    ]
