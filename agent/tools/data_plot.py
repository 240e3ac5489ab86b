"""Tool: chart the result of a SELECT over an attached CSV; the figure is built by the page."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from agent.tools.base import Tool, ToolContext, ToolFailed, ToolOutput
from agent.tools.data_query import TABLE_KINDS, describe, run_query

KINDS = ("bar", "line", "scatter", "histogram", "pie")
# Enough points for any chart a person reads; the model aggregates in SQL for more.
MAX_POINTS = 5_000
# The model learns the chart was drawn and sees its first points, not all of them.
MODEL_ROWS = 20

PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "upload": {"type": "integer", "description": "The id of an attached CSV upload."},
        "sql": {
            "type": "string",
            "description": "One SELECT over the view `data` giving the columns to plot.",
        },
        "kind": {"type": "string", "enum": list(KINDS)},
        "x": {"type": "string", "description": "The result column for the x axis (pie: names)."},
        "y": {
            "type": "string",
            "description": "The result column for the y axis (pie: values; unused by histogram).",
        },
        "title": {"type": "string"},
    },
    "required": ["upload", "sql", "kind", "x"],
    "additionalProperties": False,
}


def build_figure(
    frame: pd.DataFrame, kind: str, x: str, y: str | None = None, title: str | None = None
) -> go.Figure:
    """A plotly figure of `frame`; ValueError when the columns do not fit the kind."""
    if kind not in KINDS:
        raise ValueError(f"Unknown chart kind {kind!r}; use one of {', '.join(KINDS)}.")
    needed = [x] if kind == "histogram" else [x, y]
    absent = [c for c in needed if not c or c not in frame.columns]
    if absent:
        shown = ", ".join(map(str, frame.columns))
        raise ValueError(f"The result has no column {absent[0]!r} (columns: {shown}).")
    if kind == "bar":
        figure = px.bar(frame, x=x, y=y, title=title)
    elif kind == "line":
        figure = px.line(frame, x=x, y=y, title=title)
    elif kind == "scatter":
        figure = px.scatter(frame, x=x, y=y, title=title)
    elif kind == "histogram":
        figure = px.histogram(frame, x=x, title=title)
    else:
        figure = px.pie(frame, names=x, values=y, title=title)
    return figure


def figure_from_data(data: dict[str, Any]) -> go.Figure:
    """The figure of a stored plot result (the page redraws charts of past turns from it)."""
    frame = pd.DataFrame(data["rows"], columns=data["columns"])
    return build_figure(frame, data["kind"], data["x"], data.get("y"), data.get("title"))


def run(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
    """Run the SELECT, check the chart can be drawn, return its data for the page to draw."""
    upload = ctx.upload(args["upload"], TABLE_KINDS)
    assert upload.path is not None  # ctx.upload checked it
    result = run_query(upload.path, args["sql"], max_rows=MAX_POINTS,
                       timeout_s=ctx.query_timeout_s, mode=ctx.sandbox_mode)
    data = {
        "kind": args["kind"], "x": args["x"], "y": args.get("y"), "title": args.get("title"),
        "columns": result.columns, "rows": result.rows,
        "total_rows": result.total_rows, "truncated": result.truncated,
    }
    try:
        figure_from_data(data)
    except ValueError as exc:
        raise ToolFailed(str(exc)) from exc
    summary = f"{args['kind']} chart · {describe(result)}"
    seen = {"chart": "drawn for the user", "kind": args["kind"], "points": len(result.rows),
            "total_rows": result.total_rows, "first_rows": result.rows[:MODEL_ROWS],
            "columns": result.columns}
    return ToolOutput(summary=summary, data=data, view="chart", for_model=seen)


TOOL = Tool(
    name="plot",
    description=(
        "Draw a chart for the user from one SELECT over an attached CSV (view `data`): "
        "kind is bar, line, scatter, histogram or pie; x and y name result columns. "
        "Aggregate in SQL; up to 5,000 points are drawn."
    ),
    parameters=PARAMETERS,
    run=run,
)
