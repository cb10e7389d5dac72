"""A text finds its conversation by the phone's keyed hash (``conversations.address_key``), no
longer by the conversation's id: the id stays fixed while a hashing-key rotation re-computes
the hash (channels.storage.rotate).

Until now an SMS conversation's id was that hash, so it is copied over; a call's conversation
is found by its call, not by a phone, and has none.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 17:40:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("address_key", sa.String(length=64), nullable=True))
    op.execute("UPDATE conversations SET address_key = id WHERE channel = 'sms'")
    op.create_index(
        op.f("ix_conversations_address_key"), "conversations", ["address_key"], unique=True
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_conversations_address_key"), table_name="conversations")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("address_key")
