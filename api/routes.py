"""Every HTTP API route, in one list for `st.App`."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from api import chat_routes, history_routes, openai_routes, openapi
from api.deps import Deps
from api.mcp_server import McpEndpoint


def all_routes(deps: Deps, mcp: McpEndpoint) -> list[BaseRoute]:
    return [
        *openai_routes.routes(deps),
        *chat_routes.routes(deps),
        *history_routes.routes(deps),
        Route("/mcp", mcp, methods=["GET", "POST", "DELETE"]),
        openapi.route(deps),
    ]
