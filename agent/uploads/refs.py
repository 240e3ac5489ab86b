"""The uploads a conversation has attached, as the agent's tools see them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from agent.tools import UploadRef
from db.models import Interaction
from db.uploads import uploads_by_id


def attached_upload_ids(history: Iterable[Interaction]) -> list[int]:
    """The uploads attached in earlier turns of a conversation, oldest first."""
    ids: list[int] = []
    for turn in history:
        for upload_id in (turn.meta or {}).get("uploads", []):
            if upload_id not in ids:
                ids.append(upload_id)
    return ids


def upload_refs(
    session: Session, upload_ids: Sequence[int], *, user_id: int
) -> dict[int, UploadRef]:
    """The user's uploads with these ids that still exist, in the order asked for."""
    rows = uploads_by_id(session, upload_ids, user_id=user_id)
    return {
        i: UploadRef(i, rows[i].name, rows[i].kind,
                     Path(p) if (p := rows[i].stored_path) else None, rows[i].summary,
                     rows[i].sha256)
        for i in upload_ids if i in rows
    }
