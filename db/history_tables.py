"""The rollup tables of migrations 0004, 0006 and 0008, declared in db.models (read-only for
the app): per user (`rollup`, `latency_rollup`) and summed over users (`*_all`, for admins)."""

from __future__ import annotations

from db.models import interaction_latency_rollup as latency_rollup
from db.models import interaction_latency_rollup_all as latency_rollup_all
from db.models import interaction_rollup as rollup
from db.models import interaction_rollup_all as rollup_all

__all__ = ["latency_rollup", "latency_rollup_all", "rollup", "rollup_all"]
