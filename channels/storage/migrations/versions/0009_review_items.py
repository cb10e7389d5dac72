"""The review inbox (channels.review): turns the assistant may have misunderstood, de-identified
and encrypted, for the maintainers to label. The console's new ``maintainer`` role needs no
change: roles are stored as names in a 16-character column.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 21:03:14

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REASONS = ("BARELY_SURE", "UNSURE", "FRUSTRATED_AFTER_ANSWER", "UNSURE_TWICE", "SAID_NO", "FLAGGED")
STATUSES = ("NEW", "LABELLED", "NOT_USEFUL", "EXPORTED")


def upgrade() -> None:
    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "reason",
            sa.Enum(*REASONS, name="reviewreason", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("predicted_intent", sa.String(length=64), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("text_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("previous_bot_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(*STATUSES, name="reviewstatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("label_intent", sa.String(length=64), nullable=True),
        sa.Column("edited_text_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("labelled_by", sa.String(length=64), nullable=True),
        sa.Column("labelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("exported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("export_refusal", sa.String(length=300), nullable=True),
        sa.Column("conversation_key", sa.String(length=64), nullable=False),
        sa.Column("text_key", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("review_items") as batch:
        batch.create_index(
            batch.f("ix_review_items_conversation_key"), ["conversation_key"], unique=False
        )
        batch.create_index(batch.f("ix_review_items_created_at"), ["created_at"], unique=False)
        batch.create_index(batch.f("ix_review_items_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("review_items") as batch:
        batch.drop_index(batch.f("ix_review_items_status"))
        batch.drop_index(batch.f("ix_review_items_created_at"))
        batch.drop_index(batch.f("ix_review_items_conversation_key"))
    op.drop_table("review_items")
