"""Domain errors whose message is meant for the user, with what to do next."""

from __future__ import annotations


class MiniAgentError(Exception):
    """Base of the errors a page may show as they are."""


class LLMError(MiniAgentError):
    """A model call failed; `str()` says what happened in plain words."""

    def __init__(self, message: str, *, kind: str, retryable: bool = False) -> None:
        super().__init__(message)
        self.kind = kind
        self.retryable = retryable

    @property
    def record(self) -> str:
        """What the interactions row keeps: the error class, then the message."""
        return f"{self.kind}: {self}"


class PromptRejected(MiniAgentError):
    """The prompt cannot be sent as it is (too long for the model, too large to store)."""
