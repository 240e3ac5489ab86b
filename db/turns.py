"""The live side of a turn: partial replies, heartbeats, wake-ups, and rows left by a crash.

A turn streams in one app process (its `owner`); any process may follow it by reading its row.
The owner saves the partial reply a few times a second and wakes followers with NOTIFY; a
heartbeat says the owner is alive, so only rows whose owner has gone quiet are swept.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import CursorResult, func, or_, select, text, update
from sqlalchemy.orm import Session

from db.models import Interaction
from db.text import storable

# NOTIFY channels: a turn's row changed (payload: its id); a turn should stop (payload: its id).
CHANGED = "mini_agent_turn"
STOP = "mini_agent_stop"
APP_STOPPED = ("AppStopped: The app stopped before this reply finished. "
               "What had arrived is kept; retry to get a complete answer.")


def notify(session: Session, channel: str, interaction_id: int) -> None:
    """Queue a NOTIFY for the caller's commit (PostgreSQL sends it only then)."""
    session.execute(text("SELECT pg_notify(:channel, :payload)"),
                    {"channel": channel, "payload": str(interaction_id)})


def save_partial(session: Session, interaction_id: int, response: str) -> bool:
    """Store the reply so far on a still-pending row and wake its followers."""
    result = cast(CursorResult[Any], session.execute(
        update(Interaction)
        .where(Interaction.id == interaction_id, Interaction.status == "pending")
        .values(response=storable(response), heartbeat_at=func.now())
    ))
    notify(session, CHANGED, interaction_id)
    session.commit()
    return result.rowcount == 1


def heartbeat(session: Session, owner: str, ids: Iterable[int]) -> None:
    """Say that `owner` still streams these pending turns."""
    wanted = list(ids)
    if wanted:
        session.execute(
            update(Interaction)
            .where(Interaction.id.in_(wanted), Interaction.owner == owner,
                   Interaction.status == "pending")
            .values(heartbeat_at=func.now())
        )
        session.commit()


def pending_owners(session: Session) -> dict[int, str | None]:
    """Every pending turn and its owner."""
    rows = session.execute(select(Interaction.id, Interaction.owner)
                           .where(Interaction.status == "pending"))
    return {row.id: row.owner for row in rows}


def finalize_abandoned(
    session: Session, *, stale_s: float, dead_owners: Iterable[str] = (),
    keep_owner: str | None = None,
) -> list[int]:
    """Finalize as `error` the pending rows whose owner is gone: dead, or silent for `stale_s`.

    Rows without an owner (written before owners existed) count as silent since they started;
    `keep_owner`'s rows (the caller's own, alive by definition) are never touched.
    """
    cutoff = func.now() - func.make_interval(0, 0, 0, 0, 0, 0, stale_s)
    gone = or_(func.coalesce(Interaction.heartbeat_at, Interaction.created_at) < cutoff,
               Interaction.owner.in_(list(dead_owners)))
    result = session.execute(
        update(Interaction)
        .where(Interaction.status == "pending", gone,
               Interaction.owner.is_distinct_from(keep_owner))
        .values(status="error", error=APP_STOPPED)
        .returning(Interaction.id)
    )
    ids = [row.id for row in result]
    for interaction_id in ids:
        notify(session, CHANGED, interaction_id)
    session.commit()
    return ids
