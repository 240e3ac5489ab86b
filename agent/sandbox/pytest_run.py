"""Build a sandboxed pytest run and read back the outcome of every test."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from agent.sandbox.process import RunResult

SOLUTION = "solution.py"
TESTS = "test_solution.py"
REPORT = ".report.xml"
# pytest writes its junit report into the folder; this hands it to the parent on fd 3
# (a pipe): the parent never reads a file the sandboxed code could have swapped for a link.
_RUN_PYTEST = (
    "import os, sys, pytest\n"
    "rc = pytest.main(sys.argv[1:])\n"
    "if os.path.isfile('.report.xml'):\n"
    "    with open('.report.xml', 'rb') as f, os.fdopen(3, 'wb') as out:\n"
    "        out.write(f.read())\n"
    "raise SystemExit(rc)\n"
)
# The output is the sandboxed code's: only lines this short are looked at, and each is
# read with string methods and one anchored pattern, so parsing is linear in the output.
MAX_LINE_CHARS = 500
_DURATION = re.compile(r" in \d+(?:\.\d+)?s\b")


@dataclass(frozen=True)
class CaseOutcome:
    """One test's outcome as pytest reported it."""

    name: str
    classname: str
    outcome: str
    message: str
    details: str


@dataclass(frozen=True)
class PytestResult:
    """Every test's outcome, pytest's own summary line and the failure output."""

    cases: list[CaseOutcome]
    summary: str
    failure_output: str
    run: RunResult

    @property
    def passed(self) -> bool:
        """True when pytest ran and every collected test passed (exit code 0)."""
        return self.run.exit_code == 0 and not self.run.timed_out

    def count(self, outcome: str) -> int:
        """How many tests ended with `outcome` (passed, failed, error, skipped)."""
        return sum(case.outcome == outcome for case in self.cases)


def pytest_argv() -> list[str]:
    """The child's arguments: isolated Python running pytest quietly, with a junit report."""
    return [
        "-I",
        "-c",
        _RUN_PYTEST,
        "-p",
        "no:cacheprovider",
        "-q",
        "-rfE",
        f"--junitxml={REPORT}",
        TESTS,
    ]


def pytest_files(code: str, tests: str) -> dict[str, bytes]:
    """The files of a pytest run; an empty pytest.ini pins rootdir and config to the folder."""
    return {SOLUTION: code.encode(), TESTS: tests.encode(), "pytest.ini": b"[pytest]\n"}


def parse_pytest(run: RunResult, report: bytes) -> PytestResult:
    """Combine the junit report and pytest's terminal output into a PytestResult."""
    lines = [line for line in run.stdout.splitlines() if len(line) <= MAX_LINE_CHARS]
    summary = next((s for s in map(_summary_of, reversed(lines)) if s), "")
    return PytestResult(
        cases=_parse_junit(report),
        summary=summary,
        failure_output=_failure_section(lines),
        run=run,
    )


def _parse_junit(report: bytes) -> list[CaseOutcome]:
    """Read every testcase of a junit report; a missing or broken report gives none."""
    if not report:
        return []
    try:
        root = ET.fromstring(report)
    except ET.ParseError:
        return []
    cases = []
    for case in root.iter("testcase"):
        outcome, message, details = "passed", "", ""
        for tag in ("failure", "error", "skipped"):
            node = case.find(tag)
            if node is not None:
                outcome = "failed" if tag == "failure" else tag
                message, details = node.get("message", ""), (node.text or "").strip()
                break
        cases.append(
            CaseOutcome(
                name=case.get("name", ""),
                classname=case.get("classname", ""),
                outcome=outcome,
                message=message,
                details=details,
            )
        )
    return cases


def _summary_of(line: str) -> str:
    """pytest's final line ("1 failed, 2 passed in 0.12s"), without its = rule, or ""."""
    text = line.strip().strip("=").strip()
    if text.startswith("no tests ran"):
        return text
    if text[:1].isdigit() and " " in text and _DURATION.search(text):
        return text
    return ""


def _header_of(line: str) -> str | None:
    """The title of a `==== TITLE ====` section rule, or None."""
    if line.startswith("=") and line.endswith("=") and " " in line:
        title = line.strip("=")
        if title.startswith(" ") and title.endswith(" ") and title.strip():
            return title.strip()
    return None


def _failure_section(lines: list[str]) -> str:
    """The FAILURES/ERRORS part of pytest's output, up to the short summary."""
    out: list[str] = []
    inside = False
    for line in lines:
        header = _header_of(line)
        if header is not None:
            inside = header in ("FAILURES", "ERRORS")
        if inside:
            out.append(line)
    return "\n".join(out)
