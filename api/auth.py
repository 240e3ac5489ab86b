"""Who is asking: every API route needs `Authorization: Bearer <token>`, in every auth mode."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from anyio import to_thread
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request

from agent.proxy import invalid_token
from api.deps import Deps
from api.errors import ApiError
from db.users import hash_token, user_for_token, well_formed

# A request body larger than this is refused before it is read whole (the prompt limit, in
# characters, applies after parsing; JSON escaping can make a body up to ~6x its text).
MIN_BODY_BYTES = 1_000_000


@dataclass(frozen=True)
class Caller:
    """The token's owner; every read and write of a route is scoped to `user_id`."""

    user_id: int
    email: str
    sessions: sessionmaker[Session]
    token_hash: str


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def authorize(request: Request, deps: Deps, *, rechecked: bool = False) -> Caller:
    """The caller, or a 401 (no or unknown or revoked token) or 503 (no database).

    With `rechecked` (the route's own first write checks the token again before anything is
    answered, as the proxy's pending row does) a token found live in the last minute is
    admitted without a database round trip; every other route asks the database each time.
    """
    token = bearer_token(request)
    if token is None:
        raise ApiError("Missing API token: send `Authorization: Bearer <token>` (create one on "
                       "the Account page or with `manage.py token create`).", status=401,
                       type="authentication_error", code="missing_token")
    if deps.sessions is None:
        raise ApiError(deps.problem or "The database is unavailable.", status=503,
                       type="server_error", code="database_unavailable")
    sessions = deps.sessions
    if not well_formed(token):
        raise invalid_token()
    token_hash = hash_token(token)
    if rechecked and (known := deps.tokens.get(token_hash)) is not None:
        return Caller(*known, sessions, token_hash)

    def lookup() -> Caller | None:
        with sessions() as session:
            # The last-use stamp is not worth an fsync on every request.
            session.execute(text("SET LOCAL synchronous_commit TO OFF"))
            user = user_for_token(session, token)
            return (Caller(user.id, user.email, sessions, token_hash) if user is not None
                    else None)

    caller = await to_thread.run_sync(lookup)
    if caller is None:
        deps.tokens.forget(token_hash)
        raise invalid_token()
    deps.tokens.put(token_hash, caller.user_id, caller.email)
    return caller


def body_limit(deps: Deps) -> int:
    max_chars = deps.settings.max_prompt_chars if deps.settings else 0
    return max(MIN_BODY_BYTES, 6 * max_chars)


async def read_json(request: Request, max_bytes: int) -> Any:
    """The request's JSON body, refused when too large or not JSON."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large(max_bytes)
    body = bytearray()
    async for part in request.stream():
        body += part
        if len(body) > max_bytes:
            raise too_large(max_bytes)
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(f"The request body is not valid JSON ({exc}).", status=400,
                       code="invalid_json") from None


def too_large(max_bytes: int) -> ApiError:
    return ApiError(f"The request body is larger than {max_bytes:,} bytes.", status=413,
                    code="request_too_large")
