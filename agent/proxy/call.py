"""One proxied call: forward the request through litellm and record it as the caller's interaction.

The pending row (source `api`) is written while the provider is being reached and finalized
exactly once: `ok`, `error`, or `stopped` when the client went away.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import Any

import anyio
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from agent.errors import LLMError
from agent.llm import LLMClient, Reply, finish_reply, litellm_module, to_llm_error
from agent.proxy.request import ProxyRequest, invalid_token, provider_error
from db import queries
from db.api_calls import start_checked_interaction

log = logging.getLogger(__name__)


class ProxyCall:
    """One forwarded call, from its pending row to its final one."""

    def __init__(self, sessions: sessionmaker[Session], client: LLMClient, request: ProxyRequest,
                 *, user_id: int, token_hash: str, client_name: str | None,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        self.sessions, self.client, self.request = sessions, client, request
        self.user_id, self.client_name, self.clock = user_id, client_name, clock
        self.token_hash = token_hash
        self.started = clock()
        self.reply = Reply()
        self.first_token_ms: int | None = None
        self.interaction_id: int | None = None
        self.finalized = False

    def kwargs(self) -> dict[str, Any]:
        """What litellm gets: the client's options, our endpoint and time limit, usage asked for."""
        kwargs = {**self.request.options, "model": self.request.model,
                  "messages": self.request.messages, **self.client.call_options(self.request.model)}
        if self.request.stream:
            kwargs.update(stream=True, stream_options={"include_usage": True})
        return kwargs

    def start(self) -> None:
        """Write the pending row (blocking: run it in a thread); the same statement checks
        that the caller's token is still live: ProxyError 401 if not."""
        self.interaction_id = start_checked_interaction(
            self.sessions.kw["bind"], token_hash=self.token_hash, user_id=self.user_id,
            model=self.request.model, prompt=self.request.prompt, meta=self.request.meta,
            client=self.client_name)
        if self.interaction_id is None:
            raise invalid_token()

    async def call(self) -> Any:
        """Call the provider while the pending row is written; a stream, or the whole answer.

        A failure before any answer is finalized `error` and raised as a ProxyError; so is a
        token found revoked by the pending write (nothing of the answer is passed on then).
        """
        # Submitted to a thread now, not when this task next yields: litellm spends a few
        # milliseconds of CPU before its first await, and the write can overlap them.
        pending = asyncio.get_running_loop().run_in_executor(None, self.start)
        try:
            answer = await litellm_module().acompletion(**self.kwargs())
        except BaseException as exc:
            with anyio.CancelScope(shield=True):
                await pending
            if not isinstance(exc, Exception):  # cancelled: the server is going away
                await finalize_in_thread(self, "stopped")
                raise
            error = to_llm_error(exc, model=self.request.model, api_base=self.client.api_base)
            await finalize_in_thread(self, "error", error)
            raise provider_error(error, exc) from exc
        try:
            await pending
        except BaseException:
            if self.request.stream:
                await close_stream(answer)
            raise
        return answer

    async def complete(self) -> dict[str, Any]:
        """A non-streamed call: the provider's answer as a JSON-ready dict."""
        response = await self.call()
        choice = response.choices[0] if response.choices else None
        if choice is not None:
            self.reply.text = getattr(choice.message, "content", None) or ""
            self.reply.finish_reason = choice.finish_reason
            calls = getattr(choice.message, "tool_calls", None) or []
            self.reply.tool_calls = [{"name": c.function.name, "arguments": c.function.arguments}
                                     for c in calls]
        usage = getattr(response, "usage", None)
        if usage is not None:
            self.reply.prompt_tokens = usage.prompt_tokens
            self.reply.completion_tokens = usage.completion_tokens
            self.reply.cost_usd = price(litellm_module(), response, self.request.model)
        self.first_token_ms = self.elapsed_ms()
        await finalize_in_thread(self, "ok")
        result: dict[str, Any] = response.model_dump(exclude_none=True)
        return result

    async def relay(self, stream: Any) -> AsyncGenerator[str]:
        """The stream as server-sent events; a dropped client finalizes the row `stopped`."""
        sent_usage = tap_provider_usage(stream)
        chunks: list[Any] = []
        status, error = "error", None
        try:
            async for chunk in stream:
                chunks.append(chunk)
                if chunk.choices:
                    if self.first_token_ms is None:
                        self.first_token_ms = self.elapsed_ms()
                    self.reply.text += getattr(chunk.choices[0].delta, "content", None) or ""
                data = client_chunk(chunk, self.request.include_usage)
                if data is not None:
                    yield f"data: {data}\n\n"
            status = "ok"
            yield "data: [DONE]\n\n"
        except BaseException as exc:
            if not isinstance(exc, Exception):  # cancelled, or the generator closed: client gone
                status = "stopped"
                raise
            llm_error = to_llm_error(exc, model=self.request.model,
                                     api_base=self.client.api_base, mid_stream=bool(chunks))
            error = llm_error
            yield f"data: {json.dumps(provider_error(llm_error, exc).body())}\n\n"
        finally:
            await close_stream(stream)
            provider_usage = sent_usage()

            def finish() -> None:  # rebuilding and pricing the reply is CPU: off the event loop
                finish_reply(litellm_module(), self.reply, chunks, self.request.messages,
                             self.request.model, provider_sent_usage=provider_usage)
                self.finalize(status, error)

            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(finish)

    async def abandon(self, stream: Any) -> None:
        """End a stream whatever happened to its relay: a relay never started leaves it open."""
        await close_stream(stream)
        await finalize_in_thread(self, "stopped")

    def elapsed_ms(self) -> int:
        return round((self.clock() - self.started) * 1000)

    def finalize(self, status: str, error: LLMError | None = None) -> None:
        """Write the final row once (blocking); a lost database only loses the record."""
        if self.finalized or self.interaction_id is None:
            return
        self.finalized = True
        meta = {**self.request.meta, "client": self.client_name} if self.client_name else None
        if self.reply.tool_calls:
            meta = {**(meta or self.request.meta),
                    "tool_calls": [c["name"] for c in self.reply.tool_calls]}
        try:
            with self.sessions() as session:
                queries.finalize_interaction(
                    session, self.interaction_id, status=status, response=self.reply.text,
                    error=error.record if error else None,
                    prompt_tokens=self.reply.prompt_tokens,
                    completion_tokens=self.reply.completion_tokens, cost_usd=self.reply.cost_usd,
                    latency_ms=self.elapsed_ms(), first_token_ms=self.first_token_ms, meta=meta)
        except SQLAlchemyError:
            log.exception("could not finalize API interaction %s", self.interaction_id)


