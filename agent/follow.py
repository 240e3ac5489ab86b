"""Following a turn from a page: from memory when this process runs it, else from its row."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from agent.turns import LiveTurn, TurnRunner
from db.models import Interaction


@dataclass(frozen=True)
class Snapshot:
    """A turn as a follower sees it now."""

    text: str
    status: str
    tool: str | None = None
    database_away: bool = False

    @property
    def final(self) -> bool:
        return self.status != "pending"


def live_snapshot(live: LiveTurn) -> Snapshot:
    ended = live.turn.ended.is_set()
    return Snapshot(live.text, live.turn.result.status if ended else "pending", live.tool)


def wait_for_change(live: LiveTurn, version: int, timeout: float) -> None:
    with live.changed:
        live.changed.wait_for(lambda: live.version != version, timeout)


def read_row(sessions: sessionmaker[Session], interaction_id: int) -> Snapshot | None:
    """The turn's stored state; None once the row is gone (its conversation deleted)."""
    with sessions() as session:
        row = session.execute(select(Interaction.response, Interaction.status)
                              .where(Interaction.id == interaction_id)).first()
    return None if row is None else Snapshot(row.response or "", row.status)


def follow(
    runner: TurnRunner, sessions: sessionmaker[Session], key: int, *,
    tick_s: float = 0.2, poll_s: float = 1.0,
) -> Iterator[Snapshot]:
    """Yield the turn's state at every change, and at least every `tick_s` (a page needs the
    beat to notice a Stop click); ends with the final state.

    From another process's turn, a NOTIFY wakes the follower at once; without one (listener
    down) the row is read every `poll_s`.
    """
    last = Snapshot("", "pending")
    while True:
        live = runner.live(key)
        if live is not None:
            version = live.version
            last = live_snapshot(live)
            yield last
            if last.final:
                return
            wait_for_change(live, version, tick_s)
            continue
        try:
            seen = runner.listener.version(key) if runner.listener else 0
            stored = read_row(sessions, key)
        except SQLAlchemyError:
            yield Snapshot(last.text, "pending", database_away=True)
            runner.closing.wait(poll_s)
            continue
        if stored is None:
            return
        last = stored
        yield last
        if last.final:
            return
        waited = 0.0
        while waited < poll_s:
            if runner.listener is not None and runner.listener.connected.is_set():
                if runner.listener.wait(key, seen, tick_s) != seen:
                    break
            else:
                runner.closing.wait(tick_s)
            waited += tick_s
            yield last  # a beat for the page
