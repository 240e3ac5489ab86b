"""The API proxy's first write: a pending interaction that also proves the caller's token is live.

The proxy admits a token it saw live a moment ago without asking the database first (that
round trip would precede the first token); this write, made while the provider is being
reached and awaited before any byte of the answer is sent, is where a revoked token is caught.
It runs beside the provider call, so it is one statement on a pooled connection in plain SQL:
the ORM's bookkeeping would cost the event loop a millisecond of CPU per call.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine

from db.queries import CLIENT_CHARS
from db.text import json_storable, storable

START_CHECKED = """
WITH live_token AS (
    UPDATE api_tokens SET last_used_at = now()
    WHERE token_hash = %(token_hash)s AND user_id = %(user_id)s AND revoked_at IS NULL
    RETURNING user_id
)
INSERT INTO interactions (user_id, model, prompt, status, hidden, meta, source, client)
SELECT user_id, %(model)s, %(prompt)s, 'pending', false, %(meta)s::jsonb, 'api', %(client)s
FROM live_token
RETURNING id
"""


def start_checked_interaction(
    engine: Engine,
    *,
    token_hash: str,
    user_id: int,
    model: str,
    prompt: str,
    meta: dict[str, Any] | None,
    client: str | None,
) -> int | None:
    """Write `user_id`'s pending API interaction and stamp the token's last use, in one
    statement, only if the token (by its hash) is still live and still theirs; the new row's
    id, or None (nothing written) when the token is revoked or gone. Commits, without waiting
    for the flush to disk (a crash before the final write loses the call anyway)."""
    params = {
        "token_hash": token_hash, "user_id": user_id, "model": storable(model),
        "prompt": storable(prompt),
        "meta": None if meta is None else json.dumps(json_storable(meta)),
        "client": (storable(client) or "")[:CLIENT_CHARS] or None,
    }
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(START_CHECKED, params)
        row = cursor.fetchone()
        cursor.close()
        connection.commit()
    finally:
        connection.close()
    return None if row is None else int(row[0])
