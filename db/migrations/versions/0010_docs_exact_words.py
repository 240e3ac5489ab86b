"""Docs: a second search vector of the words as written (no stemming), with its GIN index.

Revision ID: 0010_docs_exact_words
Revises: 0009_hourly_rollups

The English stemmer folds rare technical words into common lexemes ("specifier", "specific",
"specified" -> `specifi`), so a rare word of a question no longer selects the objects that
use it. `tsv_exact` holds the same text, weighted the same way, under the `simple`
configuration; searches use it for a word whose written form is rare. The document
frequencies of those forms go to `doc_terms` as `=word` (stemmed lexemes never hold `=`).
Existing rows get the column at once; their frequencies arrive with their next re-index.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010_docs_exact_words"
down_revision: str | None = "0009_hourly_rollups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DOC_EXACT_TSV_SQL = (
    "setweight(to_tsvector('simple'::regconfig, split_part(words, '|', 1)), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, split_part(words, '|', 2)), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, "
    "translate(split_part(doc, E'\\n\\n', 1), '.', ' ')), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, "
    "translate(substr(doc, length(split_part(doc, E'\\n\\n', 1)) + 1), '.', ' ') || ' ' || "
    "translate(signature, '.', ' ')), 'C')"
)


def upgrade() -> None:
    op.execute(f"ALTER TABLE doc_objects ADD COLUMN tsv_exact tsvector "
               f"GENERATED ALWAYS AS ({DOC_EXACT_TSV_SQL}) STORED")
    op.create_index("ix_doc_objects_tsv_exact", "doc_objects", ["tsv_exact"],
                    postgresql_using="gin")


def downgrade() -> None:
    op.drop_index("ix_doc_objects_tsv_exact", table_name="doc_objects")
    op.drop_column("doc_objects", "tsv_exact")
