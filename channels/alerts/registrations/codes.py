"""The one-time codes that prove a contact: issued at most one a minute and five an hour per
contact, sent through the sender, read out by a call, forgotten when they could not be sent."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from channels.alerts.registrations.errors import RateLimited, RegistrationError
from channels.alerts.registrations.models import Registration, VerificationCode
from channels.alerts.registrations.parsing import Contact, hint
from channels.outbound.message import Outbound, Sender, SendFailed
from channels.storage.database import Database, as_utc
from channels.storage.privacy import Privacy
from channels.texts.alerts import code_message, subject

CODE_DIGITS = 6
CODE_ATTEMPTS = 5  # wrong guesses before a code is burnt
CODES_PER_HOUR = 5  # per contact: a registration form must not become an SMS cannon
CODES_PER_REGISTRANT_HOUR = 10  # per texter or caller, whatever contacts they give
CODES_PER_HOUR_OVERALL = 500  # all together: a flood from many numbers is capped too
RESEND_COOLDOWN = timedelta(seconds=60)
CODE_RETENTION = timedelta(days=1)


@dataclass(frozen=True)
class CodeIssued:
    registration_id: str
    contact_hint: str
    expires_at: datetime


class VerificationCodes:
    """The code half of ``RegistrationService`` (which sets these attributes)."""

    database: Database
    privacy: Privacy
    sender: Sender
    public_url: str
    code_lifetime: timedelta
    clock: Callable[[], datetime]

    def _forget(
        self, code_id: int, *, drop_registration: bool = False, drop_pending_contact: bool = False
    ) -> None:
        """A code that could not be sent leaves nothing behind: no code (so no cooldown), no
        half-made registration, no pending contact."""
        with self.database.session() as session:
            issued = session.get(VerificationCode, code_id)
            if issued is None:
                return
            registration = session.get(Registration, issued.registration_id)
            session.delete(issued)
            session.flush()
            if registration is None:
                return
            if drop_registration:
                session.delete(registration)
            elif drop_pending_contact:
                registration.pending_channel = None
                registration.pending_contact_encrypted = None
                registration.pending_contact_key = None

    def _check_code_rate(
        self, session: Session, contact_keys: tuple[str, ...], registrant: str, now: datetime
    ) -> None:
        """Codes cost money and reach strangers' phones: one a minute and five an hour per
        contact, ten an hour per registrant (one texter cannot spray many numbers), and a cap
        for the whole hotline per hour."""
        hour_ago = now - timedelta(hours=1)
        by_registrant = session.execute(
            select(func.count(VerificationCode.id))
            .join(Registration, Registration.id == VerificationCode.registration_id)
            .where(Registration.registrant == registrant, VerificationCode.created_at > hour_ago)
        ).scalar_one()
        overall = session.execute(
            select(func.count(VerificationCode.id)).where(VerificationCode.created_at > hour_ago)
        ).scalar_one()
        if by_registrant >= CODES_PER_REGISTRANT_HOUR or overall >= CODES_PER_HOUR_OVERALL:
            raise RateLimited(60 * 60)
        recent = list(
            session.execute(
                select(VerificationCode.created_at)
                .where(
                    VerificationCode.contact_key.in_(contact_keys),
                    VerificationCode.created_at > now - timedelta(hours=1),
                )
                .order_by(VerificationCode.created_at)
            ).scalars()
        )
        if recent and as_utc(recent[-1]) > now - RESEND_COOLDOWN:
            raise RateLimited(_seconds_until(as_utc(recent[-1]) + RESEND_COOLDOWN, now))
        if len(recent) >= CODES_PER_HOUR:
            raise RateLimited(_seconds_until(as_utc(recent[0]) + timedelta(hours=1), now))

    def _new_code(
        self, session: Session, registration_id: str, contact_key: str, now: datetime
    ) -> VerificationCode:
        code = "".join(str(secrets.randbelow(10)) for _ in range(CODE_DIGITS))
        issued = VerificationCode(
            registration_id=registration_id,
            contact_key=contact_key,
            code_encrypted=self.privacy.encrypt(code),
            created_at=now,
            expires_at=now + self.code_lifetime,
        )
        session.add(issued)
        session.flush()
        return issued

    def _send_code(
        self, registration_id: str, contact: Contact, issued: VerificationCode, language: str
    ) -> CodeIssued:
        code = self.privacy.decrypt(issued.code_encrypted)
        minutes = int(self.code_lifetime.total_seconds() // 60)
        message = Outbound(
            channel=contact.channel,
            to=contact.value,
            body=code_message(code, minutes, language),
            subject=subject("code", language),
            voice_url=f"{self.public_url}/twilio/calls/code/{issued.id}",
            reference=f"code:{issued.id}",
        )
        try:
            self.sender.send(message)
        except SendFailed as failure:
            raise RegistrationError(
                {"contact.value": "the code could not be sent to this contact"}
            ) from failure
        return CodeIssued(
            registration_id, hint(contact.channel.value, contact.value), as_utc(issued.expires_at)
        )

    def code_for_call(self, code_id: int) -> tuple[str, str] | None:
        """The code and language a verification call reads out, while the code is valid."""
        with self.database.session() as session:
            issued = session.get(VerificationCode, code_id)
            if issued is None or issued.used_at or as_utc(issued.expires_at) <= self.clock():
                return None
            registration = session.get(Registration, issued.registration_id)
            language = registration.language if registration else "en"
            return self.privacy.decrypt(issued.code_encrypted), language


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, int((moment - now).total_seconds()) + 1)
