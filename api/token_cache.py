"""Tokens seen live a moment ago, so the proxy need not ask the database before the first token.

Only a route whose own first write re-checks the token (the proxy's pending row,
db/api_calls.py) may admit a caller from here: a revoked token is still refused on its next
request, with a 401 and no byte of the answer. Entries are keyed by the token's SHA-256 and
expire after `ttl_s`; a token found revoked is forgotten at once.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

TTL_S = 60.0
MAX_ENTRIES = 10_000


class TokenCache:
    """token hash -> (user id, email), for `ttl_s` seconds after a check against the database."""

    def __init__(self, ttl_s: float = TTL_S, max_entries: int = MAX_ENTRIES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s, self.max_entries, self.clock = ttl_s, max_entries, clock
        self.entries: OrderedDict[str, tuple[float, int, str]] = OrderedDict()

    def get(self, token_hash: str) -> tuple[int, str] | None:
        """The owner of a token checked live less than `ttl_s` ago, else None."""
        entry = self.entries.get(token_hash)
        if entry is None:
            return None
        checked, user_id, email = entry
        if self.clock() - checked >= self.ttl_s:
            del self.entries[token_hash]
            return None
        return user_id, email

    def put(self, token_hash: str, user_id: int, email: str) -> None:
        """Remember a token just found live (the oldest entry goes when full)."""
        self.entries.pop(token_hash, None)
        self.entries[token_hash] = (self.clock(), user_id, email)
        while len(self.entries) > self.max_entries:
            self.entries.popitem(last=False)

    def forget(self, token_hash: str) -> None:
        """Drop a token found revoked or unknown."""
        self.entries.pop(token_hash, None)
