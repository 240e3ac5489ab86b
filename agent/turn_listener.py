"""LISTEN for turn changes and stop requests from other app processes.

One connection per app process; followers wait on `changed` instead of polling the database
blindly. When the connection drops it is reopened with backoff; followers then fall back to
reading the row on a timer, so a lost listener only slows them down.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg

from db.turns import CHANGED, STOP

log = logging.getLogger(__name__)
MAX_TRACKED = 10_000


def libpq_url(sqlalchemy_url: str) -> str:
    """The SQLAlchemy URL as libpq understands it (without the `+driver` part)."""
    scheme, sep, rest = sqlalchemy_url.partition("://")
    return scheme.split("+", 1)[0] + sep + rest


class Listener:
    """A thread holding a LISTEN connection; `changed` is notified for every turn change."""

    def __init__(self, url: str, *, on_stop: Callable[[int], object]) -> None:
        self.url = libpq_url(url)
        self.on_stop = on_stop
        self.changed = threading.Condition()
        self.changes: dict[int, int] = {}
        self.closing = threading.Event()
        self.connected = threading.Event()
        self.thread = threading.Thread(target=self._run, name="turn-listener", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def close(self) -> None:
        self.closing.set()

    def version(self, interaction_id: int) -> int:
        """How many changes of this turn were heard so far."""
        with self.changed:
            return self.changes.get(interaction_id, 0)

    def wait(self, interaction_id: int, seen: int, timeout: float) -> int:
        """Wait until a change of the turn after `seen` is heard, or `timeout`; the count."""
        with self.changed:
            self.changed.wait_for(lambda: self.changes.get(interaction_id, 0) != seen, timeout)
            return self.changes.get(interaction_id, 0)

    def _run(self) -> None:
        delay = 0.5
        while not self.closing.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANGED}")
                    conn.execute(f"LISTEN {STOP}")
                    self.connected.set()
                    delay = 0.5
                    while not self.closing.is_set():
                        for note in conn.notifies(timeout=1.0):
                            self._heard(note.channel, note.payload)
            except psycopg.Error:
                log.warning("turn listener lost its connection; reconnecting in %.1f s", delay)
            self.connected.clear()
            self.closing.wait(delay)
            delay = min(delay * 2, 10.0)

    def _heard(self, channel: str, payload: str) -> None:
        if not payload.lstrip("-").isdigit():
            return
        interaction_id = int(payload)
        if channel == STOP:
            self.on_stop(interaction_id)
            return
        with self.changed:
            self.changes[interaction_id] = self.changes.pop(interaction_id, 0) + 1
            while len(self.changes) > MAX_TRACKED:  # oldest-changed first: long finished
                del self.changes[next(iter(self.changes))]
            self.changed.notify_all()
