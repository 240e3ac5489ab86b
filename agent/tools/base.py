"""What every tool shares: its description for the model, its output, and the context it runs in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.errors import MiniAgentError

# Tool output goes back into the model's context: keep each result well under its window.
MAX_MODEL_CHARS = 12_000


class ToolFailed(MiniAgentError):
    """A tool could not do what was asked; the message is shown to the model and the user."""


@dataclass(frozen=True)
class UploadRef:
    """An upload attached to the conversation, as the tools see it."""

    id: int
    name: str
    kind: str
    path: Path | None
    summary: dict[str, Any] | None = None
    sha256: str = ""


@dataclass(frozen=True)
class ToolContext:
    """The dependencies tools run with: sandbox policy, limits and the attached uploads."""

    sandbox_timeout_s: float = 10.0
    pytest_timeout_s: float = 30.0
    allow_unisolated: bool = False
    sandbox_mode: str = "auto"
    query_timeout_s: float = 20.0
    max_rows: int = 200
    uploads: dict[int, UploadRef] = field(default_factory=dict)
    # The app's sessions, for tools that read the database (the docs index); None: no docs.
    sessions: Callable[[], Any] | None = None

    def upload(self, upload_id: Any, kinds: tuple[str, ...]) -> UploadRef:
        """The attached upload `upload_id`, checked to be one of `kinds` and still on disk."""
        try:
            ref = self.uploads[int(upload_id)]
        except (KeyError, TypeError, ValueError):
            known = ", ".join(f"{u.id} ({u.name})" for u in self.uploads.values()) or "none"
            message = f"No attached upload has id {upload_id!r}; attached: {known}."
            raise ToolFailed(message) from None
        if ref.kind not in kinds:
            raise ToolFailed(f"Upload {ref.id} ({ref.name}) is a {ref.kind}, not a {kinds[0]}.")
        if ref.path is None or not ref.path.is_file():
            raise ToolFailed(f"The file of upload {ref.id} ({ref.name}) is no longer stored.")
        return ref


@dataclass(frozen=True)
class ToolOutput:
    """A tool's result: `data` goes to the model (as JSON) and is stored and drawn.

    `view` tells the page how to draw it: "text", "python", "pytest", "table", "chart" or
    "json"; `summary` is the one line shown on the collapsed block and stored with the call.
    """

    summary: str
    data: dict[str, Any] = field(default_factory=dict)
    view: str = "json"
    error: str | None = None
    # What the model reads instead of `data`, when `data` holds more than it needs (chart points).
    for_model: dict[str, Any] | None = None


@dataclass(frozen=True)
class Tool:
    """A tool the model may call: its JSON schema and the function that runs it."""

    name: str
    description: str
    parameters: dict[str, Any]
    run: Callable[[dict[str, Any], ToolContext], ToolOutput]

    def spec(self) -> dict[str, Any]:
        """The OpenAI-style function declaration litellm passes to the model."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            },
        }


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n… [{len(text) - limit:,} more characters cut]"
