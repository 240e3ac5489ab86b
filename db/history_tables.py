"""The rollup tables (migrations 0004, 0006, 0008) as Core tables: the app reads, triggers write.

Per user (`rollup`, `latency_rollup`) and summed over users (`*_all`, for admins).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Float,
    Integer,
    MetaData,
    SmallInteger,
    Table,
    Text,
)

metadata = MetaData()

rollup = Table(
    "interaction_rollup",
    metadata,
    Column("user_id", Integer, primary_key=True),
    Column("day", Date, primary_key=True),
    Column("model", Text, primary_key=True),
    Column("status", Text, primary_key=True),
    Column("error_class", Text, primary_key=True),
    Column("n", BigInteger),
    Column("prompt_tokens", BigInteger),
    Column("completion_tokens", BigInteger),
    Column("cost_usd", Float),
    Column("cost_known", BigInteger),
)

latency_rollup = Table(
    "interaction_latency_rollup",
    metadata,
    Column("user_id", Integer, primary_key=True),
    Column("day", Date, primary_key=True),
    Column("model", Text, primary_key=True),
    Column("status", Text, primary_key=True),
    Column("kind", Text, primary_key=True),  # "char" in SQL: 't' total, 'f' first token
    Column("bin", SmallInteger, primary_key=True),
    Column("n", BigInteger),
)

rollup_all = Table(
    "interaction_rollup_all",
    metadata,
    *(Column(c.name, c.type, primary_key=c.primary_key) for c in rollup.c if c.name != "user_id"),
)

latency_rollup_all = Table(
    "interaction_latency_rollup_all",
    metadata,
    *(Column(c.name, c.type, primary_key=c.primary_key)
      for c in latency_rollup.c if c.name != "user_id"),
)
