"""The rollup tables of migrations 0004, 0006, 0008 and 0009, declared in db.models (read-only
for the app): per user (`rollup`, `latency_rollup`), summed over users (`*_all`, for admins),
summed over users per UTC hour (`*_hourly_all`) and per user and hour (`rollup_hourly`)."""

from __future__ import annotations

from db.models import interaction_latency_rollup as latency_rollup
from db.models import interaction_latency_rollup_all as latency_rollup_all
from db.models import interaction_latency_rollup_hourly_all as latency_rollup_hourly_all
from db.models import interaction_rollup as rollup
from db.models import interaction_rollup_all as rollup_all
from db.models import interaction_rollup_hourly as rollup_hourly
from db.models import interaction_rollup_hourly_all as rollup_hourly_all

__all__ = ["latency_rollup", "latency_rollup_all", "latency_rollup_hourly_all", "rollup",
           "rollup_all", "rollup_hourly", "rollup_hourly_all"]
