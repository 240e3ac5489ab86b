"""The rollup tables of migration 0004, declared in db.models (read-only for the app)."""

from __future__ import annotations

from db.models import interaction_latency_rollup as latency_rollup
from db.models import interaction_rollup as rollup

__all__ = ["latency_rollup", "rollup"]
