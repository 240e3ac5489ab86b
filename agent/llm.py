"""The LLM client over litellm: stream a reply, report usage, cost and what went wrong."""

from __future__ import annotations

import os
import re
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from types import ModuleType
from typing import Any

import httpx
import openai

from agent.cancel import Cancel
from agent.errors import LLMError
from config import Settings

# What a provider call can raise (litellm's errors subclass the OpenAI SDK's); anything else
# is a bug of ours and must surface as one, not read as "the model call failed".
PROVIDER_ERRORS: tuple[type[Exception], ...] = (openai.OpenAIError, httpx.HTTPError)
# Credentials and endpoints the providers read from the environment: an empty one is unset.
CREDENTIAL_NAME = re.compile(r"(_API_KEY|_API_BASE|_API_VERSION|_AUTH_TOKEN|_TOKEN|_SECRET)$")

RETRYABLE = ("RateLimitError", "InternalServerError", "ServiceUnavailableError",
             "BadGatewayError", "APIConnectionError", "Timeout")


@lru_cache(maxsize=1)
def litellm_module() -> ModuleType:
    """Import litellm once, lazily: the import takes seconds and must not fetch prices."""
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    # ~150 pydantic notes about litellm's own TypedDicts, one per class, on every start.
    warnings.filterwarnings("ignore", message=r"Items? '.*' on TypedDict", category=UserWarning)
    import litellm

    litellm.suppress_debug_info = True
    litellm.drop_params = True
    return litellm


@dataclass(frozen=True)
class LLMClient:
    """How to reach models: the optional API base, time limits and the retry policy."""

    api_base: str | None = None
    timeout_s: float = 60.0
    max_retries: int = 2
    backoff_s: float = 0.5
    context_tokens: int | None = None
    sleep: Callable[[float], None] = time.sleep

    def call_options(self, model: str) -> dict[str, Any]:
        """Keyword arguments for litellm shared by every call to `model`."""
        options: dict[str, Any] = {"timeout": self.timeout_s, "max_retries": 0}
        if self.api_base:
            options["api_base"] = self.api_base
            if not provider_key_present(model):
                # Local OpenAI-compatible servers need no key, but the SDK insists on one.
                options["api_key"] = "not-needed"
        return options


def make_client(settings: Settings) -> LLMClient:
    """The client for these settings; pages cache it keyed by the settings."""
    return LLMClient(
        api_base=settings.api_base,
        timeout_s=settings.request_timeout_s,
        max_retries=settings.max_retries,
        context_tokens=settings.context_tokens,
    )


def drop_blank_credentials() -> None:
    """Unset provider variables that are set but empty (`OPENAI_API_KEY=` from a copied
    `.env.example` or docker compose): litellm counts them as present, the provider refuses."""
    for name in [n for n, v in os.environ.items() if CREDENTIAL_NAME.search(n) and not v.strip()]:
        os.environ.pop(name, None)


def provider_key_present(model: str) -> bool:
    """Whether the environment holds what litellm needs to call `model`."""
    drop_blank_credentials()
    return bool(litellm_module().validate_environment(model)["keys_in_environment"])


def model_problem(client: LLMClient, model: str) -> str | None:
    """Why `model` cannot be called as configured, or None when it looks usable."""
    if client.api_base:
        return None
    drop_blank_credentials()
    env = litellm_module().validate_environment(model)
    if env["keys_in_environment"]:
        return None
    missing = " or ".join(env.get("missing_keys") or []) or "the provider's API key"
    provider = provider_of(model)
    return (
        f"No API key for {provider} (`{model}`): set {missing} in the environment or in "
        "`.env`, or point MINI_AGENT_API_BASE at an OpenAI-compatible server "
        "(Ollama, vLLM, LM Studio)."
    )


def provider_of(model: str) -> str:
    """The provider litellm would call for `model` (its prefix when litellm cannot tell)."""
    try:
        return str(litellm_module().get_llm_provider(model=model)[1])
    except PROVIDER_ERRORS:
        return model.split("/", 1)[0] if "/" in model else "the provider"


