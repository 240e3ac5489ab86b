"""Runs sandbox calls for the tests as another (unprivileged) user: one JSON request a line.

Started by tests/sandbox_support.py as `python -I sandbox_driver.py <project root>`; replies
with one JSON line per request. Only the test suite uses it.
"""

from __future__ import annotations

import dataclasses
import json
import sys

sys.path.insert(0, sys.argv[1])

from agent import sandbox  # noqa: E402
from agent.sandbox import Limits  # noqa: E402


def handle(request: dict) -> dict:
    """Do one call: `status`, `python` or `pytest`, with the request's keyword arguments."""
    kwargs = dict(request.get("kwargs", {}))
    if "limits" in kwargs:
        kwargs["limits"] = Limits(**kwargs["limits"])
    if request["fn"] == "status":
        return dataclasses.asdict(sandbox.sandbox_status(kwargs.get("mode", "auto")))
    if request["fn"] == "python":
        return dataclasses.asdict(sandbox.run_python(**kwargs))
    result = sandbox.run_pytest(**kwargs)
    return dataclasses.asdict(result)


def main() -> None:
    """Serve requests until stdin closes; an error is reported, not fatal."""
    for line in sys.stdin:
        try:
            reply = {"ok": handle(json.loads(line))}
        except Exception as exc:  # the test reads the message; the driver keeps serving
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
