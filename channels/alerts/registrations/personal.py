"""What a registration holds of people: their data written encrypted, read back (the offender
for an alert, hints only for the registrant and the API), and erased when it ends."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from channels.alerts.registrations.models import Registration, RegistrationStatus, VerificationCode
from channels.alerts.registrations.parsing import Offender, hint
from channels.storage.database import as_utc
from channels.storage.privacy import Privacy
from formats.names import name_initials


class PersonalData:
    """The personal-data half of ``RegistrationService`` (which sets ``privacy``)."""

    privacy: Privacy

    def summary(self, registration: Registration) -> dict[str, Any]:
        """What the registrant and the API may see: hints, never the full personal data."""
        contact = self.privacy.decrypt(registration.contact_encrypted)
        result: dict[str, Any] = {
            "id": registration.id,
            "status": registration.status.value,
            "offender_hint": name_initials(
                self.privacy.decrypt(registration.offender_name_encrypted)
            ),
            "channel": registration.contact_channel,
            "contact_hint": hint(registration.contact_channel, contact),
            "language": registration.language,
            "created_at": _iso(registration.created_at),
            "expires_at": _iso(registration.expires_at),
        }
        if registration.pending_contact_encrypted is not None:
            pending = self.privacy.decrypt(registration.pending_contact_encrypted)
            result["pending_contact_hint"] = hint(registration.pending_channel or "", pending)
        return result

    def offender(self, registration: Registration) -> Offender:
        birth = self._decrypt_optional(registration.offender_birth_date_encrypted)
        return Offender(
            name=self.privacy.decrypt(registration.offender_name_encrypted),
            a_number=self._decrypt_optional(registration.offender_a_number_encrypted),
            birth_date=date.fromisoformat(birth) if birth else None,
            country=registration.offender_country,
        )

    def _end(
        self,
        session: Session,
        registration: Registration,
        status: RegistrationStatus,
        now: datetime,
    ) -> None:
        """A registration that ends keeps no personal data (the terms promise it): the offender,
        the contact, the PIN and the look-up keys are erased; the row stays, for the record that
        a registration existed and for the notifications already sent under it."""
        registration.status = status
        registration.ended_at = now
        erased = self.privacy.encrypt("")
        registration.offender_name_encrypted = erased
        registration.offender_a_number_encrypted = None
        registration.offender_birth_date_encrypted = None
        registration.offender_country = None
        registration.key_a_number = None
        registration.key_identity = None
        registration.contact_encrypted = erased
        registration.contact_key = ""
        registration.pending_channel = None
        registration.pending_contact_encrypted = None
        registration.pending_contact_key = None
        registration.pin_hash = ""
        # Codes are burnt, not deleted: their time and contact key keep counting towards the
        # contact's rate limit (sign up, withdraw, sign up again must not be an SMS cannon).
        session.execute(
            update(VerificationCode)
            .where(VerificationCode.registration_id == registration.id)
            .values(code_encrypted=erased, used_at=now)
            .execution_options(synchronize_session=False)
        )

    def _encrypt_optional(self, value: str | None) -> bytes | None:
        return self.privacy.encrypt(value) if value else None

    def _decrypt_optional(self, token: bytes | None) -> str | None:
        return self.privacy.decrypt(token) if token else None


def _iso(moment: datetime | None) -> str | None:
    return as_utc(moment).isoformat() if moment else None
