"""Runs sandbox calls for the tests as a given user: one JSON request a line.

Started by tests/sandbox_support.py as `python -I sandbox_driver.py <project root>`; replies
with one JSON line per request. It is a child subreaper: whatever a run leaves behind (a
process that escaped its launcher) ends up as its child, so `leftovers` names exactly this
test session's leftovers, never another session's runs of the same user. Only the tests use it.
"""

from __future__ import annotations

import ctypes
import dataclasses
import json
import os
import signal
import sys

sys.path.insert(0, sys.argv[1])

from agent import sandbox  # noqa: E402
from agent.sandbox import Limits  # noqa: E402

PR_SET_CHILD_SUBREAPER = 36


def children() -> list[int]:
    """This process's live children; dead ones (orphans reparented here) are reaped."""
    me = os.getpid()
    found = []
    for task in os.listdir(f"/proc/{me}/task"):
        with open(f"/proc/{me}/task/{task}/children") as f:
            found += [int(p) for p in f.read().split()]
    live = []
    for pid in found:
        try:
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state in ("Z", "X"):
            os.waitpid(pid, os.WNOHANG)
        else:
            live.append(pid)
    return live


def handle(request: dict) -> object:
    """Do one call: `status`, `python`, `pytest` or `leftovers`, with the request's arguments."""
    kwargs = dict(request.get("kwargs", {}))
    if "limits" in kwargs:
        kwargs["limits"] = Limits(**kwargs["limits"])
    if request["fn"] == "leftovers":
        return children()
    if request["fn"] == "status":
        return dataclasses.asdict(sandbox.sandbox_status(**kwargs))
    if request["fn"] == "python":
        return dataclasses.asdict(sandbox.run_python(**kwargs))
    return dataclasses.asdict(sandbox.run_pytest(**kwargs))


def main() -> None:
    """Serve requests until stdin closes, then kill whatever is still left behind."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    for line in sys.stdin:
        try:
            reply = {"ok": handle(json.loads(line))}
        except Exception as exc:  # the test reads the message; the driver keeps serving
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
    for pid in children():
        os.kill(pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
