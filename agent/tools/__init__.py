"""The tools the model may call, and the toolbox that picks and runs them for one turn."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jsonschema

from agent.errors import MiniAgentError
from agent.tools import (
    data_plot,
    data_profile,
    data_query,
    docs_tools,
    log_tools,
    run_python,
    run_tests,
)
from agent.tools.base import (
    MAX_MODEL_CHARS,
    Tool,
    ToolContext,
    ToolOutput,
    UploadRef,
    clip,
)
from agent.tools.docs_tools import docs_indexed

__all__ = [
    "CODE_TOOLS",
    "DOCS_TOOLS",
    "LOG_TOOLS",
    "TABLE_TOOLS",
    "Tool",
    "ToolContext",
    "ToolOutput",
    "Toolbox",
    "UploadRef",
    "build_toolbox",
]

log = logging.getLogger(__name__)
CODE_TOOLS = (run_python.TOOL, run_tests.TOOL)
TABLE_TOOLS = (data_profile.TOOL, data_query.TOOL, data_plot.TOOL)
LOG_TOOLS = (log_tools.DIGEST, log_tools.SEARCH)
DOCS_TOOLS = (docs_tools.SEARCH, docs_tools.CHECK)


@dataclass
class ToolCallRun:
    """One call as it ran: parsed arguments, the output and how long it took."""

    name: str
    arguments: dict[str, Any]
    output: ToolOutput
    duration_ms: int


@dataclass
class Toolbox:
    """The tools offered in one turn and the context they run in."""

    tools: dict[str, Tool] = field(default_factory=dict)
    context: ToolContext = field(default_factory=ToolContext)
    clock: Callable[[], float] = time.perf_counter

    def __bool__(self) -> bool:
        return bool(self.tools)

    def specs(self) -> list[dict[str, Any]]:
        """The function declarations sent to the model."""
        return [tool.spec() for tool in self.tools.values()]

    def parse(self, name: str, raw: str) -> dict[str, Any]:
        """The call's arguments as a dict; what cannot be parsed is kept raw for the record."""
        try:
            value = json.loads(raw or "{}")
        except json.JSONDecodeError:
            return {"_raw": raw}
        return value if isinstance(value, dict) else {"_raw": raw}

    def call(self, name: str, raw_arguments: str) -> ToolCallRun:
        """Run one call; any failure becomes an output with `error` set, never an exception."""
        started = self.clock()
        arguments = self.parse(name, raw_arguments)
        output = self._run(name, raw_arguments, arguments)
        return ToolCallRun(name, arguments, output, round((self.clock() - started) * 1000))

    def _run(self, name: str, raw: str, arguments: dict[str, Any]) -> ToolOutput:
        tool = self.tools.get(name)
        if tool is None:
            offered = ", ".join(self.tools) or "none"
            return failed(f"There is no tool named {name!r} in this turn (offered: {offered}).")
        if "_raw" in arguments:
            return failed(f"The arguments are not a JSON object: {clip(raw, 200)!r}")
        try:
            jsonschema.validate(arguments, tool.parameters)
        except jsonschema.ValidationError as exc:
            return failed(f"Bad arguments for {name}: {exc.message}")
        try:
            return tool.run(arguments, self.context)
        except MiniAgentError as exc:  # ToolFailed, SandboxUnavailable: already in plain words
            return failed(str(exc))
        except Exception as exc:
            # The model and the user both see the failure and it is stored with the call;
            # the log keeps the traceback for whoever fixes the tool.
            log.exception("tool %s failed", name)
            return failed(f"{name} failed: {type(exc).__name__}: {exc}")


def failed(message: str) -> ToolOutput:
    """The output of a call that did not run or did not finish."""
    return ToolOutput(summary="failed", data={"error": message}, view="text", error=message)


def model_content(output: ToolOutput) -> str:
    """What the model reads back: the output as JSON, capped to protect its context."""
    data = output.for_model if output.for_model is not None else output.data
    return clip(json.dumps(data, default=str, ensure_ascii=False), MAX_MODEL_CHARS)


def build_toolbox(
    context: ToolContext, *, code_tools: bool, clock: Callable[[], float] = time.perf_counter
) -> Toolbox:
    """The tools worth offering: code tools when the sandbox may run, data tools per upload kind."""
    offered: list[Tool] = list(CODE_TOOLS) if code_tools else []
    kinds = {u.kind for u in context.uploads.values()}
    if kinds & set(data_query.TABLE_KINDS):
        offered += TABLE_TOOLS
    if kinds & set(log_tools.LOG_KINDS):
        offered += LOG_TOOLS
    if context.sessions is not None and docs_indexed(context.sessions):
        offered += DOCS_TOOLS
    return Toolbox({tool.name: tool for tool in offered}, context, clock)
