"""The tool loop: call the model, run the tools it asks for, feed the results back, repeat.

Events stream out as they happen (text pieces, tool started, tool finished) so a page can draw
them live; `LoopState` keeps what the turn needs to be recorded, whatever way the loop ends.
At most `max_steps` rounds of tool calls run; then the model is called once more without
tools and told to answer with what it has.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

from agent.cancel import Cancel
from agent.errors import LLMError
from agent.llm import LLMClient, Reply, stream_reply
from agent.tools import Toolbox, ToolOutput, model_content

Message = dict[str, Any]
STEP_LIMIT_NOTE = (
    "You have used every tool step allowed for this turn. Do not call tools; answer now "
    "with what you have found, and say what is still unchecked."
)


@dataclass(frozen=True)
class TextDelta:
    """A piece of the reply's text."""

    text: str


@dataclass(frozen=True)
class ToolStarted:
    """The model asked for a tool and it is running now."""

    step: int
    call_id: str
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class ToolFinished:
    """A tool call ended; `output.error` is set when it failed."""

    step: int
    call_id: str
    name: str
    arguments: dict[str, Any]
    output: ToolOutput
    duration_ms: int


Event = TextDelta | ToolStarted | ToolFinished


@dataclass
class Usage:
    """Tokens and cost summed over every model call of a turn.

    A figure is only as known as its least-known part: one call without provider usage (or
    without a price) makes the turn's tokens (or cost) unknown, never a partial sum.
    """

    prompt_tokens: int | None = 0
    completion_tokens: int | None = 0
    cost_usd: float | None = 0.0
    calls: int = 0

    def add(self, reply: Reply) -> None:
        """Count one model call, complete or not."""
        self.calls += 1
        self.prompt_tokens = plus(self.prompt_tokens, reply.prompt_tokens)
        self.completion_tokens = plus(self.completion_tokens, reply.completion_tokens)
        self.cost_usd = plus(self.cost_usd, reply.cost_usd)

    def known(self) -> Usage:
        """The totals, all None when no call was made."""
        return self if self.calls else Usage(None, None, None, 0)


def plus(total: Any, part: Any) -> Any:
    """`total + part`, unknown (None) when either is."""
    return None if total is None or part is None else total + part


@dataclass
class LoopState:
    """What the loop did so far: the text, usage, tool calls and why tools went off."""

    text: str = ""
    usage: Usage = field(default_factory=Usage)
    finished: list[ToolFinished] = field(default_factory=list)
    steps: int = 0
    step_limit_reached: bool = False
    tools_refused: str | None = None


def tools_refused(error: LLMError) -> bool:
    """True when the server rejected the request because of the tools (no tool support)."""
    return error.kind == "BadRequestError" and "tool" in str(error).lower()


def assistant_message(reply: Reply, calls: list[dict[str, Any]]) -> Message:
    """The model's tool-calling turn, as it must be sent back with the results."""
    return {
        "role": "assistant",
        "content": reply.text or None,
        "tool_calls": [
            {"id": c["id"], "type": "function",
             "function": {"name": c["name"], "arguments": c["arguments"] or "{}"}}
            for c in calls
        ],
    }


def run_loop(
    client: LLMClient,
    model: str,
    messages: list[Message],
    toolbox: Toolbox | None,
    *,
    max_steps: int,
    state: LoopState,
    cancel: Cancel | None = None,
) -> Generator[Event]:
    """Run the turn's model calls and tool calls, yielding events; `state` records them."""
    messages = list(messages)
    while True:
        if cancel is not None and cancel.is_set():
            raise cancel.stopped()
        offer = toolbox if toolbox and state.steps < max_steps else None
        if toolbox and offer is None:
            state.step_limit_reached = True
            messages.append({"role": "user", "content": STEP_LIMIT_NOTE})
        reply = yield from call_model(client, model, messages, offer, state, cancel)
        if reply is None:  # the server refused tools: the same call again, without them
            toolbox = offer = None
            reply = yield from call_model(client, model, messages, None, state, cancel)
            assert reply is not None
        if offer is None or not reply.tool_calls:
            if state.step_limit_reached and not reply.text.strip():
                yield from emit(state, f"_No answer after {max_steps} tool steps._")
            return
        state.steps += 1
        calls = [
            {**c, "id": c["id"] or f"call_{state.steps}_{n}"}
            for n, c in enumerate(reply.tool_calls)
        ]
        messages.append(assistant_message(reply, calls))
        for call in calls:
            finished = yield from run_tool(offer, call, state.steps)
            state.finished.append(finished)
            messages.append({"role": "tool", "tool_call_id": finished.call_id,
                             "name": finished.name, "content": model_content(finished.output)})


def call_model(
    client: LLMClient,
    model: str,
    messages: list[Message],
    toolbox: Toolbox | None,
    state: LoopState,
    cancel: Cancel | None = None,
) -> Generator[Event, None, Reply | None]:
    """Stream one model call into events; returns its Reply, or None if tools were refused."""
    reply = Reply()
    # Text of an earlier step ends a paragraph before this step's text starts.
    separator = "\n\n" if state.text and not state.text.endswith("\n") else ""
    try:
        for piece in stream_reply(client, model, messages, reply,
                                  tools=toolbox.specs() if toolbox else None, cancel=cancel):
            yield from emit(state, separator + piece)
            separator = ""
    except LLMError as exc:
        if toolbox and not reply.text and tools_refused(exc):
            state.tools_refused = str(exc).split("\n\nDetails: ")[-1]
            return None
        raise
    finally:
        state.usage.add(reply)
    return reply


def emit(state: LoopState, text: str) -> Iterator[Event]:
    """Yield a text piece and keep it in the state."""
    state.text += text
    yield TextDelta(text)


def run_tool(
    toolbox: Toolbox, call: dict[str, Any], step: int
) -> Generator[Event, None, ToolFinished]:
    """Announce, run and report one tool call; returns its ToolFinished."""
    arguments = toolbox.parse(call["name"], call["arguments"])
    yield ToolStarted(step, call["id"], call["name"], arguments)
    ran = toolbox.call(call["name"], call["arguments"])
    finished = ToolFinished(step, call["id"], ran.name, ran.arguments, ran.output,
                            ran.duration_ms)
    yield finished
    return finished
