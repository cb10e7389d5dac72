"""Console users (specialists, supervisors) and failed logins for the throttle.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 09:11:53.259014

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "console_login_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_key", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("console_login_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_console_login_failures_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_console_login_failures_user_key"), ["user_key"], unique=False
        )

    op.create_table(
        "specialists",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column(
            "role",
            sa.Enum("SPECIALIST", "SUPERVISOR", name="role", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )


def downgrade() -> None:
    op.drop_table("specialists")
    with op.batch_alter_table("console_login_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_console_login_failures_user_key"))
        batch_op.drop_index(batch_op.f("ix_console_login_failures_at"))

    op.drop_table("console_login_failures")
