"""The History page's view state and its URL form; pure (no Streamlit), so tests call it."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from db.history_filters import MAX_SEARCH_CHARS, Filters
from db.models import STATUSES
from db.text import storable

PRESETS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30),
           "90d": timedelta(days=90), "all": None, "custom": None}
PRESET_LABELS = {"24h": "Last 24 h", "7d": "Last 7 days", "30d": "Last 30 days",
                 "90d": "Last 90 days", "all": "All time", "custom": "Custom range"}
DEFAULT_PRESET = "30d"
SORTS = ("newest", "relevance")
MAX_PAGE = 1_000_000
RANGE_KEYS = ("cost_min", "cost_max", "tokens_min", "tokens_max", "latency_min", "latency_max")


@dataclass(frozen=True)
class View:
    """Everything a History URL can say: the filters (db's one filter state, its dates left
    to the preset and the calendar dates here), the sort and the page."""

    preset: str = DEFAULT_PRESET
    date_from: date | None = None
    date_to: date | None = None
    # What the URL says; whose rows is the page's decision (`filters`), never the URL's.
    criteria: Filters = Filters(user_id=None)
    sort: str = "newest"
    page: int = 1

    def filters(self, now: datetime, *, user_id: int | None) -> Filters:
        """The filter state over `user_id`'s interactions (None: everyone's, for admins) in
        absolute UTC times (presets resolved against `now`)."""
        start = end = None
        if self.preset == "custom":
            if self.date_from is not None:
                start = datetime.combine(self.date_from, time(), UTC)
            if self.date_to is not None:
                end = datetime.combine(self.date_to + timedelta(days=1), time(), UTC)
        elif PRESETS[self.preset] is not None:
            start = now - PRESETS[self.preset]
        return replace(self.criteria, user_id=user_id, start=start, end=end)


def _number(raw: str, *, integer: bool) -> float | int | None:
    """A finite number from URL text, or None."""
    try:
        value = float(raw)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return int(value) if integer else value


def parse(params: Mapping[str, list[str]], *, known_models: list[str]) -> tuple[View, list[str]]:
    """The view a URL asks for, corrected, and a message for each correction made."""
    notes: list[str] = []

    def first(key: str) -> str | None:
        values = params.get(key) or []
        return values[0] if values else None

    preset = first("range") or DEFAULT_PRESET
    if preset not in PRESETS:
        notes.append(f"Unknown date range {preset!r}: showing the last 30 days.")
        preset = DEFAULT_PRESET
    dates: dict[str, date | None] = {"from": None, "to": None}
    for key in dates:
        raw = first(key)
        if raw:
            try:
                dates[key] = date.fromisoformat(raw)
            except ValueError:
                notes.append(f"Ignored the {key!r} date {raw!r}: use YYYY-MM-DD.")
    if dates["from"] and dates["to"] and dates["from"] > dates["to"]:
        dates["from"], dates["to"] = dates["to"], dates["from"]
        notes.append("The start date was after the end date: swapped them.")
    if any(dates.values()) and preset != "custom":
        preset = "custom"

    models = tuple(dict.fromkeys(params.get("model") or []))
    unknown = [m for m in models if m not in known_models]
    if unknown:
        notes.append("No interactions with model(s) " + ", ".join(map(repr, unknown)) +
                     ": filter ignored for them.")
        models = tuple(m for m in models if m in known_models)
    statuses = tuple(dict.fromkeys(params.get("status") or []))
    if any(s not in STATUSES for s in statuses):
        notes.append("Ignored unknown status values; use ok, error, stopped or pending.")
        statuses = tuple(s for s in statuses if s in STATUSES)

    conversation_id = None
    raw = first("conversation")
    if raw:
        try:
            conversation_id = int(raw)
        except ValueError:
            conversation_id = None
        if conversation_id is None or not 0 < conversation_id < 2**63:
            notes.append(f"Ignored the conversation {raw!r}: it is not a conversation id.")
            conversation_id = None

    search = storable(first("q") or "") or ""
    if len(search) > MAX_SEARCH_CHARS:
        search = search[:MAX_SEARCH_CHARS]
        notes.append(f"The search was shortened to its first {MAX_SEARCH_CHARS} characters.")
    search = search.strip()

    sort = first("sort") or "newest"
    if sort not in SORTS:
        notes.append(f"Unknown sort {sort!r}: showing newest first.")
        sort = "newest"

    page = 1
    raw = first("page")
    if raw:
        try:
            page = min(max(1, int(raw)), MAX_PAGE)
        except ValueError:
            notes.append(f"Ignored the page {raw!r}: it is not a number.")

    ranges: dict[str, float | int | None] = {}
    for key in RANGE_KEYS:
        raw = first(key)
        ranges[key] = None
        if raw:
            value = _number(raw, integer=not key.startswith("cost"))
            if value is None or value < 0:
                notes.append(f"Ignored {key.replace('_', ' ')} {raw!r}: "
                             "use a number of zero or more.")
            else:
                ranges[key] = value
    for low, high in (("cost_min", "cost_max"), ("tokens_min", "tokens_max"),
                      ("latency_min", "latency_max")):
        if ranges[low] is not None and ranges[high] is not None and ranges[low] > ranges[high]:
            ranges[low], ranges[high] = ranges[high], ranges[low]
            notes.append(f"The {low.split('_')[0]} range was inverted: swapped its ends.")

    criteria = Filters(user_id=None, models=models, statuses=statuses,
                       conversation_id=conversation_id, search=search, **ranges)
    view = View(preset=preset, date_from=dates["from"], date_to=dates["to"], criteria=criteria,
                sort=sort, page=page)
    return view, notes


def to_params(view: View) -> dict[str, str | list[str]]:
    """The URL query parameters for `view`; defaults are left out to keep links short."""
    params: dict[str, str | list[str]] = {}
    if view.preset != DEFAULT_PRESET:
        params["range"] = view.preset
    if view.preset == "custom":
        if view.date_from:
            params["from"] = view.date_from.isoformat()
        if view.date_to:
            params["to"] = view.date_to.isoformat()
    criteria = view.criteria
    if criteria.models:
        params["model"] = list(criteria.models)
    if criteria.statuses:
        params["status"] = list(criteria.statuses)
    if criteria.conversation_id is not None:
        params["conversation"] = str(criteria.conversation_id)
    if criteria.search:
        params["q"] = criteria.search
    if view.sort != "newest":
        params["sort"] = view.sort
    if view.page > 1:
        params["page"] = str(view.page)
    for key in RANGE_KEYS:
        value = getattr(criteria, key)
        if value is not None:
            params[key] = f"{value:g}" if isinstance(value, float) else str(value)
    return params


def same_filters(a: View, b: View) -> bool:
    """True when two views differ at most in page and sort (so the page number stays)."""
    return replace(a, page=1, sort="newest") == replace(b, page=1, sort="newest")
