"""Voice calls: one row per hotline call (channels.voice_calls).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 10:22:56.695084

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "voice_calls",
        sa.Column("conversation_id", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("turn", sa.Integer(), nullable=False),
        sa.Column("silences", sa.Integer(), nullable=False),
        sa.Column("expecting", sa.String(length=32), nullable=True),
        sa.Column("prompt_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("heard_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("result_turn", sa.Integer(), nullable=True),
        sa.Column("result_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("handoff_id", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
        ),
        sa.PrimaryKeyConstraint("conversation_id"),
    )


def downgrade() -> None:
    op.drop_table("voice_calls")
