"""Registrations, verification codes, custody events, notifications, delivery attempts, outbox.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 07:18:15.398956

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "custody_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "RELEASE",
                "TRANSFER",
                "REMOVAL",
                "ESCAPE",
                "DEATH",
                "RETURN_TO_CUSTODY",
                name="eventtype",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("key_a_number", sa.String(length=64), nullable=True),
        sa.Column("key_identity", sa.String(length=64), nullable=True),
        sa.Column("details_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("matched", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    with op.batch_alter_table("custody_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_custody_events_key_a_number"), ["key_a_number"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_custody_events_key_identity"), ["key_identity"], unique=False
        )

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sid", sa.String(length=34), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("to_key", sa.String(length=64), nullable=False),
        sa.Column("to_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("body_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("subject_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("voice_url", sa.Text(), nullable=False),
        sa.Column("reference", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sid"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_to_key"), ["to_key"], unique=False)

    op.create_table(
        "registrations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("registrant", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "PENDING",
                "ACTIVE",
                "WITHDRAWN",
                "EXPIRED",
                name="registrationstatus",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("relationship", sa.String(length=16), nullable=False),
        sa.Column("terms_version", sa.String(length=32), nullable=False),
        sa.Column("offender_name_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("offender_a_number_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("offender_birth_date_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("offender_country", sa.String(length=2), nullable=True),
        sa.Column("key_a_number", sa.String(length=64), nullable=True),
        sa.Column("key_identity", sa.String(length=64), nullable=True),
        sa.Column("contact_channel", sa.String(length=8), nullable=False),
        sa.Column("contact_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("contact_key", sa.String(length=64), nullable=False),
        sa.Column("pending_channel", sa.String(length=8), nullable=True),
        sa.Column("pending_contact_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("pending_contact_key", sa.String(length=64), nullable=True),
        sa.Column("voicemail_ok", sa.Boolean(), nullable=False),
        sa.Column("discreet", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("pin_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminder_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registrations_contact_key"), ["contact_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_registrations_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_registrations_key_a_number"), ["key_a_number"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_registrations_key_identity"), ["key_identity"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_registrations_registrant"), ["registrant"], unique=False
        )

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_pk", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("contact_key", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "PENDING",
                "SENDING",
                "SENT",
                "CONFIRMED",
                "FAILED",
                "EXPIRED",
                name="notificationstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim", sa.String(length=32), nullable=True),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_pk"],
            ["custody_events.id"],
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_pk", "registration_id", name="uq_notification_once"),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notifications_claim"), ["claim"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_notifications_contact_key"), ["contact_key"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_notifications_event_pk"), ["event_pk"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_notifications_next_attempt_at"), ["next_attempt_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_notifications_registration_id"), ["registration_id"], unique=False
        )

    op.create_table(
        "verification_codes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("registration_id", sa.String(length=32), nullable=False),
        sa.Column("contact_key", sa.String(length=64), nullable=False),
        sa.Column("code_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("verification_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_verification_codes_contact_key"), ["contact_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_verification_codes_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_verification_codes_registration_id"), ["registration_id"], unique=False
        )

    op.create_table(
        "delivery_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("provider_sid", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("provider_sid"),
    )
    with op.batch_alter_table("delivery_attempts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_delivery_attempts_notification_id"), ["notification_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("delivery_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_attempts_notification_id"))

    op.drop_table("delivery_attempts")
    with op.batch_alter_table("verification_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_verification_codes_registration_id"))
        batch_op.drop_index(batch_op.f("ix_verification_codes_created_at"))
        batch_op.drop_index(batch_op.f("ix_verification_codes_contact_key"))

    op.drop_table("verification_codes")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_registration_id"))
        batch_op.drop_index(batch_op.f("ix_notifications_next_attempt_at"))
        batch_op.drop_index(batch_op.f("ix_notifications_event_pk"))
        batch_op.drop_index(batch_op.f("ix_notifications_contact_key"))
        batch_op.drop_index(batch_op.f("ix_notifications_claim"))

    op.drop_table("notifications")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registrations_registrant"))
        batch_op.drop_index(batch_op.f("ix_registrations_key_identity"))
        batch_op.drop_index(batch_op.f("ix_registrations_key_a_number"))
        batch_op.drop_index(batch_op.f("ix_registrations_expires_at"))
        batch_op.drop_index(batch_op.f("ix_registrations_contact_key"))

    op.drop_table("registrations")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_to_key"))

    op.drop_table("outbox")
    with op.batch_alter_table("custody_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_custody_events_key_identity"))
        batch_op.drop_index(batch_op.f("ix_custody_events_key_a_number"))

    op.drop_table("custody_events")
