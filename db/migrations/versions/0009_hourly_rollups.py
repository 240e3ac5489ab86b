"""Hourly rollups, so an admin's History reads no raw day at the range's edges.

Revision ID: 0009_hourly_rollups
Revises: 0008_everyone_rollups

The daily rollups answer whole UTC days; the partial day at a range's start (and end) was
read from raw rows: a user's are few, but everyone's at 10M interactions are ~100k a day,
read again by each of the page's queries. `interaction_rollup_hourly_all` and
`interaction_latency_rollup_hourly_all` hold everyone's figures per UTC hour (`hour` is the
hour's start, UTC, without time zone), and `interaction_rollup_hourly` the counts per user
and hour (for the admin's per-user table), kept by the same statement-level trigger, so only
the partial hours at a range's ends are read raw.
"""

import importlib
import re
from collections.abc import Sequence

from alembic import op

revision: str = "0009_hourly_rollups"
down_revision: str | None = "0008_everyone_rollups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

previous = importlib.import_module("db.migrations.versions.0008_everyone_rollups")

HOURLY_TABLES = ("interaction_rollup_hourly_all", "interaction_latency_rollup_hourly_all",
                 "interaction_rollup_hourly")

TABLES = """
CREATE TABLE interaction_rollup_hourly_all (
    hour timestamp NOT NULL,
    model text NOT NULL,
    status text NOT NULL,
    error_class text NOT NULL,
    n bigint NOT NULL,
    prompt_tokens bigint NOT NULL,
    completion_tokens bigint NOT NULL,
    cost_usd double precision NOT NULL,
    cost_known bigint NOT NULL,
    PRIMARY KEY (hour, model, status, error_class)
);

CREATE TABLE interaction_rollup_hourly (
    user_id integer NOT NULL,
    hour timestamp NOT NULL,
    model text NOT NULL,
    status text NOT NULL,
    error_class text NOT NULL,
    n bigint NOT NULL,
    prompt_tokens bigint NOT NULL,
    completion_tokens bigint NOT NULL,
    cost_usd double precision NOT NULL,
    cost_known bigint NOT NULL,
    PRIMARY KEY (user_id, hour, model, status, error_class)
);
CREATE INDEX ix_interaction_rollup_hourly_hour ON interaction_rollup_hourly (hour);

CREATE TABLE interaction_latency_rollup_hourly_all (
    hour timestamp NOT NULL,
    model text NOT NULL,
    status text NOT NULL,
    kind "char" NOT NULL,
    bin smallint NOT NULL,
    n bigint NOT NULL,
    PRIMARY KEY (hour, model, status, kind, bin)
);

INSERT INTO interaction_rollup_hourly_all
SELECT date_trunc('hour', created_at AT TIME ZONE 'UTC'), model, status,
       history_error_class(status, error), count(*), sum(coalesce(prompt_tokens, 0)),
       sum(coalesce(completion_tokens, 0)), coalesce(sum(cost_usd), 0), count(cost_usd)
FROM interactions GROUP BY 1, 2, 3, 4;

INSERT INTO interaction_rollup_hourly
SELECT user_id, date_trunc('hour', created_at AT TIME ZONE 'UTC'), model, status,
       history_error_class(status, error), count(*), sum(coalesce(prompt_tokens, 0)),
       sum(coalesce(completion_tokens, 0)), coalesce(sum(cost_usd), 0), count(cost_usd)
FROM interactions GROUP BY 1, 2, 3, 4, 5;

INSERT INTO interaction_latency_rollup_hourly_all
SELECT hour, model, status, kind, bin, count(*) FROM (
    SELECT date_trunc('hour', created_at AT TIME ZONE 'UTC') AS hour, model, status,
           't'::"char" AS kind, history_latency_bin(latency_ms) AS bin
    FROM interactions WHERE latency_ms IS NOT NULL
    UNION ALL
    SELECT date_trunc('hour', created_at AT TIME ZONE 'UTC'), model, status, 'f',
           history_latency_bin(first_token_ms)
    FROM interactions WHERE first_token_ms IS NOT NULL
) b GROUP BY 1, 2, 3, 4, 5;
"""