async def finalize_in_thread(call: ProxyCall, status: str, error: LLMError | None = None) -> None:
    """Finalize off the event loop, even when the request is being cancelled."""
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(call.finalize, status, error)


async def close_stream(stream: Any) -> None:
    """Release the provider's connection (a client that went away leaves it open otherwise)."""
    with anyio.CancelScope(shield=True):
        await stream.aclose()


def price(litellm: Any, response: Any, model: str) -> float | None:
    """The call's cost when litellm knows the model's price; unknown is None, never 0."""
    try:
        return float(litellm.completion_cost(completion_response=response, model=model))
    except Exception:  # litellm raises a bare Exception for a model without a price
        return None


def client_chunk(chunk: Any, include_usage: bool) -> str | None:
    """The chunk as the client should see it: usage only when it asked for usage."""
    if not include_usage:
        if not chunk.choices:
            return None
        if getattr(chunk, "usage", None) is not None:
            data = chunk.model_dump(exclude_none=True)
            data.pop("usage", None)
            return json.dumps(data)
    return chunk.model_dump_json(exclude_none=True)


def tap_provider_usage(stream: Any) -> Callable[[], bool]:
    """Tell afterwards whether the provider itself sent usage (litellm otherwise estimates it)."""
    raw = getattr(stream, "completion_stream", None)
    if raw is None:
        return lambda: True
    seen = [False]

    async def tap() -> AsyncIterator[Any]:
        try:
            async for chunk in raw:
                usage = (chunk.get("usage") if isinstance(chunk, dict)
                         else getattr(chunk, "usage", None))
                seen[0] = seen[0] or usage is not None
                yield chunk
        finally:  # closing the tap releases the provider's connection too
            close = getattr(raw, "aclose", None) or getattr(raw, "close", None)
            if close is not None and inspect.isawaitable(result := close()):
                await result

    stream.completion_stream = tap()
    return lambda: seen[0]
