"""Accounts: users and API tokens; every row belongs to a user; rollups keyed by user.

Revision ID: 0006_users
Revises: 0004_history

The migration creates the local user (id 1, the only user when MINI_AGENT_AUTH=none) and
gives it every existing row. `user_id` defaults to the local user in the database, so a
writer that does not name a user yet (an older code path, psql) still writes a valid row.
The rollups gain `user_id` as their leading key: a user's History reads only their rows,
an admin's reads every user's and can break them down per user.
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision: str = "0006_users"
down_revision: str | None = "0004_history"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOCAL_EMAIL = "local@mini-agent"
OWNED = ("conversations", "interactions", "uploads", "tool_calls")

APPLY_FUNCTION = """
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
    EXECUTE format($q$
        INSERT INTO interaction_rollup AS r
            (user_id, day, model, status, error_class, n, prompt_tokens, completion_tokens,
             cost_usd, cost_known)
        SELECT user_id, (created_at AT TIME ZONE 'UTC')::date, model, status,
               history_error_class(status, error),
               sum(sign), sum(sign * coalesce(prompt_tokens, 0)),
               sum(sign * coalesce(completion_tokens, 0)),
               coalesce(sum(sign * cost_usd), 0), sum(sign * (cost_usd IS NOT NULL)::int)
        FROM (%s) c
        GROUP BY 1, 2, 3, 4, 5
        HAVING sum(sign) <> 0 OR sum(sign * coalesce(prompt_tokens, 0)) <> 0
            OR sum(sign * coalesce(completion_tokens, 0)) <> 0
            OR sum(sign * (cost_usd IS NOT NULL)::int) <> 0
            OR coalesce(sum(sign * cost_usd), 0) <> 0
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (user_id, day, model, status, error_class) DO UPDATE SET
            n = r.n + excluded.n,
            prompt_tokens = r.prompt_tokens + excluded.prompt_tokens,
            completion_tokens = r.completion_tokens + excluded.completion_tokens,
            cost_usd = r.cost_usd + excluded.cost_usd,
            cost_known = r.cost_known + excluded.cost_known
    $q$, changes);
    EXECUTE format($q$
        INSERT INTO interaction_latency_rollup AS r (user_id, day, model, status, kind, bin, n)
        SELECT user_id, day, model, status, kind, bin, sum(sign)
        FROM (
            SELECT user_id, (created_at AT TIME ZONE 'UTC')::date AS day, model, status,
                   't' AS kind, history_latency_bin(latency_ms) AS bin, sign
            FROM (%1$s) c WHERE latency_ms IS NOT NULL
            UNION ALL
            SELECT user_id, (created_at AT TIME ZONE 'UTC')::date, model, status,
                   'f', history_latency_bin(first_token_ms), sign
            FROM (%1$s) c WHERE first_token_ms IS NOT NULL
        ) b
        GROUP BY 1, 2, 3, 4, 5, 6
        HAVING sum(sign) <> 0
        ORDER BY 1, 2, 3, 4, 5, 6
        ON CONFLICT (user_id, day, model, status, kind, bin) DO UPDATE SET n = r.n + excluded.n
    $q$, changes);
    IF TG_OP <> 'INSERT' THEN
        -- Empty buckets would only slow the charts down.
        DELETE FROM interaction_rollup
        WHERE n = 0 AND day IN (SELECT (created_at AT TIME ZONE 'UTC')::date FROM old_rows);
        DELETE FROM interaction_latency_rollup
        WHERE n = 0 AND day IN (SELECT (created_at AT TIME ZONE 'UTC')::date FROM old_rows);
    END IF;
    RETURN NULL;
END
$fn$;
"""


def _history_migration():  # noqa: ANN202 - a module loaded by path
    """Migration 0004, whose trigger function a downgrade puts back."""
    path = Path(__file__).with_name("0004_history.py")
    spec = importlib.util.spec_from_file_location("history_0004", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
        sa.Column("email", sa.Text, nullable=False, unique=True),
        sa.Column("name", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
    )
    op.execute(f"INSERT INTO users (email, name) VALUES ('{LOCAL_EMAIL}', 'Local user')")
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("token_hash", sa.Text, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )
    for table in OWNED:
        # A constant default: PostgreSQL adds the column without rewriting the table.
        op.execute(f"ALTER TABLE {table} ADD COLUMN user_id integer NOT NULL DEFAULT 1 "
                   f"CONSTRAINT {table}_user_id_fkey REFERENCES users (id) ON DELETE CASCADE")
    op.add_column("interactions", sa.Column("source", sa.Text, nullable=False,
                                            server_default="app"))
    op.add_column("interactions", sa.Column("client", sa.Text))
    op.create_check_constraint("interactions_source_check", "interactions",
                               "source IN ('app', 'api')")
    op.create_index("ix_interactions_user_id_created_at", "interactions",
                    ["user_id", "created_at"])
    op.create_index("ix_interactions_user_id_status_created_at", "interactions",
                    ["user_id", "status", "created_at"])
    op.create_index("ix_conversations_user_id_updated_at", "conversations",
                    ["user_id", "updated_at"])
    op.create_index("ix_uploads_user_id_created_at", "uploads", ["user_id", "created_at"])
    op.create_index("ix_tool_calls_user_id", "tool_calls", ["user_id"])
    for table, key in (
        ("interaction_rollup", "user_id, day, model, status, error_class"),
        ("interaction_latency_rollup", "user_id, day, model, status, kind, bin"),
    ):
        # Every existing row is the local user's, and so is every rollup row.
        op.execute(f"ALTER TABLE {table} ADD COLUMN user_id integer NOT NULL DEFAULT 1")
        op.execute(f"ALTER TABLE {table} ALTER COLUMN user_id DROP DEFAULT")
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_pkey")
        op.execute(f"ALTER TABLE {table} ADD PRIMARY KEY ({key})")
        # An admin's History reads every user's rows of a date range.
        op.execute(f"CREATE INDEX ix_{table}_day ON {table} (day)")
    op.execute(APPLY_FUNCTION)


def downgrade() -> None:
    history = _history_migration()
    apply_function = history.FUNCTIONS.split("CREATE FUNCTION history_rollup_apply()")[1]
    apply_function = apply_function.split("CREATE FUNCTION")[0]
    op.execute("DROP TRIGGER history_rollup_insert ON interactions")
    op.execute("DROP TRIGGER history_rollup_update ON interactions")
    op.execute("DROP TRIGGER history_rollup_delete ON interactions")
    op.execute("DROP TRIGGER history_rollup_truncate ON interactions")
    op.execute("DROP FUNCTION history_rollup_apply()")
    op.execute("DROP TABLE interaction_latency_rollup, interaction_rollup")
    op.execute(f"CREATE FUNCTION history_rollup_apply(){apply_function}")
    op.execute(history.TABLES)
    op.execute(history.TRIGGERS)
    op.execute(history.BACKFILL)
    op.drop_index("ix_tool_calls_user_id", "tool_calls")
    op.drop_index("ix_uploads_user_id_created_at", "uploads")
    op.drop_index("ix_conversations_user_id_updated_at", "conversations")
    op.drop_index("ix_interactions_user_id_status_created_at", "interactions")
    op.drop_index("ix_interactions_user_id_created_at", "interactions")
    op.drop_constraint("interactions_source_check", "interactions")
    op.drop_column("interactions", "client")
    op.drop_column("interactions", "source")
    for table in OWNED:
        op.drop_column(table, "user_id")
    op.drop_table("api_tokens")
    op.drop_table("users")
