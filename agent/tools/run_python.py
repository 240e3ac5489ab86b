"""Tool: run a Python script in the sandbox and report its output."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.sandbox import RunResult, run_python
from agent.tools.base import Tool, ToolContext, ToolOutput, clip

OUTPUT_CHARS = 4_000

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "code": {
            "type": "string",
            "description": "A complete Python 3 script; print what you want to see.",
        },
    },
    "required": ["code"],
    "additionalProperties": False,
}


def result_data(result: RunResult) -> dict[str, Any]:
    """The run as the model and the page see it, output capped."""
    return {
        "stdout": clip(result.stdout, OUTPUT_CHARS),
        "stderr": clip(result.stderr, OUTPUT_CHARS),
        "exit_code": result.exit_code,
        "timed_out": result.timed_out,
        "output_truncated": result.truncated,
        "isolated": result.isolated,
    }


def describe(result: RunResult) -> str:
    """One line: how the run ended."""
    if result.timed_out:
        return "timed out"
    lines = len(result.stdout.splitlines())
    return f"exit {result.exit_code} · {lines} line{'s' if lines != 1 else ''} of output"


def run(
    args: dict[str, Any], ctx: ToolContext, *, runner: Callable[..., RunResult] = run_python
) -> ToolOutput:
    """Run `args["code"]` in the sandbox; a non-zero exit is a result, not a tool failure."""
    result = runner(
        args["code"], timeout_s=ctx.sandbox_timeout_s, allow_unisolated=ctx.allow_unisolated,
        mode=ctx.sandbox_mode,
    )
    return ToolOutput(summary=describe(result), data=result_data(result), view="python")


TOOL = Tool(
    name="run_python",
    description=(
        "Run a Python 3 script in an isolated sandbox (no network, no files from the user, "
        "short time limit) and get its stdout, stderr, exit code and whether it timed out."
    ),
    parameters=PARAMETERS,
    run=run,
)
