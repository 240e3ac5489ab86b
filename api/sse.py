"""Server-sent events: the response type, and a bridge from a blocking generator to them."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from typing import Any

import anyio
from starlette.requests import ClientDisconnect
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send


def event(name: str | None, data: Any) -> str:
    """One SSE message; `data` is sent as JSON."""
    head = f"event: {name}\n" if name else ""
    return f"{head}data: {json.dumps(data, default=str, ensure_ascii=False)}\n\n"


async def nothing() -> None:
    return None


class EventStream(StreamingResponse):
    """Server-sent events that always end in `on_close`, even when the client went away
    before or while they were sent (a turn's row must not stay `pending`)."""

    def __init__(self, content: AsyncGenerator[str],
                 on_close: Callable[[], Awaitable[None]] = nothing) -> None:
        super().__init__(content, media_type="text/event-stream",
                         headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        self.events, self.on_close = content, on_close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except ClientDisconnect:
            pass  # the client left half-way: closing the events records it
        finally:
            with anyio.CancelScope(shield=True):
                await self.events.aclose()
                await self.on_close()


async def from_blocking(items: Callable[[], Generator[Any]]) -> AsyncGenerator[Any]:
    """Run the blocking generator `items()` in a thread of its own and yield what it yields.

    When the consumer stops early (the client went away), the generator is closed at its next
    item, in its thread, so its cleanup (finalizing a turn as `stopped`) runs there.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
    stop = threading.Event()

    def put(kind: str, value: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is gone: the server is stopping
            loop.call_soon_threadsafe(queue.put_nowait, (kind, value))

    def work() -> None:
        generator = items()
        try:
            for item in generator:
                put("item", item)
                if stop.is_set():
                    break
        except Exception as exc:  # handed to the consumer, which decides what the client sees
            put("error", exc)
        finally:
            generator.close()
            put("end", None)

    threading.Thread(target=work, name="api-turn", daemon=True).start()
    try:
        while True:
            kind, value = await queue.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
