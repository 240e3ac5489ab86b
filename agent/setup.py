"""What the agent may do with a model on this machine: tools on or off, and why."""

from __future__ import annotations

from dataclasses import dataclass, field

from agent.llm import LLMClient, litellm_module
from agent.sandbox import sandbox_status
from agent.tools import ToolContext
from config import Settings


@dataclass(frozen=True)
class AgentSetup:
    """Per-turn agent options; a reason set in `tools_off` or `code_off` is shown to the user."""

    max_tool_steps: int = 6
    tools_off: str | None = None
    code_off: str | None = None
    context: ToolContext = field(default_factory=ToolContext)


def tool_support(client: LLMClient, model: str) -> str | None:
    """Why `model` gets no tools, or None when it may call them.

    litellm's table decides where it says. A model it says nothing about behind a custom API
    base (`openai/<name>` on Ollama, vLLM, ...) is assumed to support tools; if its server then
    refuses them, the loop falls back to plain chat (see agent.loop) and the turn records it.
    """
    litellm = litellm_module()
    try:
        declared = litellm.get_model_info(model).get("supports_function_calling")
    except Exception:  # litellm raises a bare Exception for models it does not know
        declared = None
    if declared is None and client.api_base:
        return None
    if declared or (declared is None and litellm.supports_function_calling(model)):
        return None
    if declared is None:
        return f"litellm does not know whether `{model}` supports function calling."
    return f"`{model}` does not support function calling."


def code_tools_off(settings: Settings) -> str | None:
    """Why run_python and run_tests are not offered, or None when they may run."""
    status = sandbox_status(settings.sandbox_mode)
    if status.available or settings.sandbox_allow_unisolated:
        return None
    return (f"Running code is off: no sandbox on this machine ({status.reason}). Set "
            "MINI_AGENT_SANDBOX_ALLOW_UNISOLATED=true to allow it without isolation.")


def agent_setup(settings: Settings, client: LLMClient, model: str) -> AgentSetup:
    """The options for a turn with `model` under these settings."""
    return AgentSetup(
        max_tool_steps=settings.max_tool_steps,
        tools_off=tool_support(client, model),
        code_off=code_tools_off(settings),
        context=tool_context(settings),
    )


def tool_context(settings: Settings) -> ToolContext:
    """The limits tools run with, wherever they are called from (chat, API or MCP)."""
    return ToolContext(
        sandbox_timeout_s=min(settings.request_timeout_s, 30.0),
        allow_unisolated=settings.sandbox_allow_unisolated,
        sandbox_mode=settings.sandbox_mode,
    )
