"""The one in-process cache of analyses, keyed by the file's SHA-256 and the kind it was read as.

The Analyze page and the agent's data and log tools share it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

from agent.uploads import Analysis, Kind, Progress, run_analysis

# Analyses of big files hold large DataFrames: keep only the few most recently used.
MAX_ENTRIES = 4


class AnalysisCache:
    """An LRU of finished analyses; callable as an `agent.uploads.Analyser`.

    Equal bytes give equal analyses, so one cache serves every session. (Not Streamlit's
    cache_data: it replays the elements a cached function touched, which would redraw the
    progress bar of the first run on every hit.)
    """

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[tuple[str, Kind], Analysis] = OrderedDict()
        self._lock = threading.Lock()
        self._max_entries = max_entries

    def __call__(
        self, path: Path, kind: Kind, sha256: str, progress: Progress | None = None
    ) -> Analysis:
        """The cached analysis, or run it (outside the lock: analyses take seconds)."""
        key = (sha256, kind)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        analysis = run_analysis(path, kind, sha256, progress)
        with self._lock:
            self._entries[key] = analysis
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return analysis

    def forget(self, sha256: str) -> None:
        """Drop every analysis of these bytes (after the upload is deleted)."""
        with self._lock:
            for key in [k for k in self._entries if k[0] == sha256]:
                del self._entries[key]


@lru_cache(maxsize=1)
def analysis_cache() -> AnalysisCache:
    """The one cache of this process."""
    return AnalysisCache()
