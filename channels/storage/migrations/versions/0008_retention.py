"""Retention (channels.storage.retention): per-day message counters that outlive the erased
messages, an index to find old messages, and when a handoff's summary and a custody event's
details were erased.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 17:31:26

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "message_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "channel", "direction"),
    )
    for table in ("custody_events", "handoffs"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("messages") as batch:
        batch.create_index(batch.f("ix_messages_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_index(batch.f("ix_messages_created_at"))
    for table in ("handoffs", "custody_events"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("erased_at")
    op.drop_table("message_counts")