def context_window(client: LLMClient, model: str) -> int | None:
    """The model's input token limit: the setting, else litellm's table, else unknown."""
    if client.context_tokens:
        return client.context_tokens
    try:
        info = litellm_module().get_model_info(model)
    except Exception:  # litellm raises a bare Exception for models it does not know
        return None
    return info.get("max_input_tokens") or info.get("max_tokens")


def count_tokens(model: str, messages: list[dict[str, Any]]) -> int:
    """Tokens in `messages` for `model` (tiktoken's count when the model is unknown)."""
    return int(litellm_module().token_counter(model=model, messages=messages))


@dataclass
class Reply:
    """What one model call produced, complete or not."""

    text: str = ""
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cost_usd: float | None = None
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    finish_reason: str | None = None


def to_llm_error(
    exc: Exception, *, model: str, api_base: str | None, mid_stream: bool = False
) -> LLMError:
    """Plain words for a litellm/OpenAI exception, keeping its class for the record."""
    kind = type(exc).__name__
    status = getattr(exc, "status_code", None)
    detail = plain_detail(str(getattr(exc, "message", "") or exc))
    if "Connection error" in detail:
        # litellm reports a refused connection as a 500 InternalServerError.
        kind, status = "APIConnectionError", None
    if len(detail) > 500:
        detail = detail[:500] + "…"
    where = f" at {api_base}" if api_base else ""
    if mid_stream:
        text = (f"The reply from `{model}` broke off half-way. "
                "What arrived is kept; retry to get a complete answer.")
    elif kind in ("AuthenticationError", "PermissionDeniedError") or status in (401, 403):
        text = (f"The provider refused the credentials for `{model}` ({status or 401}). "
                "Check the API key in the environment or `.env`.")
    elif kind == "RateLimitError" or status == 429:
        text = (f"`{model}` is rate-limited or out of quota (429). "
                "Wait a moment and retry, or pick another model.")
    elif kind == "Timeout":
        text = (f"`{model}` did not answer in time{where}. "
                "Retry, or raise MINI_AGENT_REQUEST_TIMEOUT.")
    elif kind == "APIConnectionError":
        text = (f"Could not reach the model server{where}. "
                "Check that it is running and that MINI_AGENT_API_BASE is right.")
    elif kind == "NotFoundError" or status == 404:
        text = f"The server does not know the model `{model}` (404). Check the model name."
    elif kind == "ContextWindowExceededError":
        text = (f"The conversation is too long for `{model}`. "
                "Start a new chat or shorten the prompt.")
    elif status and 500 <= int(status) < 600 or kind in RETRYABLE:
        text = (f"The model server had an error{f' ({status})' if status else ''}. "
                "Retry in a moment.")
    else:
        text = f"The model call failed{f' ({status})' if status else ''}."
    if detail:
        text += f"\n\nDetails: {detail}"
    return LLMError(text, kind=kind, retryable=kind in RETRYABLE and not mid_stream)


# Prefixes litellm adds to provider messages ("litellm.APIError: APIError: OpenAIException - ").
CLASS_PREFIX = re.compile(r"(?:litellm\.)?\w*(?:Error|Exception|Timeout)\b\s*[:\-]\s*")


def plain_detail(detail: str) -> str:
    """The provider's own message without litellm's class-name prefixes, shortened."""
    detail = CLASS_PREFIX.sub("", detail.strip()).strip()
    detail = detail.split(" Original exception:")[0].strip()
    return detail[:500] + "…" if len(detail) > 500 else detail


def missing_key_error(client: LLMClient, model: str) -> LLMError | None:
    """A missing key read as a missing key, before any request is made."""
    problem = model_problem(client, model)
    return LLMError(problem, kind="MissingKey") if problem else None


def open_stream(
    client: LLMClient,
    model: str,
    messages: list[dict[str, Any]],
    *,
    tools: list[dict[str, Any]] | None = None,
    cancel: Cancel | None = None,
) -> Iterator[Any]:
    """Start a streaming completion (one attempt; `stream_reply` owns the retry policy)."""
    kwargs: dict[str, Any] = {
        "model": model,
        "messages": messages,
        "stream": True,
        "stream_options": {"include_usage": True},
        **client.call_options(model),
    }
    if tools:
        kwargs["tools"] = tools
    if cancel is not None and provider_of(model) == "openai":
        # Our own HTTP client, whose sockets Stop can shut at once (even before a token).
        kwargs["client"] = cancel.openai_client(
            api_key=kwargs.pop("api_key", None) or os.environ.get("OPENAI_API_KEY"),
            base_url=kwargs.pop("api_base", None) or os.environ.get("OPENAI_BASE_URL"),
            timeout=client.timeout_s)
    return litellm_module().completion(**kwargs)


