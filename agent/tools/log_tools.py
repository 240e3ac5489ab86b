"""Tools over an attached log: a token-budgeted digest and a bounded search of its records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from agent.analysis.logs import LogReport
from agent.log_search import LEVELS, InvalidPattern, levels_from, search_records
from agent.tools.analyses import analysis_for
from agent.tools.base import Tool, ToolContext, ToolFailed, ToolOutput, UploadRef, clip
from agent.tools.data_query import json_value

LOG_KINDS = ("log",)
# ~4 characters a token: the digest stays near 2,000 tokens however large the log is.
DIGEST_CHARS = 8_000
TOP_TEMPLATES = 10
TRACES = 3
TRACE_CHARS = 800
TEMPLATE_CHARS = 200
MAX_MATCHES = 50
MESSAGE_CHARS = 300

Analyse = Callable[[UploadRef], Any]

UPLOAD = {"type": "integer", "description": "The id of an attached log upload."}
DIGEST_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {"upload": UPLOAD},
    "required": ["upload"],
    "additionalProperties": False,
}
SEARCH_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "upload": UPLOAD,
        "pattern": {"type": "string", "description": "A regular expression over the message."},
        "level": {"type": "string", "enum": list(LEVELS),
                  "description": "Only records at this level or above."},
        "since": {"type": "string", "description": "ISO timestamp: records at or after it."},
        "until": {"type": "string", "description": "ISO timestamp: records at or before it."},
    },
    "required": ["upload"],
    "additionalProperties": False,
}


def iso(value: Any) -> str | None:
    """A timestamp as ISO text, None when missing."""
    return None if value is None or pd.isna(value) else pd.Timestamp(value).isoformat()


def log_digest(report: LogReport, *, budget_chars: int = DIGEST_CHARS) -> dict[str, Any]:
    """Format, span, levels, top error templates (count, first/last seen) and sample traces."""
    seen = report.templates.set_index("template_id")[["first_seen", "last_seen"]]
    errors = []
    for row in report.top_errors.head(TOP_TEMPLATES).itertuples():
        first, last = (seen.loc[row.template_id] if row.template_id in seen.index
                       else (None, None))
        errors.append({
            "template_id": int(row.template_id),
            "template": clip(str(row.template), TEMPLATE_CHARS),
            "count": int(row.count),
            "levels": list(row.levels),
            "first_seen": iso(first),
            "last_seen": iso(last),
        })
    traces = [
        {"exception": r.exception, "top_frame": r.top_frame, "count": int(r.count),
         "example": clip(str(r.example), TRACE_CHARS)}
        for r in report.stack_traces.head(TRACES).itertuples()
    ]
    digest: dict[str, Any] = {
        "format": report.format,
        "records": len(report.records),
        "start": iso(report.start),
        "end": iso(report.end),
        "levels": dict(report.level_counts),
        "templates": len(report.templates),
        "top_error_templates": errors,
        "stack_traces": traces,
        "spikes": [iso(ts) for ts in report.spikes["bucket"].head(5)] if len(
            report.timeline) else [],
        "warnings": report.warnings[:5],
    }
    # Over budget: drop the least useful detail first, trace examples, then templates.
    while len(str(digest)) > budget_chars and (traces or errors):
        if traces:
            traces.pop()
        else:
            errors.pop()
    return digest


def search_log(
    report: LogReport,
    *,
    pattern: str | None = None,
    level: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = MAX_MATCHES,
) -> dict[str, Any]:
    """The records matching every filter given: the first `limit` of them and the total."""
    bounds = []
    for bound in (since, until):
        try:
            bounds.append(pd.Timestamp(bound).tz_localize(None) if bound else None)
        except ValueError as exc:
            raise ToolFailed(f"{bound!r} is not a timestamp.") from exc
    try:
        found, total = search_records(
            report.records, text=pattern or "", regex=True, ignore_case=False,
            levels=levels_from(level) if level else None,
            window=(bounds[0], bounds[1]) if any(bounds) else None, limit=limit)
    except InvalidPattern as exc:
        raise ToolFailed(str(exc)) from exc
    matches = [
        {"line": int(r.line), "timestamp": iso(r.timestamp), "level": json_value(r.level),
         "component": json_value(r.component), "message": clip(str(r.message), MESSAGE_CHARS)}
        for r in found.itertuples()
    ]
    return {"total_matches": int(total), "matches": matches, "truncated": total > limit}


def run_digest(args: dict[str, Any], ctx: ToolContext, *, analyse: Analyse = analysis_for
               ) -> ToolOutput:
    """The digest of an attached log."""
    upload = ctx.upload(args["upload"], LOG_KINDS)
    digest = log_digest(analyse(upload))
    levels = ", ".join(f"{n:,} {lvl}" for lvl, n in digest["levels"].items()) or "no levels"
    return ToolOutput(summary=f"{digest['records']:,} records · {levels}",
                      data={"upload": upload.id, "name": upload.name, **digest}, view="json")


def run_search(args: dict[str, Any], ctx: ToolContext, *, analyse: Analyse = analysis_for
               ) -> ToolOutput:
    """Search an attached log's records."""
    upload = ctx.upload(args["upload"], LOG_KINDS)
    found = search_log(analyse(upload), pattern=args.get("pattern"), level=args.get("level"),
                       since=args.get("since"), until=args.get("until"))
    shown = len(found["matches"])
    summary = f"{found['total_matches']:,} matches" + (
        f" (first {shown} shown)" if found["truncated"] else "")
    return ToolOutput(summary=summary, data=found, view="records")


DIGEST = Tool(
    name="log_digest",
    description=(
        "A compact digest of an attached log: format, time span, level counts, the top "
        "error/warning message templates with counts and first/last seen, sample stack traces."
    ),
    parameters=DIGEST_PARAMETERS,
    run=run_digest,
)
SEARCH = Tool(
    name="search_log",
    description=(
        "Search an attached log's records by regular expression, minimum level and time range; "
        f"returns up to {MAX_MATCHES} matching records and the total count."
    ),
    parameters=SEARCH_PARAMETERS,
    run=run_search,
)
