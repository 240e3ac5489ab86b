"""Errors as JSON in OpenAI's shape, for every route: no traceback ever reaches a client."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import wraps

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from agent.proxy import ProxyError

log = logging.getLogger(__name__)
Endpoint = Callable[[Request], Awaitable[Response]]


class ApiError(ProxyError):
    """A request the API refuses; the same shape as the proxy's errors."""


def error_response(error: ProxyError) -> JSONResponse:
    """The error as JSON; a 401 also says which scheme to use."""
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
    return JSONResponse(error.body(), status_code=error.status, headers=headers)


def json_errors(endpoint: Endpoint) -> Endpoint:
    """Turn refusals into their JSON answer and anything unexpected into a plain 500."""

    @wraps(endpoint)
    async def wrapped(request: Request) -> Response:
        try:
            return await endpoint(request)
        except ProxyError as exc:
            return error_response(exc)
        except ClientDisconnect:  # gone while sending its body: nobody to answer
            return Response(status_code=400)
        except Exception:
            log.exception("%s %s failed", request.method, request.url.path)
            return error_response(ApiError("The server failed to handle this request; it is "
                                           "logged. Retry, or report it if it persists.",
                                           status=500, type="server_error"))

    return wrapped
