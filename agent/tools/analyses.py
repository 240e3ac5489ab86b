"""The analysis of an attached upload, from the process's one analysis cache."""

from __future__ import annotations

from agent.tools.base import ToolFailed, UploadRef
from agent.uploads import Analysis, AnalysisFailed
from agent.uploads.cache import analysis_cache


def analysis_for(upload: UploadRef) -> Analysis:
    """The upload's TableProfile or LogReport; an unreadable file is a ToolFailed."""
    assert upload.path is not None  # ToolContext.upload checked it
    # Kept uploads are named by their SHA-256; a file handed in directly, by path and mtime.
    key = upload.sha256 or f"{upload.path}:{upload.path.stat().st_mtime_ns}"
    try:
        return analysis_cache()(upload.path, "csv" if upload.kind == "csv" else "log", key)
    except AnalysisFailed as exc:
        raise ToolFailed(str(exc)) from exc
