"""Turns that outlive the page: owner and heartbeat, attempts of one turn, hidden turns,
and the conversation's model and preset.

Revision ID: 0005_turns
Revises: 0007_docs
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_turns"
down_revision: str | None = "0007_docs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("conversations", sa.Column("model", sa.Text(), nullable=True))
    op.add_column("conversations", sa.Column("preset", sa.Text(), nullable=True))
    op.add_column("interactions", sa.Column("owner", sa.Text(), nullable=True))
    op.add_column("interactions",
                  sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("interactions", sa.Column(
        "turn_of", sa.BigInteger(),
        sa.ForeignKey("interactions.id", ondelete="CASCADE",
                      name="interactions_turn_of_fkey"),
        nullable=True))
    op.add_column("interactions", sa.Column("hidden", sa.Boolean(), nullable=False,
                                            server_default=sa.false()))
    op.create_index("ix_interactions_turn_of", "interactions", ["turn_of"])


def downgrade() -> None:
    op.drop_index("ix_interactions_turn_of", table_name="interactions")
    for column in ("hidden", "turn_of", "heartbeat_at", "owner"):
        op.drop_column("interactions", column)
    op.drop_column("conversations", "preset")
    op.drop_column("conversations", "model")
