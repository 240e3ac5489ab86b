"""`GET /api/openapi.json`: the API described as OpenAPI 3.1 (behind the same token)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from api.auth import authorize
from api.deps import Deps
from api.errors import json_errors

ERROR = {"$ref": "#/components/schemas/Error"}


def answers(ok: dict[str, Any], *codes: int) -> dict[str, Any]:
    responses: dict[str, Any] = {"200": ok}
    for code in (401, *codes):
        responses[str(code)] = {"description": "An error in OpenAI's shape.",
                                "content": {"application/json": {"schema": ERROR}}}
    return responses


def json_ok(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": schema or {"type": "object"}}}}


def query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema}


def spec() -> dict[str, Any]:
    """The description; shapes follow what the routes in api/ return."""
    string = {"type": "string"}
    chat_body = {"type": "object", "required": ["prompt"], "properties": {
        "prompt": string, "model": string,
        "preset": {"type": "string", "description": "explain, write_tests, debug, review or "
                   "analyze_file"},
        "conversation_id": {"type": "integer", "description": "Continue this conversation "
                            "(yours); omitted: a new one."},
        "attachments": {"type": "array", "items": {"type": "integer"},
                        "description": "Upload ids (yours) the tools may read."},
        "tools": {"type": "boolean", "default": True}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Mini-Agent API", "version": "1",
                 "description": "Every route needs `Authorization: Bearer <token>`; create a "
                 "token on the Account page or with `manage.py token create`."},
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": {"type": "object", "properties": {"error": {
                "type": "object", "properties": {
                    "message": string, "type": string, "param": {"type": ["string", "null"]},
                    "code": {"type": ["string", "null"]}}}}}},
        },
        "paths": {
            "/v1/models": {"get": {
                "summary": "The models this server offers (MINI_AGENT_MODELS).",
                "responses": answers(json_ok("An OpenAI model list."))}},
            "/v1/chat/completions": {"post": {
                "summary": "OpenAI-compatible chat completion, streamed (SSE) or not; "
                "recorded in your History (source `api`).",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["model", "messages"]}}}},
                "responses": answers(json_ok("An OpenAI chat completion, or with `stream` "
                                             "a text/event-stream of chunks."),
                                     400, 404, 413, 502)}},
            "/api/chat": {"post": {
                "summary": "One Mini-Agent turn as server-sent events: `text`, "
                "`tool_started`, `tool_finished`, then `done` with the final row.",
                "requestBody": {"required": True,
                                "content": {"application/json": {"schema": chat_body}}},
                "responses": answers({"description": "text/event-stream",
                                      "content": {"text/event-stream": {"schema": string}}},
                                     400, 404, 413)}},
            "/api/history": {"get": {
                "summary": "Your interactions with the History page's filters, newest first.",
                "parameters": [
                    query("q", "Full-text search (web-search syntax).", string),
                    query("model", "Repeatable.", string),
                    query("status", "Repeatable: ok, error, stopped, pending.", string),
                    query("since", "ISO date or date-time.", string),
                    query("until", "ISO date (that whole day) or date-time.", string),
                    query("sort", "newest (default) or relevance (with q).", string),
                    query("limit", "1 to 200, default 50.", {"type": "integer"}),
                    query("offset", "Default 0.", {"type": "integer"})],
                "responses": answers(json_ok("{total, total_exact, limit, offset, items}"),
                                     400)}},
            "/api/conversations": {"get": {
                "summary": "Your conversations, most recent first.",
                "responses": answers(json_ok("{items}"))}},
            "/api/conversations/{conversation_id}": {"get": {
                "summary": "One of your conversations with its turns (anyone else's: 404).",
                "parameters": [{"name": "conversation_id", "in": "path", "required": True,
                                "schema": {"type": "integer"}}],
                "responses": answers(json_ok("The conversation and its turns."), 404)}},
            "/mcp": {"post": {
                "summary": "Model Context Protocol (streamable HTTP): search_history, "
                "analyze_log, profile_csv, query_data, run_python, run_tests.",
                "responses": answers(json_ok("A JSON-RPC answer."))}},
        },
    }


def route(deps: Deps) -> Route:
    @json_errors
    async def openapi(request: Request) -> Response:
        await authorize(request, deps)
        return JSONResponse(spec())

    return Route("/api/openapi.json", openapi, methods=["GET"])
