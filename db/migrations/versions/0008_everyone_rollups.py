"""Rollups over every user beside the per-user ones, so an admin's History stays fast.

Revision ID: 0008_everyone_rollups
Revises: 0005_turns

Keyed by user (0006), the rollups grow with the number of users: an admin looking at
everyone's month read every user's rows of it. `interaction_rollup_all` and
`interaction_latency_rollup_all` hold the same figures summed over users (the shape of
0004's tables), kept by the same statement-level trigger function.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008_everyone_rollups"
down_revision: str | None = "0005_turns"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

def _counts(table: str, owner: str) -> str:
    """The upsert of one statement's count deltas into `table`, keyed by `owner` first."""
    keys = owner + "day, model, status, error_class"
    positions = ", ".join(str(i + 1) for i in range(keys.count(",") + 1))
    return f"""
    EXECUTE format($q$
        INSERT INTO {table} AS r
            ({keys}, n, prompt_tokens, completion_tokens, cost_usd, cost_known)
        SELECT {owner}(created_at AT TIME ZONE 'UTC')::date, model, status,
               history_error_class(status, error),
               sum(sign), sum(sign * coalesce(prompt_tokens, 0)),
               sum(sign * coalesce(completion_tokens, 0)),
               coalesce(sum(sign * cost_usd), 0), sum(sign * (cost_usd IS NOT NULL)::int)
        FROM (%s) c
        GROUP BY {positions}
        HAVING sum(sign) <> 0 OR sum(sign * coalesce(prompt_tokens, 0)) <> 0
            OR sum(sign * coalesce(completion_tokens, 0)) <> 0
            OR sum(sign * (cost_usd IS NOT NULL)::int) <> 0
            OR coalesce(sum(sign * cost_usd), 0) <> 0
        ORDER BY {positions}
        ON CONFLICT ({keys}) DO UPDATE SET
            n = r.n + excluded.n,
            prompt_tokens = r.prompt_tokens + excluded.prompt_tokens,
            completion_tokens = r.completion_tokens + excluded.completion_tokens,
            cost_usd = r.cost_usd + excluded.cost_usd,
            cost_known = r.cost_known + excluded.cost_known
    $q$, changes);"""


def _latencies(table: str, owner: str) -> str:
    """The upsert of one statement's latency-bin deltas into `table`."""
    keys = owner + "day, model, status, kind, bin"
    return f"""
    EXECUTE format($q$
        INSERT INTO {table} AS r ({keys}, n)
        SELECT {keys}, sum(sign)
        FROM (
            SELECT {owner}(created_at AT TIME ZONE 'UTC')::date AS day, model, status,
                   't' AS kind, history_latency_bin(latency_ms) AS bin, sign
            FROM (%1$s) c WHERE latency_ms IS NOT NULL
            UNION ALL
            SELECT {owner}(created_at AT TIME ZONE 'UTC')::date, model, status,
                   'f', history_latency_bin(first_token_ms), sign
            FROM (%1$s) c WHERE first_token_ms IS NOT NULL
        ) b
        GROUP BY {keys}
        HAVING sum(sign) <> 0
        ORDER BY {keys}
        ON CONFLICT ({keys}) DO UPDATE SET n = r.n + excluded.n
    $q$, changes);"""


def apply_function(everyone: bool) -> str:
    """history_rollup_apply(): the per-user rollups, and with `everyone` the all-users ones."""
    upserts = _counts("interaction_rollup", "user_id, ") + _latencies(
        "interaction_latency_rollup", "user_id, ")
    tables = ["interaction_rollup", "interaction_latency_rollup"]
    if everyone:
        upserts += _counts("interaction_rollup_all", "") + _latencies(
            "interaction_latency_rollup_all", "")
        tables += ["interaction_rollup_all", "interaction_latency_rollup_all"]
    cleanup = "".join(
        f"""
        DELETE FROM {table}
        WHERE n = 0 AND day IN (SELECT (created_at AT TIME ZONE 'UTC')::date FROM old_rows);"""
        for table in tables)
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


def truncate_function(everyone: bool) -> str:
    extra = ", interaction_rollup_all, interaction_latency_rollup_all" if everyone else ""
    return f"""
CREATE OR REPLACE FUNCTION history_rollup_truncate() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    TRUNCATE interaction_rollup, interaction_latency_rollup{extra};
    RETURN NULL;
END
$fn$;
"""


TABLES = """
CREATE TABLE interaction_rollup_all (
    day date NOT NULL,
    model text NOT NULL,
    status text NOT NULL,
    error_class text NOT NULL,
    n bigint NOT NULL,
    prompt_tokens bigint NOT NULL,
    completion_tokens bigint NOT NULL,
    cost_usd double precision NOT NULL,
    cost_known bigint NOT NULL,
    PRIMARY KEY (day, model, status, error_class)
);

CREATE TABLE interaction_latency_rollup_all (
    day date NOT NULL,
    model text NOT NULL,
    status text NOT NULL,
    kind "char" NOT NULL,
    bin smallint NOT NULL,
    n bigint NOT NULL,
    PRIMARY KEY (day, model, status, kind, bin)
);

INSERT INTO interaction_rollup_all
SELECT day, model, status, error_class, sum(n), sum(prompt_tokens), sum(completion_tokens),
       sum(cost_usd), sum(cost_known)
FROM interaction_rollup GROUP BY 1, 2, 3, 4;

INSERT INTO interaction_latency_rollup_all
SELECT day, model, status, kind, bin, sum(n) FROM interaction_latency_rollup
GROUP BY 1, 2, 3, 4, 5;
"""


def upgrade() -> None:
    op.execute(TABLES)
    op.execute(apply_function(everyone=True))
    op.execute(truncate_function(everyone=True))


def downgrade() -> None:
    op.execute(apply_function(everyone=False))
    op.execute(truncate_function(everyone=False))
    op.execute("DROP TABLE interaction_latency_rollup_all, interaction_rollup_all")
