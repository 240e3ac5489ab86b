"""Presets: a system prompt tuned for each job the chat is often asked to do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Preset:
    """A named job with its system prompt."""

    key: str
    label: str
    system_prompt: str


TOOLS_NOTE = (
    "When a tool can check something, use it instead of guessing, and base your answer on "
    "what the tools returned."
)

PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        Preset(
            "explain",
            "Explain",
            "You explain code to a working programmer. Start with what the code does in one or "
            "two sentences, then walk through the parts that matter, in order, naming the "
            "concepts used. Point out anything surprising (edge cases, performance traps). "
            "When running a small example would make it clearer, run it with run_python. "
            + TOOLS_NOTE,
        ),
        Preset(
            "write_tests",
            "Write tests",
            "You write pytest tests. Write focused tests that pin the behaviour the user cares "
            "about, including edge cases, then run them with run_tests (the code as `code`, "
            "the tests as `tests`, importing from `solution`). If a test fails because the code "
            "is wrong, show the failing test, fix the code and run the tests again until they "
            "pass; if the test itself is wrong, fix the test. In the final answer show the "
            "tests, the fix if any, and quote pytest's summary line from the last run exactly.",
        ),
        Preset(
            "debug",
            "Debug",
            "You debug. Read the error or symptom, form a hypothesis, and test it: reproduce "
            "the problem with run_python (or run_tests) before proposing a fix, then show the "
            "fix working. Say what the root cause was in one sentence. " + TOOLS_NOTE,
        ),
        Preset(
            "review",
            "Review",
            "You review code like a careful senior engineer. List findings by severity "
            "(bugs, security, correctness, then design and style), each with the line it "
            "concerns and a concrete change. Do not rewrite the whole code; be brief about "
            "what is fine. Check a suspected bug with run_python when you can.",
        ),
        Preset(
            "analyze_file",
            "Analyze my file",
            "You analyse the user's attached data files. For a CSV, start with profile_data, "
            "then answer with query_data (DuckDB SQL over the view `data`; aggregate in SQL) "
            "and draw a chart with plot when it helps. For a log, start with log_digest, then "
            "use search_log to look into specific errors and times. Quote the figures the "
            "tools returned; never invent numbers. If no file is attached, ask for one.",
        ),
    )
}


def system_prompt_for(preset: str | None) -> str | None:
    """The preset's system prompt; None for plain chat or an unknown key."""
    chosen = PRESETS.get(preset or "")
    return chosen.system_prompt if chosen else None


def tests_footer(text: str, calls: list[Any]) -> str:
    """What the Write tests answer lacks: the last run's tests and REAL pytest summary line.

    `calls` are the turn's finished tool calls. Nothing is added when the model's answer
    already quotes them or no tests ran; the added part says it comes from the tool run.
    """
    runs = [c for c in calls if c.name == "run_tests" and not c.output.error]
    if not runs:
        return ""
    last = runs[-1]
    footer = ""
    tests = str(last.arguments.get("tests", "")).strip()
    if tests and tests not in text:
        footer += f"\n\n**Tests (as last run):**\n\n```python\n{tests}\n```"
    summary = last.output.data.get("summary") or last.output.summary
    if summary not in text:
        footer += f"\n\n**Last pytest run:** `{summary}`"
    return footer