def stream_reply(
    client: LLMClient,
    model: str,
    messages: list[dict[str, Any]],
    reply: Reply,
    *,
    tools: list[dict[str, Any]] | None = None,
    cancel: Cancel | None = None,
) -> Iterator[str]:
    """Yield the reply's text as it arrives, filling `reply` (usage, cost, tool calls) at the end.

    Retryable failures are retried with backoff until the first text has been shown: a server
    may accept the request and fail (or time out) before sending anything. After that a failure
    ends the reply, and `reply.text` keeps what arrived.
    """
    missing = missing_key_error(client, model)
    if missing is not None:
        raise missing
    attempt = 0
    while True:
        chunks: list[Any] = []
        try:
            stream = open_stream(client, model, messages, tools=tools, cancel=cancel)
            provider_usage = watch_provider_usage(stream)
            for chunk in stream:
                if cancel is not None and cancel.is_set():
                    raise cancel.stopped()
                chunks.append(chunk)
                if not chunk.choices:
                    continue
                text = getattr(chunk.choices[0].delta, "content", None)
                if text:
                    reply.text += text
                    yield text
            break
        except PROVIDER_ERRORS as exc:
            if cancel is not None and cancel.is_set():
                raise cancel.stopped() from exc
            error = to_llm_error(exc, model=model, api_base=client.api_base,
                                 mid_stream=bool(reply.text))
            if reply.text or not error.retryable or attempt >= client.max_retries:
                raise error from exc
            if cancel is not None:
                if cancel.wait(client.backoff_s * (2**attempt)):
                    raise cancel.stopped() from exc
            else:
                client.sleep(client.backoff_s * (2**attempt))
            attempt += 1
    finish_reply(litellm_module(), reply, chunks, messages, model,
                 provider_sent_usage=provider_usage())


def watch_provider_usage(stream: Any) -> Callable[[], bool]:
    """Tell afterwards whether the provider itself sent usage.

    litellm fills in estimated usage when the provider sends none; we record provider figures
    only, so we watch the raw provider chunks under litellm's wrapper.
    """
    raw = getattr(stream, "completion_stream", None)
    if raw is None:
        return lambda: True
    seen = [False]

    def tap() -> Iterator[Any]:
        for chunk in raw:
            usage = chunk.get("usage") if isinstance(chunk, dict) else getattr(chunk, "usage", None)
            seen[0] = seen[0] or usage is not None
            yield chunk

    stream.completion_stream = tap()
    return lambda: seen[0]


def finish_reply(
    litellm: ModuleType,
    reply: Reply,
    chunks: list[Any],
    messages: list[dict[str, Any]],
    model: str,
    *,
    provider_sent_usage: bool,
) -> None:
    """Rebuild usage and tool calls from the chunks and price the call when litellm can."""
    if not chunks:
        return
    built = litellm.stream_chunk_builder(chunks, messages=messages)
    choice = built.choices[0] if built.choices else None
    if choice is not None:
        reply.finish_reason = choice.finish_reason
        calls = getattr(choice.message, "tool_calls", None) or []
        reply.tool_calls = [
            {"id": c.id, "name": c.function.name, "arguments": c.function.arguments or ""}
            for c in calls
        ]
    provider_usage = next((c.usage for c in reversed(chunks) if getattr(c, "usage", None)), None)
    if provider_sent_usage and provider_usage is not None:
        reply.prompt_tokens = provider_usage.prompt_tokens
        reply.completion_tokens = provider_usage.completion_tokens
        try:
            reply.cost_usd = float(litellm.completion_cost(completion_response=built, model=model))
        except Exception:  # no price for this model: unknown, never a guessed 0
            reply.cost_usd = None
