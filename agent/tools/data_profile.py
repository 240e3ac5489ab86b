"""Tool: the profile of an attached CSV — schema and statistics, never the rows in bulk."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from agent.analysis.tables import TableProfile
from agent.tools.analyses import analysis_for
from agent.tools.base import Tool, ToolContext, ToolOutput, UploadRef
from agent.tools.data_query import TABLE_KINDS, json_value

# Per-column figures worth the model's tokens; histograms and raw samples are left out.
STATS = ("column", "kind", "dtype", "count", "missing", "distinct", "min", "max", "mean",
         "std", "p50", "first", "last", "max_length", "top_values")
MAX_COLUMNS = 60

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "upload": {"type": "integer", "description": "The id of an attached CSV upload."},
    },
    "required": ["upload"],
    "additionalProperties": False,
}


def profile_data(profile: TableProfile, *, max_columns: int = MAX_COLUMNS) -> dict[str, Any]:
    """Rows, columns with their kind and stats, alerts and warnings: a digest for the model."""
    columns = []
    for record in profile.columns.head(max_columns).to_dict("records"):
        entry = {key: json_value(record.get(key)) for key in STATS}
        columns.append({k: v for k, v in entry.items() if not missing(v)})
    return {
        "rows": profile.rows,
        "column_count": profile.column_count,
        "columns_shown": len(columns),
        "duplicate_rows": profile.duplicate_rows,
        "delimiter": profile.delimiter,
        "has_header": profile.has_header,
        "bad_line_count": profile.bad_line_count,
        "columns": columns,
        "alerts": [alert.as_dict() for alert in profile.alerts[:20]],
        "warnings": profile.warnings[:10],
        "query_hint": "query_data exposes this file as the view `data`.",
    }


def missing(value: Any) -> bool:
    """True for None, NaN and empty lists: fields not worth sending."""
    if value is None or value == []:
        return True
    return isinstance(value, float) and math.isnan(value)


def run(
    args: dict[str, Any],
    ctx: ToolContext,
    *,
    analyse: Callable[[UploadRef], Any] = analysis_for,
) -> ToolOutput:
    """Profile the attached CSV (analysed once, then reused)."""
    upload = ctx.upload(args["upload"], TABLE_KINDS)
    data = {"upload": upload.id, "name": upload.name, **profile_data(analyse(upload))}
    summary = f"{data['rows']:,} rows × {data['column_count']:,} columns"
    return ToolOutput(summary=summary, data=data, view="profile")


TOOL = Tool(
    name="profile_data",
    description=(
        "Profile an attached CSV: row count, each column's type and kind, missing and distinct "
        "counts, min/max/mean/median, top values, and data-quality alerts. No raw rows."
    ),
    parameters=PARAMETERS,
    run=run,
)
