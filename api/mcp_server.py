"""`/mcp`: the agent's tools as a Model Context Protocol server (streamable HTTP, token auth).

Tools run over the caller's own uploads with the chat's limits and sandbox: the same `Tool`
objects, through the same `Toolbox` (argument validation, failures as plain messages).
"""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from typing import Any

import mcp_types as types
from anyio import to_thread
from mcp.server import Server, ServerRequestContext
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from agent.history_search import SEARCH_PARAMETERS, search_history
from agent.proxy import ProxyError
from agent.setup import code_tools_off, tool_context
from agent.tools import (
    Tool,
    Toolbox,
    ToolOutput,
    data_profile,
    data_query,
    log_tools,
    model_content,
    run_python,
    run_tests,
)
from agent.uploads.refs import upload_refs
from api.auth import Caller, authorize
from api.deps import Deps
from api.errors import error_response

CALLER = "mini_agent_caller"
UPLOAD_NOTE = "The id of one of your uploads (uploaded on the Analyze page or in the chat)."
# MCP name → the agent's tool; upload tools see only the caller's upload named in the call.
AGENT_TOOLS: dict[str, Tool] = {
    "analyze_log": log_tools.DIGEST,
    "profile_csv": data_profile.TOOL,
    "query_data": data_query.TOOL,
    "run_python": run_python.TOOL,
    "run_tests": run_tests.TOOL,
}
CODE_TOOLS = ("run_python", "run_tests")


def input_schema(tool: Tool) -> dict[str, Any]:
    schema = copy.deepcopy(tool.parameters)
    if "upload" in schema.get("properties", {}):
        schema["properties"]["upload"]["description"] = UPLOAD_NOTE
    return schema


def listed_tools() -> list[types.Tool]:
    tools = [types.Tool(name="search_history", description=(
        "Search your Mini-Agent history (chat turns and API calls): full-text `q`, model, "
        "status and dates; newest first."), input_schema=SEARCH_PARAMETERS)]
    for name, tool in AGENT_TOOLS.items():
        tools.append(types.Tool(name=name, description=tool.description,
                                input_schema=input_schema(tool)))
    return tools


def run_tool(deps: Deps, caller: Caller, name: str, arguments: dict[str, Any]) -> ToolOutput:
    """One call, blocking: the caller's upload (if any) is the only file the tool may see."""
    assert deps.settings is not None
    if name == "search_history":
        with caller.sessions() as session:
            return search_history(session, caller.user_id, arguments)
    tool = AGENT_TOOLS[name]
    if name in CODE_TOOLS and (reason := code_tools_off(deps.settings)):
        return ToolOutput(summary="failed", data={"error": reason}, view="text", error=reason)
    context = tool_context(deps.settings)
    upload = arguments.get("upload")
    if isinstance(upload, int) and not isinstance(upload, bool):
        with caller.sessions() as session:
            refs = upload_refs(session, [upload], user_id=caller.user_id)
        context = replace(context, uploads=refs)
    toolbox = Toolbox({tool.name: tool}, context)
    return toolbox.call(tool.name, json.dumps(arguments)).output


def result(output: ToolOutput) -> types.CallToolResult:
    text = output.error or model_content(output)
    return types.CallToolResult(content=[types.TextContent(type="text", text=text)],
                                is_error=output.error is not None)


def caller_of(ctx: ServerRequestContext[Any]) -> Caller:
    """The caller the HTTP layer authorized for this request (fail closed without one)."""
    request = ctx.request
    state = getattr(request, "scope", {}).get("state") or {}
    caller = state.get(CALLER)
    if not isinstance(caller, Caller):
        raise PermissionError("unauthenticated MCP request")
    return caller


def build_server(deps: Deps) -> Server[Any]:
    """The MCP server: list the tools, run a call in a worker thread."""

    async def list_tools(ctx: ServerRequestContext[Any],
                         params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        return types.ListToolsResult(tools=listed_tools())

    async def call_tool(ctx: ServerRequestContext[Any],
                        params: types.CallToolRequestParams) -> types.CallToolResult:
        caller = caller_of(ctx)
        if params.name != "search_history" and params.name not in AGENT_TOOLS:
            message = f"Unknown tool {params.name!r}."
            return result(ToolOutput(summary="failed", error=message))
        output = await to_thread.run_sync(run_tool, deps, caller, params.name,
                                          dict(params.arguments or {}))
        return result(output)

    return Server("mini-agent", on_list_tools=list_tools, on_call_tool=call_tool)


class McpEndpoint:
    """The ASGI endpoint at `/mcp`: the token is checked before the MCP SDK sees the request.

    Stateless: every request stands alone, so each one is authorized by its own token.
    DNS-rebinding checks are off because no request gets in without a token, which a page on
    another site cannot have.
    """

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.manager = StreamableHTTPSessionManager(
            app=build_server(deps), stateless=True, json_response=True,
            security_settings=TransportSecuritySettings(enable_dns_rebinding_protection=False))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            caller = await authorize(Request(scope, receive), self.deps)
        except ProxyError as exc:
            await error_response(exc)(scope, receive, send)
            return
        scope.setdefault("state", {})[CALLER] = caller
        await self.manager.handle_request(scope, receive, send)
