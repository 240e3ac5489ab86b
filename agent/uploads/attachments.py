"""Files attached in the chat become uploads, stored and analysed like on the Analyze page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

from sqlalchemy.orm import Session, sessionmaker

from agent.errors import MiniAgentError
from agent.uploads import analyze_upload
from config import Settings

CHAT_FILE_TYPES = ["csv", "tsv", "txt", "log", "jsonl", "gz"]


@dataclass
class Attached:
    """The uploads made from a message's files, and what went wrong with the others."""

    ids: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def attach_files(
    sessions: sessionmaker[Session], settings: Settings, files: Sequence[tuple[str, BinaryIO]],
    *, user_id: int,
) -> Attached:
    """Store and analyse each (name, file) as the user's; a file that fails is reported, not
    fatal."""
    attached = Attached()
    for name, source in files:
        try:
            upload = analyze_upload(sessions, settings, name, source, user_id=user_id).upload
        except MiniAgentError as exc:
            attached.problems.append(f"{name}: {exc}")
            continue
        attached.ids.append(upload.id)
        attached.names.append(upload.name)
    return attached


def default_prompt(names: Sequence[str]) -> str:
    """The message sent when files are attached without text."""
    return f"I attached {', '.join(names)}. What is in it, and what stands out?"
