"""The proxy's requests: what a client may send, checked; errors in OpenAI's shape."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from agent.errors import LLMError, MiniAgentError

# What a client may set besides model, messages and stream; anything else is not forwarded.
PASSTHROUGH = (
    "tools", "tool_choice", "parallel_tool_calls", "temperature", "top_p", "max_tokens",
    "max_completion_tokens", "stop", "presence_penalty", "frequency_penalty", "seed",
    "response_format", "logit_bias", "logprobs", "top_logprobs", "user", "reasoning_effort",
)
ROLES = ("system", "developer", "user", "assistant", "tool", "function")
CLIENT_CHARS = 100


class ProxyError(MiniAgentError):
    """A request the proxy refuses or a provider failure, with its HTTP status and OpenAI type."""

    def __init__(self, message: str, *, status: int, type: str = "invalid_request_error",
                 code: str | None = None, param: str | None = None) -> None:
        super().__init__(message)
        self.status, self.type, self.code, self.param = status, type, code, param

    def body(self) -> dict[str, Any]:
        """The error in OpenAI's shape."""
        return {"error": {"message": str(self), "type": self.type, "param": self.param,
                          "code": self.code}}


@dataclass(frozen=True)
class ProxyRequest:
    """A checked chat-completions request."""

    model: str
    messages: list[dict[str, Any]]
    stream: bool = False
    include_usage: bool = False
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def prompt(self) -> str:
        """What History shows and searches: the last user message's text."""
        for message in reversed(self.messages):
            if message.get("role") == "user":
                return content_text(message.get("content"))
        return content_text(self.messages[-1].get("content"))

    @property
    def meta(self) -> dict[str, Any]:
        """What else is worth keeping about the request (never its full body)."""
        meta: dict[str, Any] = {"messages": len(self.messages), "stream": self.stream}
        tools = [t.get("function", {}).get("name") for t in self.options.get("tools") or []
                 if isinstance(t, dict)]
        if tools:
            meta["tools"] = [t for t in tools if isinstance(t, str)]
        return meta


def content_text(content: Any) -> str:
    """The text of a message's content, whether a string or a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(str(p.get("text", "")) for p in content
                         if isinstance(p, dict) and p.get("type") == "text")
    return ""


def parse_request(body: Any, *, models: list[str], max_prompt_chars: int) -> ProxyRequest:
    """The request checked against what this server offers; ProxyError says what is wrong."""
    if not isinstance(body, dict):
        raise ProxyError("The request body must be a JSON object.", status=400)
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise ProxyError("`model` is required: one of GET /v1/models.", status=400, param="model")
    if model not in models:
        raise ProxyError(f"The model `{model}` does not exist on this server; it offers "
                         f"{', '.join(models)} (MINI_AGENT_MODELS).", status=404,
                         code="model_not_found", param="model")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ProxyError("`messages` must be a non-empty list.", status=400, param="messages")
    for n, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ROLES:
            raise ProxyError(f"messages[{n}] must be an object with a role ({', '.join(ROLES)}).",
                             status=400, param=f"messages[{n}]")
    size = len(json.dumps(messages, ensure_ascii=False))
    if size > max_prompt_chars:
        raise ProxyError(f"The messages have {size:,} characters; this server accepts at most "
                         f"{max_prompt_chars:,} (MINI_AGENT_MAX_PROMPT_CHARS).", status=413,
                         code="prompt_too_large", param="messages")
    stream = body.get("stream", False)
    stream_options = body.get("stream_options") or {}
    if not isinstance(stream, bool) or not isinstance(stream_options, dict):
        raise ProxyError("`stream` must be a boolean and `stream_options` an object.", status=400)
    return ProxyRequest(
        model=model, messages=messages, stream=stream,
        include_usage=stream and stream_options.get("include_usage") is True,
        options={k: body[k] for k in PASSTHROUGH if body.get(k) is not None},
    )


def invalid_token() -> ProxyError:
    """An API token that is unknown, or was revoked (found by the proxy's own first write)."""
    return ProxyError("This API token is unknown or revoked.", status=401,
                      type="authentication_error", code="invalid_token")


def client_name(user_agent: str | None) -> str | None:
    """The calling program's name from its User-Agent (`OpenAI/Python 1.2` → `OpenAI/Python`)."""
    if not user_agent or not user_agent.strip():
        return None
    first = user_agent.strip().split()[0]
    name = first.rsplit("/", 1)[0] if first.count("/") >= 1 and first[-1:].isdigit() else first
    return name[:CLIENT_CHARS]


def provider_error(error: LLMError, exc: Exception | None) -> ProxyError:
    """A provider failure in OpenAI's shape, with the provider's status where it had one."""
    status = getattr(exc, "status_code", None)
    if not isinstance(status, int) or not 400 <= status < 600:
        status = {"Timeout": 504, "APIConnectionError": 502}.get(error.kind, 502)
    kind = {401: "authentication_error", 403: "permission_error", 404: "invalid_request_error",
            429: "rate_limit_error"}.get(status, "api_error" if status >= 500 else
                                         "invalid_request_error")
    return ProxyError(str(error), status=status, type=kind, code=error.kind)


