"""Reads and writes for the `uploads` table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.models import Upload
from db.text import json_storable, storable


def add_upload(
    session: Session,
    *,
    name: str,
    kind: str,
    size_bytes: int,
    sha256: str,
    stored_path: str | None,
    summary: dict[str, Any] | None = None,
    user_id: int | None = None,
) -> Upload:
    """Record an upload of `user_id`, committed."""
    upload = Upload(
        name=storable(name) or "upload",
        kind=kind,
        size_bytes=size_bytes,
        sha256=sha256,
        stored_path=stored_path,
        summary=json_storable(summary),
        **({} if user_id is None else {"user_id": user_id}),
    )
    session.add(upload)
    session.commit()
    return upload


def set_summary(session: Session, upload_id: int, *, kind: str, summary: dict[str, Any]) -> None:
    """Store the analysis summary once it is known."""
    session.execute(
        update(Upload)
        .where(Upload.id == upload_id)
        .values(kind=kind, summary=json_storable(summary))
    )
    session.commit()


def get_upload(session: Session, upload_id: int, *, user_id: int) -> Upload | None:
    """One of the user's uploads by id."""
    query = select(Upload).where(Upload.id == upload_id, Upload.user_id == user_id)
    return session.scalars(query).first()


def find_by_sha256(session: Session, sha256: str, *, user_id: int) -> Upload | None:
    """The user's newest upload with these bytes, to reuse its analysis."""
    query = (select(Upload).where(Upload.sha256 == sha256, Upload.user_id == user_id)
             .order_by(Upload.id.desc()).limit(1))
    return session.scalars(query).first()


def list_uploads(session: Session, *, user_id: int, limit: int = 100) -> list[Upload]:
    """The user's uploads, newest first."""
    query = select(Upload).where(Upload.user_id == user_id).order_by(Upload.id.desc())
    return list(session.scalars(query.limit(limit)))


def uploads_by_id(
    session: Session, upload_ids: Sequence[int], *, user_id: int
) -> dict[int, Upload]:
    """The user's uploads with these ids that still exist."""
    if not upload_ids:
        return {}
    rows = session.scalars(
        select(Upload).where(Upload.id.in_(upload_ids), Upload.user_id == user_id))
    return {row.id: row for row in rows}


def path_in_use(session: Session, stored_path: str) -> bool:
    """Whether any upload row still refers to this kept file."""
    count = select(func.count()).select_from(Upload).where(Upload.stored_path == stored_path)
    return bool(session.scalar(count))
