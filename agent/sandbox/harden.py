"""Harden the app's own process against what runs beside it."""

from __future__ import annotations

import ctypes
import sys

PR_SET_DUMPABLE = 4
PR_GET_DUMPABLE = 3


def make_undumpable() -> bool:
    """Make this process non-dumpable; return whether it now is.

    Processes of the same user (an unisolated run, or a Landlock run as the app's user) can
    then neither read our /proc/<pid>/environ (API keys, DATABASE_URL) and memory nor attach
    to us, and a crash writes no core file. Harmless to call more than once.
    """
    if sys.platform != "linux":
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    return int(libc.prctl(PR_GET_DUMPABLE, 0, 0, 0, 0)) == 0
