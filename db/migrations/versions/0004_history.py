"""History: full-text search index, a status index and usage rollups kept by triggers.

Revision ID: 0004_history
Revises: 0003_tool_calls

The rollups hold one row per UTC day, model, status and error class (counts, token and
cost sums) and one row per UTC day, model, status, latency kind and log-spaced latency bin.
Statement-level triggers with transition tables keep them exact for every write, whoever
makes it (the chat, an import, COPY, psql); TRUNCATE empties them.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004_history"
down_revision: str | None = "0003_tool_calls"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Must stay identical to db.history_filters.DOCUMENT_SQL, or searches stop using the index.
DOCUMENT_SQL = (
    "to_tsvector('english'::regconfig, coalesce(prompt, '') || ' ' || coalesce(response, ''))"
)

FUNCTIONS = """
CREATE FUNCTION history_latency_bin(ms integer) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
-- Four bins per doubling: a percentile read from a bin is within about 9% of the truth.
RETURN floor(4 * ln(greatest(ms, 0) + 1.0) / ln(2.0))::smallint;

CREATE FUNCTION history_error_class(status text, error text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
-- The text before ': ' names the error; long or missing prefixes are grouped.
RETURN CASE
    WHEN status <> 'error' THEN ''
    WHEN error IS NULL OR position(': ' IN error) = 0 THEN 'Other'
    WHEN position(': ' IN error) > 61 THEN 'Other'
    ELSE split_part(error, ': ', 1)
END;

CREATE FUNCTION history_rollup_apply() RETURNS trigger
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
            (day, model, status, error_class, n, prompt_tokens, completion_tokens,
             cost_usd, cost_known)
        SELECT (created_at AT TIME ZONE 'UTC')::date, model, status,
               history_error_class(status, error),
               sum(sign), sum(sign * coalesce(prompt_tokens, 0)),
               sum(sign * coalesce(completion_tokens, 0)),
               coalesce(sum(sign * cost_usd), 0), sum(sign * (cost_usd IS NOT NULL)::int)
        FROM (%s) c
        GROUP BY 1, 2, 3, 4
        HAVING sum(sign) <> 0 OR sum(sign * coalesce(prompt_tokens, 0)) <> 0
            OR sum(sign * coalesce(completion_tokens, 0)) <> 0
            OR sum(sign * (cost_usd IS NOT NULL)::int) <> 0
            OR coalesce(sum(sign * cost_usd), 0) <> 0
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (day, model, status, error_class) DO UPDATE SET
            n = r.n + excluded.n,
            prompt_tokens = r.prompt_tokens + excluded.prompt_tokens,
            completion_tokens = r.completion_tokens + excluded.completion_tokens,
            cost_usd = r.cost_usd + excluded.cost_usd,
            cost_known = r.cost_known + excluded.cost_known
    $q$, changes);
    EXECUTE format($q$
        INSERT INTO interaction_latency_rollup AS r (day, model, status, kind, bin, n)
        SELECT day, model, status, kind, bin, sum(sign)
        FROM (
            SELECT (created_at AT TIME ZONE 'UTC')::date AS day, model, status,
                   't' AS kind, history_latency_bin(latency_ms) AS bin, sign
            FROM (%1$s) c WHERE latency_ms IS NOT NULL
            UNION ALL
            SELECT (created_at AT TIME ZONE 'UTC')::date, model, status,
                   'f', history_latency_bin(first_token_ms), sign
            FROM (%1$s) c WHERE first_token_ms IS NOT NULL
        ) b
        GROUP BY 1, 2, 3, 4, 5
        HAVING sum(sign) <> 0
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (day, model, status, kind, bin) DO UPDATE SET n = r.n + excluded.n
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

CREATE FUNCTION history_rollup_truncate() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    TRUNCATE interaction_rollup, interaction_latency_rollup;
    RETURN NULL;
END
$fn$;
"""

TABLES = """
CREATE TABLE interaction_rollup (
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

CREATE TABLE interaction_latency_rollup (
    day date NOT NULL,
    model text NOT NULL,
    status text NOT NULL,
    kind "char" NOT NULL,
    bin smallint NOT NULL,
    n bigint NOT NULL,
    PRIMARY KEY (day, model, status, kind, bin)
);
"""

TRIGGERS = """
CREATE TRIGGER history_rollup_insert AFTER INSERT ON interactions
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION history_rollup_apply();
CREATE TRIGGER history_rollup_update AFTER UPDATE ON interactions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION history_rollup_apply();
CREATE TRIGGER history_rollup_delete AFTER DELETE ON interactions
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION history_rollup_apply();
CREATE TRIGGER history_rollup_truncate AFTER TRUNCATE ON interactions
    FOR EACH STATEMENT EXECUTE FUNCTION history_rollup_truncate();
"""

BACKFILL = """
INSERT INTO interaction_rollup
SELECT (created_at AT TIME ZONE 'UTC')::date, model, status, history_error_class(status, error),
       count(*), sum(coalesce(prompt_tokens, 0)), sum(coalesce(completion_tokens, 0)),
       coalesce(sum(cost_usd), 0), count(cost_usd)
FROM interactions GROUP BY 1, 2, 3, 4;

INSERT INTO interaction_latency_rollup
SELECT day, model, status, kind, bin, count(*)
FROM (
    SELECT (created_at AT TIME ZONE 'UTC')::date AS day, model, status, 't' AS kind,
           history_latency_bin(latency_ms) AS bin
    FROM interactions WHERE latency_ms IS NOT NULL
    UNION ALL
    SELECT (created_at AT TIME ZONE 'UTC')::date, model, status, 'f',
           history_latency_bin(first_token_ms)
    FROM interactions WHERE first_token_ms IS NOT NULL
) b
GROUP BY 1, 2, 3, 4, 5;
"""


def upgrade() -> None:
    op.execute(f"CREATE INDEX ix_interactions_fts ON interactions USING gin (({DOCUMENT_SQL}))")
    # Rare statuses (pending, error) would otherwise walk the whole created_at index.
    op.execute("CREATE INDEX ix_interactions_status_created_at ON interactions "
               "(status, created_at)")
    op.execute(FUNCTIONS)
    op.execute(TABLES)
    op.execute(TRIGGERS)
    op.execute(BACKFILL)


def downgrade() -> None:
    op.execute("DROP TRIGGER history_rollup_insert ON interactions")
    op.execute("DROP TRIGGER history_rollup_update ON interactions")
    op.execute("DROP TRIGGER history_rollup_delete ON interactions")
    op.execute("DROP TRIGGER history_rollup_truncate ON interactions")
    op.execute("DROP TABLE interaction_latency_rollup, interaction_rollup")
    op.execute("DROP FUNCTION history_rollup_apply(), history_rollup_truncate(), "
               "history_latency_bin(integer), history_error_class(text, text)")
    op.execute("DROP INDEX ix_interactions_status_created_at")
    op.execute("DROP INDEX ix_interactions_fts")