def hourly(sql: str, table: str) -> str:
    """0008's upsert into a daily all-users table, made hourly into `table`."""
    sql = re.sub(r"INSERT INTO \w+ AS r", f"INSERT INTO {table} AS r", sql)
    sql = sql.replace("(created_at AT TIME ZONE 'UTC')::date",
                      "date_trunc('hour', created_at AT TIME ZONE 'UTC')")
    return re.sub(r"(\(|\(user_id, |SELECT |AS |GROUP BY |ORDER BY )day,", r"\1hour,", sql)


def apply_function() -> str:
    """history_rollup_apply(): 0008's upserts and cleanups, plus the hourly all-users ones."""
    upserts = (previous._counts("interaction_rollup", "user_id, ")
               + previous._latencies("interaction_latency_rollup", "user_id, ")
               + previous._counts("interaction_rollup_all", "")
               + previous._latencies("interaction_latency_rollup_all", "")
               + hourly(previous._counts("interaction_rollup_all", ""), HOURLY_TABLES[0])
               + hourly(previous._latencies("interaction_latency_rollup_all", ""),
                        HOURLY_TABLES[1])
               + hourly(previous._counts("interaction_rollup", "user_id, "), HOURLY_TABLES[2]))
    daily = ["interaction_rollup", "interaction_latency_rollup", "interaction_rollup_all",
             "interaction_latency_rollup_all"]
    cleanup = "".join(f"""
        DELETE FROM {table}
        WHERE n = 0 AND day IN (SELECT (created_at AT TIME ZONE 'UTC')::date FROM old_rows);"""
                      for table in daily)
    cleanup += "".join(f"""
        DELETE FROM {table} WHERE n = 0 AND hour IN (
            SELECT date_trunc('hour', created_at AT TIME ZONE 'UTC') FROM old_rows);"""
                       for table in HOURLY_TABLES)
    return f"""
CREATE OR REPLACE FUNCTION history_rollup_apply() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
    changes text;
BEGIN
    -- One aggregated delta per statement: fast for COPY, correct for UPDATEs that move a
    -- row between buckets (pending -> ok), cancelled out for UPDATEs that change nothing.
    IF TG_OP = 'INSERT' THEN
        changes := 'SELECT 1 AS sign, * FROM new_rows';
    ELSIF TG_OP = 'DELETE' THEN
        changes := 'SELECT -1 AS sign, * FROM old_rows';
    ELSE
        changes := 'SELECT -1 AS sign, * FROM old_rows UNION ALL SELECT 1, * FROM new_rows';
    END IF;
    {upserts}
    IF TG_OP <> 'INSERT' THEN
        -- Empty buckets would only slow the charts down.{cleanup}
    END IF;
    RETURN NULL;
END
$fn$;
"""


TRUNCATE_FUNCTION = """
CREATE OR REPLACE FUNCTION history_rollup_truncate() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    TRUNCATE interaction_rollup, interaction_latency_rollup, interaction_rollup_all,
        interaction_latency_rollup_all, interaction_rollup_hourly_all,
        interaction_latency_rollup_hourly_all, interaction_rollup_hourly;
    RETURN NULL;
END
$fn$;
"""


def upgrade() -> None:
    op.execute(TABLES)
    op.execute(apply_function())
    op.execute(TRUNCATE_FUNCTION)


def downgrade() -> None:
    op.execute(previous.apply_function(everyone=True))
    op.execute(previous.truncate_function(everyone=True))
    op.execute("DROP TABLE interaction_latency_rollup_hourly_all, interaction_rollup_hourly_all, "
               "interaction_rollup_hourly")
