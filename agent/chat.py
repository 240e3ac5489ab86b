"""One chat turn: persist the prompt, stream the model, finalize the record exactly once."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from agent.context import Context, build_context
from agent.errors import LLMError, PromptRejected
from agent.llm import LLMClient, Reply, context_window, count_tokens, stream_reply
from db import queries

log = logging.getLogger(__name__)
NOT_SAVED = (
    "The database could not be reached, so this turn was not saved. "
    "The text stays on screen; copy what you need before reloading."
)


@dataclass
class TurnResult:
    """What a turn ended with; the page draws it, the database already holds it."""

    status: str = "pending"
    response: str = ""
    error: LLMError | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cost_usd: float | None = None
    latency_ms: int | None = None
    first_token_ms: int | None = None
    dropped_turns: int = 0
    interaction_id: int | None = None
    saved: bool = True
    meta: dict[str, Any] = field(default_factory=dict)


class ChatTurn:
    """A turn from submit to the finalized row; `stream()` yields the reply's text."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        client: LLMClient,
        *,
        conversation_id: int | None,
        model: str,
        prompt: str,
        max_prompt_chars: int,
        system_prompt: str | None = None,
        meta: dict[str, Any] | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        if not prompt.strip():
            raise PromptRejected("The message is empty.")
        if len(prompt) > max_prompt_chars:
            raise PromptRejected(
                f"The message has {len(prompt):,} characters; the limit is "
                f"{max_prompt_chars:,} (MINI_AGENT_MAX_PROMPT_CHARS). Attach it as a file instead."
            )
        self.sessions = sessions
        self.client = client
        self.conversation_id = conversation_id
        self.model = model
        self.prompt = prompt
        self.system_prompt = system_prompt
        self.clock = clock
        self.submitted = clock()
        self.result = TurnResult(meta=dict(meta or {}))
        self._finalized = False

    def start(self) -> Context:
        """Store the pending row and load the history to send; a dead database is survivable."""
        history = []
        try:
            with self.sessions() as session:
                if self.conversation_id is not None:
                    history = queries.list_turns(session, self.conversation_id)
                row = queries.start_interaction(
                    session,
                    conversation_id=self.conversation_id,
                    model=self.model,
                    prompt=self.prompt,
                    meta=self.result.meta or None,
                )
                self.result.interaction_id = row.id
        except SQLAlchemyError:
            log.exception("could not store the pending interaction")
            self.result.saved = False
        context = build_context(
            history,
            self.prompt,
            system_prompt=self.system_prompt,
            window=context_window(self.client, self.model),
            count_tokens=lambda messages: count_tokens(self.model, messages),
        )
        self.result.dropped_turns = context.dropped_turns
        if context.dropped_turns:
            self.result.meta["dropped_turns"] = context.dropped_turns
        return context

    def stream(self) -> Iterator[str]:
        """Yield the reply as it arrives; closing the generator early records `stopped`."""
        context = self.start()
        reply = Reply()
        status = "error"
        try:
            if not context.fits:
                window = context_window(self.client, self.model)
                raise LLMError(
                    f"The message is about {context.prompt_tokens:,} tokens, more than "
                    f"`{self.model}` accepts ({window:,}). Shorten it or attach it as a file.",
                    kind="ContextWindowExceeded",
                )
            for text in stream_reply(self.client, self.model, context.messages, reply):
                if self.result.first_token_ms is None:
                    self.result.first_token_ms = self._elapsed_ms()
                yield text
            status = "ok"
        except LLMError as exc:
            self.result.error = exc
        except GeneratorExit:
            status = "stopped"
            raise
        except Exception as exc:
            # A bug, not a provider failure: record it, then let it surface.
            self.result.error = LLMError(f"Unexpected error: {exc}", kind=type(exc).__name__)
            raise
        finally:
            self._finalize(status, reply)

    def _elapsed_ms(self) -> int:
        return round((self.clock() - self.submitted) * 1000)

    def _finalize(self, status: str, reply: Reply) -> None:
        if self._finalized:
            return
        self._finalized = True
        result = self.result
        result.status = status
        result.response = reply.text
        result.prompt_tokens = reply.prompt_tokens
        result.completion_tokens = reply.completion_tokens
        result.cost_usd = reply.cost_usd
        result.latency_ms = self._elapsed_ms()
        if result.interaction_id is None:
            return
        try:
            with self.sessions() as session:
                queries.finalize_interaction(
                    session,
                    result.interaction_id,
                    status=status,
                    response=reply.text,
                    error=result.error.record if result.error else None,
                    prompt_tokens=reply.prompt_tokens,
                    completion_tokens=reply.completion_tokens,
                    cost_usd=reply.cost_usd,
                    latency_ms=result.latency_ms,
                    first_token_ms=result.first_token_ms,
                    meta=result.meta or None,
                )
        except SQLAlchemyError:
            log.exception("could not finalize interaction %s", result.interaction_id)
            result.saved = False
