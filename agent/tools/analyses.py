"""The analysis of an attached upload, computed once per file and kept for the next calls."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from agent.tools.base import ToolFailed, UploadRef
from agent.uploads import Analysis, AnalysisFailed, run_analysis

# A loop calls the same upload's tools several times in a row; two analyses cover that
# without holding many large frames in memory. Keyed by file and kind, never by user.
CACHED_ANALYSES = 2


@lru_cache(maxsize=CACHED_ANALYSES)
def _analysis(path: Path, kind: str, mtime_ns: int) -> Analysis:
    return run_analysis(path, "csv" if kind == "csv" else "log")


def analysis_for(upload: UploadRef) -> Analysis:
    """The upload's TableProfile or LogReport; an unreadable file is a ToolFailed."""
    assert upload.path is not None  # ToolContext.upload checked it
    try:
        return _analysis(upload.path, upload.kind, upload.path.stat().st_mtime_ns)
    except AnalysisFailed as exc:
        raise ToolFailed(str(exc)) from exc
