"""A loopback OpenAI-compatible server that litellm really calls over HTTP.

Tests queue scripted replies (text, tool calls, HTTP errors, slow or broken streams); each
request takes the next one, or a default echo reply when the queue is empty.
"""

from __future__ import annotations

import contextlib
import json
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


class FakeLLM:
    """The server and its script queue; `requests` keeps every request body received."""

    def __init__(self) -> None:
        self.scripts: deque[Script] = deque()
        self.requests: list[dict[str, Any]] = []
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
                    # The client may go away (stopped or timed out): nothing to do then.
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        self._stream(body, script)
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
                time.sleep(script.first_delay_s)
                for n, chunk in enumerate(stream_chunks(body, script)):
                    if script.break_after_chunks is not None and n >= script.break_after_chunks:
                        # A server that dies mid-reply: the connection drops without [DONE].
                        self.wfile.flush()
                        self.connection.shutdown(2)
                        self.close_connection = True
                        return
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                    if script.delay_s:
                        time.sleep(script.delay_s)
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

        return Handler


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
