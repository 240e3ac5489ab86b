"""The HTTP API's server side: what it opens at start (database, MCP sessions) and its routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from anyio import to_thread
from starlette.routing import BaseRoute

from api.deps import Deps, open_deps
from api.mcp_server import McpEndpoint
from api.routes import all_routes
from api.tcp import set_nodelay_on_listeners
from db.engine import leave_embedded


class ApiServer:
    """Routes bound to dependencies that the lifespan opens once the server starts."""

    def __init__(self) -> None:
        self.deps = Deps()
        self.mcp = McpEndpoint(self.deps)

    @asynccontextmanager
    async def lifespan(self, _app: Any) -> AsyncIterator[None]:
        """Open (and migrate) the database before the first request, so the API works at once."""
        set_nodelay_on_listeners()  # the server's socket is bound by now; see api/tcp.py
        await to_thread.run_sync(open_deps, self.deps)
        try:
            async with self.mcp.manager.run():
                yield
        finally:
            self.deps.close()
            settings = self.deps.settings
            if settings is not None and settings.database_url is None:
                await to_thread.run_sync(leave_embedded, settings.data_dir)

    def routes(self) -> list[BaseRoute]:
        """Every API route; each checks the caller's token before it reads anything."""
        return all_routes(self.deps, self.mcp)
