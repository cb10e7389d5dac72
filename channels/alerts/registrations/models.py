"""The registrations' tables: a registration, and the one-time codes that verify its contact.

Personal fields are stored encrypted; the look-up keys are keyed hashes (``keys``)."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Boolean, Column, DateTime, Enum, ForeignKey, Integer, LargeBinary, String
from werkzeug.security import check_password_hash

from channels.alerts.registrations.keys import OffenderKeys, contact_keys
from channels.storage.database import Base, utcnow
from channels.storage.privacy import Privacy


class RegistrationStatus(str, enum.Enum):
    PENDING = "pending_verification"
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


LIVE = (RegistrationStatus.ACTIVE, RegistrationStatus.PENDING)


class Registration(Base):
    __tablename__ = "registrations"

    id = Column(String(32), primary_key=True)
    registrant = Column(String(64), nullable=False, index=True)
    status = Column(Enum(RegistrationStatus, native_enum=False, length=24), nullable=False)
    relationship = Column(String(16), nullable=False)
    terms_version = Column(String(32), nullable=False)
    offender_name_encrypted = Column(LargeBinary, nullable=False)
    offender_a_number_encrypted = Column(LargeBinary, nullable=True)
    offender_birth_date_encrypted = Column(LargeBinary, nullable=True)
    offender_country = Column(String(2), nullable=True)
    key_a_number = Column(String(64), nullable=True, index=True, info={"keyed": True})
    key_identity = Column(String(64), nullable=True, index=True, info={"keyed": True})
    contact_channel = Column(String(8), nullable=False)
    contact_encrypted = Column(LargeBinary, nullable=False)
    contact_key = Column(String(64), nullable=False, index=True, info={"keyed": True})
    pending_channel = Column(String(8), nullable=True)
    pending_contact_encrypted = Column(LargeBinary, nullable=True)
    pending_contact_key = Column(String(64), nullable=True, info={"keyed": True})
    voicemail_ok = Column(Boolean, nullable=False, default=False)
    discreet = Column(Boolean, nullable=False, default=True)
    language = Column(String(2), nullable=False)
    pin_hash = Column(String(255), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    verified_at = Column(DateTime(timezone=True), nullable=True)
    expires_at = Column(DateTime(timezone=True), nullable=True, index=True)
    reminder_sent_at = Column(DateTime(timezone=True), nullable=True)
    ended_at = Column(DateTime(timezone=True), nullable=True)

    @staticmethod
    def rekey(row: Registration, privacy: Privacy) -> dict[str, str]:
        """Its keyed hashes re-computed under the current hashing key, from what it keeps
        encrypted (``channels.storage.rotate``); an ended registration keeps none."""

        def clear(token: bytes | None) -> str | None:
            return privacy.decrypt(token) if token is not None else None

        offender = OffenderKeys(privacy)
        computed: dict[str, str | None] = {}
        if row.contact_key:
            contact = privacy.decrypt(row.contact_encrypted)
            computed["contact_key"] = contact_keys(privacy, row.contact_channel, contact)[0]
        pending = clear(row.pending_contact_encrypted)
        if row.pending_contact_key and pending is not None:
            channel = row.pending_channel or ""
            computed["pending_contact_key"] = contact_keys(privacy, channel, pending)[0]
        if row.key_a_number:
            computed["key_a_number"] = offender.a_number(clear(row.offender_a_number_encrypted))
        if row.key_identity:
            name, birth = (
                privacy.decrypt(row.offender_name_encrypted),
                clear(row.offender_birth_date_encrypted),
            )
            birth_date = date.fromisoformat(birth) if birth else None
            computed["key_identity"] = offender.identity(name, birth_date, row.offender_country)
        return {column: value for column, value in computed.items() if value}


class VerificationCode(Base):
    __tablename__ = "verification_codes"

    id = Column(Integer, primary_key=True, autoincrement=True)
    registration_id = Column(String(32), ForeignKey("registrations.id"), nullable=False, index=True)
    contact_key = Column(String(64), nullable=False, index=True, info={"keyed": True})
    # Kept encrypted, not hashed: a voice call has to read it out.
    code_encrypted = Column(LargeBinary, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    expires_at = Column(DateTime(timezone=True), nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    used_at = Column(DateTime(timezone=True), nullable=True)


def check_pin(registration: Registration, pin: str) -> bool:
    return check_password_hash(registration.pin_hash, pin)
