"""A loopback OpenAI-compatible server that litellm really calls over HTTP.

Tests queue scripted replies (text, tool calls, HTTP errors, slow or broken streams); each
request takes the next one, or a default echo reply when the queue is empty. `drip_s` spreads
a reply's chunks over that many seconds; `disconnects` records when a client hung up on a
stream (noticed within ~20 ms, even while the server waits to send its first token).
"""

from __future__ import annotations

import contextlib
import json
import select
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Script:
    """One scripted answer."""

    text: str = "Hello from the fake model."
    chunk_size: int = 4
    delay_s: float = 0.0
    first_delay_s: float = 0.0
    status: int = 200
    error_message: str = "injected failure"
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    usage: bool = True
    break_after_chunks: int | None = None
    prompt_tokens: int = 11
    completion_tokens: int | None = None
    drip_s: float | None = None  # spread the chunks evenly over this many seconds


class FakeLLM:
    """The server and its script queue; `requests` keeps every request body received."""

    def __init__(self) -> None:
        self.scripts: deque[Script] = deque()
        self.requests: list[dict[str, Any]] = []
        self.disconnects: list[float] = []  # time.monotonic() when a client hung up mid-stream
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def start(self) -> FakeLLM:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def queue(self, *scripts: Script) -> None:
        with self.lock:
            self.scripts.extend(scripts)

    def reset(self) -> None:
        with self.lock:
            self.scripts.clear()
            self.requests.clear()
            self.disconnects.clear()

    def next_script(self, body: dict[str, Any]) -> Script:
        with self.lock:
            self.requests.append(body)
            if self.scripts:
                return self.scripts.popleft()
        last = body["messages"][-1].get("content") or ""
        if isinstance(last, list):
            last = " ".join(p.get("text", "") for p in last if isinstance(p, dict))
        return Script(text=f"You said: {last[:200]}")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:
                models = [{"id": "fake", "object": "model"}]
                payload = json.dumps({"object": "list", "data": models})
                self._send_json(200, payload)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                script = fake.next_script(body)
                if script.status != 200:
                    error = {"error": {"message": script.error_message, "type": "fake",
                                       "code": script.status}}
                    self._send_json(script.status, json.dumps(error))
                    return
                if body.get("stream"):
                    try:
                        self._stream(body, script)
                    except (BrokenPipeError, ConnectionResetError, ClientGone):
                        # The client went away (stopped or timed out): note when.
                        with fake.lock:
                            fake.disconnects.append(time.monotonic())
                else:
                    self._send_json(200, json.dumps(completion(body, script)))

            def _send_json(self, status: int, payload: str) -> None:
                data = payload.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, body: dict[str, Any], script: Script) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                self._pause(script.first_delay_s)
                chunks = stream_chunks(body, script)
                delay = script.delay_s
                if script.drip_s is not None:
                    delay = script.drip_s / max(1, len(chunks))
                for n, chunk in enumerate(chunks):
                    if script.break_after_chunks is not None and n >= script.break_after_chunks:
                        # A server that dies mid-reply: the connection drops without [DONE].
                        self.wfile.flush()
                        self.connection.shutdown(2)
                        self.close_connection = True
                        return
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                    self._pause(delay)
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

            def _pause(self, seconds: float) -> None:
                """Sleep, watching for the client hanging up (a read of 0 bytes)."""
                deadline = time.monotonic() + seconds
                while (left := deadline - time.monotonic()) > 0:
                    ready, _, _ = select.select([self.connection], [], [], min(left, 0.02))
                    if ready:
                        with contextlib.suppress(BlockingIOError):
                            if not self.connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT):
                                raise ClientGone
                        time.sleep(min(left, 0.02))

        return Handler


class ClientGone(Exception):
    """The client closed the connection while the server waited."""


def usage(script: Script) -> dict[str, int]:
    completion_tokens = script.completion_tokens
    if completion_tokens is None:
        completion_tokens = max(1, len(script.text.split()))
    return {"prompt_tokens": script.prompt_tokens, "completion_tokens": completion_tokens,
            "total_tokens": script.prompt_tokens + completion_tokens}


def base(body: dict[str, Any], obj: str) -> dict[str, Any]:
    return {"id": "chatcmpl-fake", "object": obj, "created": int(time.time()),
            "model": body.get("model", "fake")}


def stream_chunks(body: dict[str, Any], script: Script) -> list[dict[str, Any]]:
    chunks = []
    text = script.text
    pieces = [text[i : i + script.chunk_size] for i in range(0, len(text), script.chunk_size)]
    for i, piece in enumerate(pieces):
        delta = {"content": piece}
        if i == 0:
            delta["role"] = "assistant"
        chunks.append({**base(body, "chat.completion.chunk"),
                       "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
    for i, call in enumerate(script.tool_calls):
        delta = {"tool_calls": [{"index": i, "id": call.get("id", f"call_{i}"), "type": "function",
                                 "function": {"name": call["name"],
                                              "arguments": json.dumps(call.get("arguments", {}))}}]}
        if not pieces and i == 0:
            delta["role"] = "assistant"
        chunks.append({**base(body, "chat.completion.chunk"),
                       "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
    finish = "tool_calls" if script.tool_calls else "stop"
    chunks.append({**base(body, "chat.completion.chunk"),
                   "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
    if script.usage and (body.get("stream_options") or {}).get("include_usage"):
        chunks.append({**base(body, "chat.completion.chunk"), "choices": [],
                       "usage": usage(script)})
    return chunks


def completion(body: dict[str, Any], script: Script) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": script.text or None}
    if script.tool_calls:
        message["tool_calls"] = [
            {"id": c.get("id", f"call_{i}"), "type": "function",
             "function": {"name": c["name"], "arguments": json.dumps(c.get("arguments", {}))}}
            for i, c in enumerate(script.tool_calls)
        ]
    finish = "tool_calls" if script.tool_calls else "stop"
    result = {**base(body, "chat.completion"),
              "choices": [{"index": 0, "message": message, "finish_reason": finish}]}
    if script.usage:
        result["usage"] = usage(script)
    return result
