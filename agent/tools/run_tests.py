"""Tool: run pytest tests against a module in a fresh sandbox folder."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.sandbox import PytestResult, run_pytest
from agent.tools.base import Tool, ToolContext, ToolOutput, clip

FAILURE_CHARS = 6_000
OUTPUT_CHARS = 2_000

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "code": {
            "type": "string",
            "description": "The code under test; it is saved as solution.py.",
        },
        "tests": {
            "type": "string",
            "description": "pytest tests, saved as test_solution.py; import from `solution`.",
        },
    },
    "required": ["code", "tests"],
    "additionalProperties": False,
}


def result_data(result: PytestResult) -> dict[str, Any]:
    """Every test's outcome, pytest's summary line and the failure output, capped."""
    data: dict[str, Any] = {
        "summary": result.summary,
        "passed": result.passed,
        "tests": [
            {"name": c.name, "outcome": c.outcome, "message": clip(c.message, 300)}
            for c in result.cases
        ],
        "failure_output": clip(result.failure_output, FAILURE_CHARS),
        "exit_code": result.run.exit_code,
        "timed_out": result.run.timed_out,
    }
    if not result.cases:
        # Collection errors and crashes leave no junit cases: the raw output says why.
        data["stdout"] = clip(result.run.stdout, OUTPUT_CHARS)
        data["stderr"] = clip(result.run.stderr, OUTPUT_CHARS)
    return data


def describe(result: PytestResult) -> str:
    """One line: pytest's own summary, or how the run ended without one."""
    if result.run.timed_out:
        return "timed out"
    return result.summary or f"no summary (exit {result.run.exit_code})"


def run(
    args: dict[str, Any], ctx: ToolContext, *, runner: Callable[..., PytestResult] = run_pytest
) -> ToolOutput:
    """Run the tests; failing tests are a result the model should act on, not a tool failure."""
    result = runner(
        args["code"], args["tests"], timeout_s=ctx.pytest_timeout_s,
        allow_unisolated=ctx.allow_unisolated, mode=ctx.sandbox_mode,
    )
    return ToolOutput(summary=describe(result), data=result_data(result), view="pytest")


TOOL = Tool(
    name="run_tests",
    description=(
        "Run pytest in an isolated sandbox: `code` is saved as solution.py and `tests` as "
        "test_solution.py (write `from solution import ...`). Returns each test's outcome, "
        "pytest's summary line and the failure output."
    ),
    parameters=PARAMETERS,
    run=run,
)
