"""One chat turn: persist the prompt, run the model and its tools, finalize the record once."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from agent.cancel import Cancel, TurnStopped
from agent.context import Context, fit_context, system_text, uploads_note
from agent.docs.retrieval import docs_note, hits_meta, reply_findings, retrieve
from agent.errors import LLMError, PromptRejected
from agent.llm import LLMClient, context_window, count_tokens
from agent.loop import Event, LoopState, TextDelta, ToolFinished, run_loop
from agent.presets import system_prompt_for, tests_footer
from agent.setup import AgentSetup
from agent.tools import Toolbox, UploadRef, build_toolbox
from agent.uploads.refs import attached_upload_ids, upload_refs
from db import queries
from db.models import LOCAL_USER_ID
from db.text import storable
from db.tool_calls import record_tool_call
from db.turns import CHANGED, notify

log = logging.getLogger(__name__)
NOT_SAVED = (
    "The database could not be reached, so this turn was not saved. "
    "The text stays on screen; copy what you need before reloading."
)
APP_BUG = ("Something went wrong inside Mini-Agent (a bug, not the model). What arrived is "
           "kept; retry, and report it if it happens again.")


def check_prompt(prompt: str, max_prompt_chars: int) -> None:
    """Refuse a prompt that cannot be sent as it is, with what to do instead."""
    if not prompt.strip():
        raise PromptRejected("The message is empty.")
    if len(prompt) > max_prompt_chars:
        raise PromptRejected(
            f"The message has {len(prompt):,} characters; the limit is "
            f"{max_prompt_chars:,} (MINI_AGENT_MAX_PROMPT_CHARS). Attach it as a file instead."
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
    tool_calls: list[ToolFinished] = field(default_factory=list)
    uploads: list[UploadRef] = field(default_factory=list)
    tools_off: str | None = None


class ChatTurn:
    """A turn from submit to the finalized row; `events()` yields text and tool events.

    Without `agent` the turn is plain chat (one model call, no tools). With it, the model may
    call tools for up to `agent.max_tool_steps` rounds. `preset` picks the system prompt;
    `attach` adds uploads to the conversation (earlier turns' uploads stay attached).
    `turn_of` makes it a new attempt of that turn (Retry, Regenerate; with `hide_later`,
    Edit). `cancel` stops it from another thread; `owner` names the app process streaming it.
    A final write that fails is retried `final_retries` times with backoff.
    """

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
        agent: AgentSetup | None = None,
        preset: str | None = None,
        attach: Sequence[int] = (),
        user_id: int = LOCAL_USER_ID,
        turn_of: int | None = None,
        hide_later: bool = False,
        owner: str | None = None,
        cancel: Cancel | None = None,
        final_retries: int = 0,
        retry_backoff_s: float = 0.5,
        source: str = "app",
        client_name: str | None = None,
    ) -> None:
        check_prompt(prompt, max_prompt_chars)
        self.sessions = sessions
        self.user_id = user_id  # every row this turn reads or writes is this user's
        # Where the turn came from ('app' or 'api') and, for the API, the calling program.
        self.source, self.client_name = source, client_name
        self.client = client
        self.conversation_id = conversation_id
        self.model = model
        # What PostgreSQL and JSON cannot carry (NUL, lone surrogates) is replaced up front.
        self.prompt = storable(prompt) or ""
        self.system_prompt = system_prompt or system_prompt_for(preset)
        self.agent = agent
        self.preset = preset
        self.attach = list(attach)
        self.toolbox: Toolbox | None = None
        self.turn_of = turn_of
        self.hide_later = hide_later
        self.owner = owner
        self.cancel = cancel or Cancel()
        self.final_retries = final_retries
        self.retry_backoff_s = retry_backoff_s
        self.state = LoopState()
        self.history: list[Any] = []
        self._begun = False
        self._lock = threading.Lock()
        self.clock = clock
        self.submitted = clock()
        self.result = TurnResult(meta=dict(meta or {}))
        if preset:
            self.result.meta["preset"] = preset
        self._finalized = False
        # `ended` once the reply is complete (followers may show it), `finished` once the row
        # is written too (or given up on).
        self.ended = threading.Event()
        self.finished = threading.Event()

    def begin(self) -> int | None:
        """Store the pending row and load the history to send; a dead database is survivable.

        Returns the row's id (None when the database did not take it). Called once, by
        whoever submits the turn, so the page knows the row before the worker runs it.
        """
        if self._begun:
            return self.result.interaction_id
        self._begun = True
        try:
            with self.sessions() as session:
                if self.conversation_id is not None:
                    self.history = queries.turn_facts(session, self.conversation_id,
                                                      before=self.turn_of, user_id=self.user_id)
                self._attach_uploads(session, self.history)
                row = queries.start_interaction(
                    session,
                    conversation_id=self.conversation_id,
                    model=self.model,
                    prompt=self.prompt,
                    meta=self.result.meta or None,
                    owner=self.owner,
                    turn_of=self.turn_of,
                    hide_later=self.hide_later,
                    user_id=self.user_id,
                    source=self.source,
                    client=self.client_name,
                )
                self.result.interaction_id = row.id
        except SQLAlchemyError:
            log.exception("could not store the pending interaction")
            self.result.saved = False
        return self.result.interaction_id

    def start(self) -> Context:
        """The messages to send: the stored history fitted to the window, then the prompt."""
        history = self.history
        self._choose_tools(history)
        docs = retrieve(self.sessions, self.preset, self.prompt)
        if docs:
            self.result.meta["docs"] = hits_meta(docs)
        context = self._fit(docs_note(docs))
        self.result.dropped_turns = context.dropped_turns
        if context.dropped_turns:
            self.result.meta["dropped_turns"] = context.dropped_turns
        return context

    def _fit(self, docs: str | None) -> Context:
        """The history that fits the window, read newest first and only as far as it fits."""
        system = system_text(self.system_prompt, uploads_note(self.result.uploads), docs)
        with_text = sum(1 for t in self.history if t.has_text)
        options: dict[str, Any] = {
            "system_prompt": system, "window": context_window(self.client, self.model),
            "count_tokens": lambda messages: count_tokens(self.model, messages),
            # A final row never changes: its count is reused (a pending one's text grows).
            "count_key": lambda turn: (
                self.model, turn.id, len(turn.prompt), len(turn.response or "")
            ) if turn.status != "pending" else None}
        if self.conversation_id is None or not with_text:
            return fit_context([], 0, self.prompt, **options)
        try:
            with self.sessions() as session:
                texts = queries.newest_turn_texts(session, self.conversation_id,
                                                  before=self.turn_of, user_id=self.user_id)
                return fit_context(texts, with_text, self.prompt, **options)
        except SQLAlchemyError:
            log.exception("could not read the history of %s", self.conversation_id)
            return fit_context([], 0, self.prompt, **options)

    def _attach_uploads(self, session: Session, history: list[Any]) -> None:
        """Keep earlier turns' uploads attached, add this turn's, and note them in the meta."""
        earlier = attached_upload_ids(history)
        wanted = earlier + [i for i in self.attach if i not in earlier]
        refs = upload_refs(session, wanted, user_id=self.user_id)
        self.result.uploads = list(refs.values())
        if refs:
            self.result.meta["uploads"] = list(refs)
        added = [i for i in self.attach if i in refs and i not in earlier]
        if added:
            self.result.meta["attached"] = added

    def _choose_tools(self, history: list[Any]) -> None:
        """The tools this turn offers: none without an agent, or when the model cannot call them."""
        if self.agent is None:
            return
        refused = next((t.meta["tools_off"] for t in reversed(history)
                        if t.model == self.model and (t.meta or {}).get("tools_off")), None)
        self.result.tools_off = self.agent.tools_off or refused
        if self.result.tools_off:
            return
        context = replace(self.agent.context, sessions=self.sessions,
                          uploads={u.id: u for u in self.result.uploads})
        self.toolbox = build_toolbox(context, code_tools=self.agent.code_off is None)

    def stream(self) -> Iterator[str]:
        """Yield the reply's text as it arrives; closing the generator early records `stopped`."""
        events = self.events()
        try:
            for event in events:
                if isinstance(event, TextDelta):
                    yield event.text
        finally:
            events.close()

    def events(self) -> Generator[Event]:
        """Yield text pieces and tool events as they happen; closing early records `stopped`."""
        self.begin()
        state = self.state
        loop: Generator[Event] | None = None
        status = "error"
        try:
            context = self.start()
            if not context.fits:
                window = context_window(self.client, self.model)
                raise LLMError(
                    f"The message is about {context.prompt_tokens:,} tokens, more than "
                    f"`{self.model}` accepts ({window:,}). Shorten it or attach it as a file.",
                    kind="ContextWindowExceeded",
                )
            max_steps = self.agent.max_tool_steps if self.agent else 0
            loop = run_loop(self.client, self.model, context.messages, self.toolbox,
                            max_steps=max_steps, state=state, cancel=self.cancel)
            for event in loop:
                if isinstance(event, TextDelta) and self.result.first_token_ms is None:
                    self.result.first_token_ms = self._elapsed_ms()
                elif isinstance(event, ToolFinished):
                    self._record_tool_call(event)
                yield event
            if self.preset == "write_tests":
                footer = tests_footer(state.text, state.finished)
                if footer:
                    state.text += footer
                    yield TextDelta(footer)
            findings = reply_findings(self.sessions, state.text)
            if findings:
                self.result.meta["code_findings"] = findings
            status = "ok"
        except LLMError as exc:
            self.result.error = exc
        except TurnStopped as exc:
            status = "stopped"
            if exc.reason != "stopped":
                self.result.meta["stopped_by"] = exc.reason
        except GeneratorExit:
            status = "stopped"
            raise
        except Exception as exc:
            # A bug, not a provider failure: record it in plain words, then let it surface.
            self.result.error = LLMError(APP_BUG, kind=type(exc).__name__)
            raise
        finally:
            if loop is not None:
                loop.close()  # counts the usage of a model call cut short
            self.cancel.close()
            self.finalize(status)

    def _record_tool_call(self, event: ToolFinished) -> None:
        """Store a finished tool call with the turn; a lost database only loses the record."""
        self.result.tool_calls.append(event)
        if self.result.interaction_id is None:
            return
        output = event.output
        try:
            with self.sessions() as session:
                record_tool_call(
                    session,
                    self.result.interaction_id,
                    step=event.step,
                    name=event.name,
                    arguments=event.arguments,
                    result_summary=output.summary,
                    result={"view": output.view, "data": output.data},
                    duration_ms=event.duration_ms,
                    error=output.error,
                )
        except SQLAlchemyError:
            log.exception("could not store a tool call of %s", self.result.interaction_id)
            self.result.saved = False

    def _elapsed_ms(self) -> int:
        return round((self.clock() - self.submitted) * 1000)

    def finalize(self, status: str, *, retries: int | None = None) -> bool:
        """Record how the turn ended, once; False when it was already finalized.

        Safe from any thread: the app's shutdown finalizes running turns as `stopped` with
        what had arrived, and the streaming thread then finds the work done.
        """
        with self._lock:
            if self._finalized:
                return False
            self._finalized = True
        try:
            self._write_final(status, self.state,
                              self.final_retries if retries is None else retries)
        finally:
            self.finished.set()
        return True

    def _write_final(self, status: str, state: LoopState, retries: int) -> None:
        result = self.result
        usage = state.usage.known()
        result.status = status
        result.response = state.text
        result.prompt_tokens = usage.prompt_tokens
        result.completion_tokens = usage.completion_tokens
        result.cost_usd = usage.cost_usd
        result.latency_ms = self._elapsed_ms()
        if state.tools_refused:
            result.tools_off = result.meta["tools_off"] = (
                f"The model server refused tools ({state.tools_refused}).")
        if state.steps:
            result.meta["tool_steps"] = state.steps
        if state.step_limit_reached:
            result.meta["step_limit_reached"] = True
        self.ended.set()
        if result.interaction_id is None:
            return
        for attempt in range(retries + 1):
            if attempt:
                # The database may be restarting: keep the reply and try again a little later.
                time.sleep(self.retry_backoff_s * 2 ** (attempt - 1))
            if self._write_row(status, state):
                result.saved = True
                return
        result.saved = False

    def _write_row(self, status: str, state: LoopState) -> bool:
        """One attempt at writing the final row; False when the database did not take it."""
        result = self.result
        assert result.interaction_id is not None
        usage = state.usage.known()
        try:
            with self.sessions() as session:
                notify(session, CHANGED, result.interaction_id)
                queries.finalize_interaction(
                    session,
                    result.interaction_id,
                    status=status,
                    response=state.text,
                    error=result.error.record if result.error else None,
                    prompt_tokens=usage.prompt_tokens,
                    completion_tokens=usage.completion_tokens,
                    cost_usd=usage.cost_usd,
                    latency_ms=result.latency_ms,
                    first_token_ms=result.first_token_ms,
                    meta=result.meta or None,
                )
        except SQLAlchemyError:
            log.exception("could not finalize interaction %s", result.interaction_id)
            return False
        return True
