"""Turns run by the app process, not by the page: a bounded pool of workers.

The page submits a turn and follows it; the turn goes on when the page reloads, closes or
lands on another app process. The runner saves the partial reply a few times a second and
NOTIFYs followers, beats a heartbeat for its pending rows, finalizes rows that a dead process
left `pending`, and on shutdown finalizes its running turns as `stopped` with what arrived.
"""

from __future__ import annotations

import itertools
import logging
import os
import queue
import socket
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from agent.chat import ChatTurn
from agent.loop import ToolFinished, ToolStarted
from agent.turn_listener import Listener
from db import turns as rows

log = logging.getLogger(__name__)
KEEP_FINISHED = 200  # finished turns kept in memory for followers that look a moment late


def process_owner() -> str:
    """This process's name on the rows it streams: host, pid and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def owner_is_dead(owner: str | None) -> bool:
    """True for an owner on this host whose process no longer exists."""
    host, _, rest = (owner or "").partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@dataclass
class LiveTurn:
    """A turn this process runs; followers wait on `changed` for each new piece."""

    key: int
    turn: ChatTurn
    changed: threading.Condition = field(default_factory=threading.Condition)
    version: int = 0
    flushed: int = 0
    tool: str | None = None  # the tool running now, if any
    done: bool = False

    @property
    def text(self) -> str:
        return self.turn.state.text

    def touch(self) -> None:
        with self.changed:
            self.version += 1
            self.changed.notify_all()


class TurnRunner:
    """The app process's turns: submit, follow, stop, and shut down cleanly."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        workers: int = 16,
        flush_s: float = 0.25,
        heartbeat_s: float = 5.0,
        stale_s: float = 30.0,
        listen_url: str | None = None,
        final_retries: int = 6,
    ) -> None:
        self.sessions = sessions
        self.workers = workers
        self.flush_s = flush_s
        self.heartbeat_s = heartbeat_s
        self.stale_s = stale_s
        self.final_retries = final_retries
        self.owner = process_owner()
        self.queue: queue.Queue[LiveTurn] = queue.Queue()
        self.turns: OrderedDict[int, LiveTurn] = OrderedDict()
        self.lock = threading.Lock()
        self.closing = threading.Event()
        self.threads: list[threading.Thread] = []
        self.worker_count = 0
        self.unsaved_keys = itertools.count(-1, -1)
        self.listener = Listener(listen_url, on_stop=self.stop_local) if listen_url else None

    def start(self) -> TurnRunner:
        """Finalize what crashed processes left, then start the bookkeeping thread."""
        self.sweep()
        self._spawn(self._keep_rows, "turn-rows")
        if self.listener is not None:
            self.listener.start()
        return self

    def _spawn(self, target: object, name: str) -> None:
        # Daemon threads: interpreter exit must not wait for a model; shutdown() records them.
        thread = threading.Thread(target=target, name=name, daemon=True)  # type: ignore[arg-type]
        thread.start()
        self.threads.append(thread)

    def submit(self, turn: ChatTurn) -> int:
        """Store the turn's pending row, queue it for a worker, and return its key (the row's
        id, or a negative key when the database did not take it)."""
        if self.closing.is_set():
            raise RuntimeError("the turn runner is shut down")
        turn.owner = self.owner
        turn.final_retries = self.final_retries
        interaction_id = turn.begin()
        key = interaction_id if interaction_id is not None else next(self.unsaved_keys)
        live = LiveTurn(key, turn)
        with self.lock:
            self.turns[key] = live
            busy = sum(1 for t in self.turns.values() if not t.done)
            if self.worker_count < min(self.workers, busy):
                self.worker_count += 1
                self._spawn(self._work, f"turn-worker-{self.worker_count}")
        self.queue.put(live)
        return key

    def live(self, key: int) -> LiveTurn | None:
        """The turn if this process runs it (or ran it a moment ago)."""
        with self.lock:
            return self.turns.get(key)

    def wait_written(self, key: int, timeout_s: float = 2.0) -> None:
        """Give a just-ended turn of this process a moment to write its row."""
        live = self.live(key)
        if live is not None:
            live.turn.finished.wait(timeout_s)

    def running(self) -> list[LiveTurn]:
        with self.lock:
            return [t for t in self.turns.values() if not t.done]

    def _work(self) -> None:
        while not self.closing.is_set():
            try:
                live = self.queue.get(timeout=1)
            except queue.Empty:
                continue
            self.run(live)

    def run(self, live: LiveTurn) -> None:
        """Stream one turn to its end, telling followers about every piece."""
        events = live.turn.events()
        try:
            for event in events:
                if isinstance(event, ToolStarted):
                    live.tool = event.name
                elif isinstance(event, ToolFinished):
                    live.tool = None
                live.touch()
        except Exception:
            log.exception("turn %s failed", live.key)  # already recorded as an app error
        finally:
            events.close()
            live.done = True
            live.touch()
            self._forget_old()

    def _forget_old(self) -> None:
        with self.lock:
            finished = [k for k, t in self.turns.items() if t.done]
            for key in finished[: max(0, len(finished) - KEEP_FINISHED)]:
                del self.turns[key]

    def stop(self, key: int, *, wait_s: float = 0.5) -> None:
        """Stop a turn: here if this process runs it, else by asking its owner through NOTIFY."""
        if self.stop_local(key, wait_s=wait_s):
            return
        try:
            with self.sessions() as session:
                rows.notify(session, rows.STOP, key)
                session.commit()
        except SQLAlchemyError:
            log.exception("could not ask for turn %s to stop", key)

    def stop_local(self, key: int, *, wait_s: float = 0.5, reason: str = "stopped") -> bool:
        """Cancel a turn this process runs; finalize it here if its thread is slow to notice."""
        live = self.live(key)
        if live is None:
            return False
        live.turn.cancel.cancel(reason)
        if not live.turn.finished.wait(wait_s):
            if reason != "stopped":
                live.turn.result.meta["stopped_by"] = reason
            live.turn.finalize("stopped", retries=0)
        live.touch()
        return True

    def shutdown(self) -> None:
        """The app is going away: record every running turn as `stopped` with what arrived."""
        self.closing.set()
        for live in self.running():
            self.stop_local(live.key, wait_s=0.2, reason="shutdown")
        if self.listener is not None:
            self.listener.close()

    def _keep_rows(self) -> None:
        """Save partial replies, beat the heartbeat, and sweep abandoned rows, until shutdown."""
        beat = sweep = time.monotonic()
        while not self.closing.wait(self.flush_s):
            self.flush()
            now = time.monotonic()
            if now - beat >= self.heartbeat_s:
                beat = now
                self.heartbeat()
            if now - sweep >= self.stale_s / 2:
                sweep = now
                self.sweep()

    def flush(self) -> None:
        """Write the reply so far of every turn that grew since the last write."""
        for live in self.running():
            version = live.version
            if version == live.flushed or live.key < 0:
                continue
            try:
                with self.sessions() as session:
                    rows.save_partial(session, live.key, live.text)
                live.flushed = version
            except SQLAlchemyError:
                log.warning("could not save the partial reply of %s; will retry", live.key)
                return  # the database is away: try again at the next tick

    def heartbeat(self) -> None:
        ids = [t.key for t in self.running() if t.key > 0]
        try:
            with self.sessions() as session:
                rows.heartbeat(session, self.owner, ids)
        except SQLAlchemyError:
            log.warning("could not beat the heartbeat of %d turns", len(ids))

    def sweep(self) -> list[int]:
        """Finalize pending rows whose owner is gone (dead here, or silent for `stale_s`)."""
        try:
            with self.sessions() as session:
                owners = set(rows.pending_owners(session).values()) - {self.owner}
                dead = [o for o in owners if o and owner_is_dead(o)]
                return rows.finalize_abandoned(session, stale_s=self.stale_s, dead_owners=dead,
                                               keep_owner=self.owner)
        except SQLAlchemyError:
            log.warning("could not sweep abandoned turns")
            return []
