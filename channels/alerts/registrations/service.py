"""Every operation on registrations: create, verify the contact, resend, list, withdraw, change
the contact, renew, expire; each in its own short transaction."""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from channels.alerts.registrations.codes import (
    CODE_ATTEMPTS,
    CODE_RETENTION,
    CodeIssued,
    VerificationCodes,
)
from channels.alerts.registrations.errors import NotFound, RegistrationError
from channels.alerts.registrations.keys import OffenderKeys, contact_keys, is_hidden_number
from channels.alerts.registrations.models import (
    LIVE,
    Registration,
    RegistrationStatus,
    VerificationCode,
)
from channels.alerts.registrations.parsing import THIS_NUMBER, Contact, NewRegistration
from channels.alerts.registrations.personal import PersonalData
from channels.config.settings import Settings
from channels.extension import Extension
from channels.outbound.message import Channel, Sender
from channels.storage.database import Database, as_utc, utcnow
from channels.storage.messages import Conversation
from channels.storage.privacy import Privacy

MAX_ACTIVE_PER_REGISTRANT = 25
UNVERIFIED_LIFETIME = timedelta(days=1)  # a sign-up whose code was never entered is dropped


class RegistrationService(VerificationCodes, PersonalData):
    """Every operation on registrations; each runs in its own short transaction."""

    def __init__(
        self,
        database: Database,
        privacy: Privacy,
        sender: Sender,
        *,
        public_url: str,
        registration_days: int = 365,
        code_minutes: int = 15,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.database = database
        self.privacy = privacy
        self.sender = sender
        self.keys = OffenderKeys(privacy)
        self.public_url = public_url.rstrip("/")
        self.registration_days = registration_days
        self.code_lifetime = timedelta(minutes=code_minutes)
        self.clock = clock

    @classmethod
    def from_settings(
        cls, settings: Settings, database: Database, privacy: Privacy, sender: Sender
    ) -> RegistrationService:
        return cls(
            database,
            privacy,
            sender,
            public_url=settings.public_url,
            registration_days=settings.registration_days,
            code_minutes=settings.code_minutes,
        )

    # -- creating and verifying ------------------------------------------------------------

    def create(self, new: NewRegistration) -> CodeIssued:
        contact = self._resolve_contact(new.registrant, new.contact)
        contact_key = self.contact_key(contact)
        now = self.clock()
        with self.database.session() as session:
            self._check_code_rate(session, self.contact_keys(contact), new.registrant, now)
            active = session.execute(
                select(func.count(Registration.id)).where(
                    Registration.registrant == new.registrant,
                    Registration.status.in_(LIVE),
                )
            ).scalar_one()
            if active >= MAX_ACTIVE_PER_REGISTRANT:
                raise RegistrationError(
                    {"registrant": f"at most {MAX_ACTIVE_PER_REGISTRANT} registrations"}
                )
            registration = Registration(
                id=uuid.uuid4().hex,
                registrant=new.registrant,
                status=RegistrationStatus.PENDING,
                relationship=new.relationship,
                terms_version=new.terms_version,
                offender_name_encrypted=self.privacy.encrypt(new.offender_name),
                offender_a_number_encrypted=self._encrypt_optional(new.a_number),
                offender_birth_date_encrypted=self._encrypt_optional(
                    new.birth_date.isoformat() if new.birth_date else None
                ),
                offender_country=new.country,
                key_a_number=self.keys.a_number(new.a_number),
                key_identity=self.keys.identity(new.offender_name, new.birth_date, new.country),
                contact_channel=contact.channel.value,
                contact_encrypted=self.privacy.encrypt(contact.value),
                contact_key=contact_key,
                voicemail_ok=new.voicemail_ok,
                discreet=new.discreet,
                language=new.language,
                pin_hash=generate_password_hash(new.pin),
                created_at=now,
            )
            session.add(registration)
            session.flush()
            code = self._new_code(session, registration.id, contact_key, now)
        try:
            return self._send_code(registration.id, contact, code, new.language)
        except RegistrationError:
            self._forget(code.id, drop_registration=True)
            raise

    def verify(self, registration_id: str, registrant: str, code: str) -> dict[str, Any]:
        """Checks a code; on success activates the registration or switches its contact."""
        now = self.clock()
        with self.database.session() as session:
            registration = self._owned(session, registration_id, registrant)
            issued = session.execute(
                select(VerificationCode)
                .where(
                    VerificationCode.registration_id == registration.id,
                    VerificationCode.used_at.is_(None),
                )
                .order_by(VerificationCode.id.desc())
                .limit(1)
            ).scalar_one_or_none()
            if issued is None and self._verified(registration):
                # Asked again (a retry after a timeout): the answer does not change.
                return self._outcome("verified", CODE_ATTEMPTS, registration)
            if issued is None or issued.attempts >= CODE_ATTEMPTS:
                return self._outcome("too_many_attempts", 0, registration)
            if as_utc(issued.expires_at) <= now:
                return self._outcome("expired", CODE_ATTEMPTS - issued.attempts, registration)
            expected = self.privacy.decrypt(issued.code_encrypted)
            if not hmac.compare_digest(expected, "".join(ch for ch in code if ch.isdigit())):
                issued.attempts += 1
                left = CODE_ATTEMPTS - issued.attempts
                return self._outcome(
                    "wrong_code" if left else "too_many_attempts", left, registration
                )
            issued.used_at = now
            self._apply_verified(registration, now)
            return self._outcome("verified", CODE_ATTEMPTS - issued.attempts, registration)

    def resend(self, registration_id: str, registrant: str) -> CodeIssued:
        now = self.clock()
        with self.database.session() as session:
            registration = self._owned(session, registration_id, registrant, live=True)
            if registration.pending_contact_encrypted is not None:
                channel = Channel(registration.pending_channel)
                value = self.privacy.decrypt(registration.pending_contact_encrypted)
                contact_key = registration.pending_contact_key
            elif registration.status is RegistrationStatus.PENDING:
                channel = Channel(registration.contact_channel)
                value = self.privacy.decrypt(registration.contact_encrypted)
                contact_key = registration.contact_key
            else:
                raise RegistrationError({"registration": "nothing is waiting for a code"})
            keys = self.contact_keys(Contact(channel, value))
            self._check_code_rate(session, keys, registration.registrant, now)
            code = self._new_code(session, registration.id, contact_key, now)
            language = registration.language
        try:
            return self._send_code(registration_id, Contact(channel, value), code, language)
        except RegistrationError:
            self._forget(code.id)
            raise

    # -- lifecycle -------------------------------------------------------------------------

    def list_for(self, registrant: str) -> list[dict[str, Any]]:
        with self.database.session() as session:
            rows = session.execute(
                select(Registration)
                .where(
                    Registration.registrant == registrant,
                    Registration.status.in_(LIVE),
                )
                .order_by(Registration.created_at)
            ).scalars()
            return [self.summary(row) for row in rows]

    def withdraw(self, registration_id: str, registrant: str) -> dict[str, Any]:
        with self.database.session() as session:
            registration = self._owned(session, registration_id, registrant)
            summary = self.summary(registration)
            if registration.status in LIVE:
                self._end(session, registration, RegistrationStatus.WITHDRAWN, self.clock())
            return {**summary, "status": registration.status.value}

    def withdraw_contact(self, contact_keys: tuple[str, ...]) -> int:
        """STOP from a phone (known by its keyed hashes): every registration that texts or calls
        it ends. Returns how many."""
        now = self.clock()
        with self.database.session() as session:
            rows = self._reaching(session, contact_keys, LIVE)
            for registration in rows:
                self._end(session, registration, RegistrationStatus.WITHDRAWN, now)
            return len(rows)

    def expire_due(self) -> int:
        """Ends registrations whose term is over and sign-ups never verified within a day, and
        deletes codes older than a day."""
        now = self.clock()
        with self.database.session() as session:
            rows = session.execute(
                select(Registration).where(
                    or_(
                        (Registration.status == RegistrationStatus.ACTIVE)
                        & (Registration.expires_at <= now),
                        (Registration.status == RegistrationStatus.PENDING)
                        & (Registration.created_at <= now - UNVERIFIED_LIFETIME),
                    )
                )
            ).scalars()
            count = 0
            for registration in rows:
                self._end(session, registration, RegistrationStatus.EXPIRED, now)
                count += 1
            # Rate limits look back an hour; older codes serve nothing.
            session.execute(
                delete(VerificationCode).where(VerificationCode.created_at <= now - CODE_RETENTION)
            )
            return count

    def change_contact(self, registration_id: str, registrant: str, contact: Contact) -> CodeIssued:
        """The new contact gets a code; the old one keeps working until the code is entered."""
        contact = self._resolve_contact(registrant, contact)
        contact_key = self.contact_key(contact)
        now = self.clock()
        with self.database.session() as session:
            registration = self._owned(session, registration_id, registrant, live=True)
            self._check_code_rate(session, self.contact_keys(contact), registrant, now)
            registration.pending_channel = contact.channel.value
            registration.pending_contact_encrypted = self.privacy.encrypt(contact.value)
            registration.pending_contact_key = contact_key
            code = self._new_code(session, registration.id, contact_key, now)
            language = registration.language
        try:
            return self._send_code(registration_id, contact, code, language)
        except RegistrationError:
            self._forget(code.id, drop_pending_contact=True)
            raise

    def renew(self, contact_keys: tuple[str, ...]) -> int:
        """RENEW from a contact: its active registrations run for another full term."""
        now = self.clock()
        with self.database.session() as session:
            rows = self._reaching(session, contact_keys, (RegistrationStatus.ACTIVE,))
            for registration in rows:
                registration.expires_at = now + timedelta(days=self.registration_days)
                registration.reminder_sent_at = None
            return len(rows)

    # -- helpers ---------------------------------------------------------------------------

    def contact_key(self, contact: Contact) -> str:
        """What is stored: the contact's keyed hash under the current hashing key."""
        return self.contact_keys(contact)[0]

    def contact_keys(self, contact: Contact) -> tuple[str, ...]:
        """What a look-up matches: its keyed hash under every hashing key."""
        return contact_keys(self.privacy, contact.channel.value, contact.value)

    def _resolve_contact(self, registrant: str, contact: Contact) -> Contact:
        """``this_number``: the phone the person is texting from, which Rasa never sees."""
        if contact.value != THIS_NUMBER:
            return contact
        if contact.channel is Channel.EMAIL:
            raise RegistrationError({"contact.value": "this_number is a phone, not an e-mail"})
        with self.database.session() as session:
            conversation = session.get(Conversation, registrant)
            if conversation is None:
                raise RegistrationError({"contact.value": "no phone number known for this person"})
            phone = self.privacy.decrypt(conversation.address_encrypted)
            if is_hidden_number(phone):
                raise RegistrationError({"contact.value": "this person's number is hidden"})
            return Contact(contact.channel, phone)

    @staticmethod
    def _reaching(
        session: Session, contact_keys: tuple[str, ...], statuses: tuple[RegistrationStatus, ...]
    ) -> list[Registration]:
        """The registrations in one of ``statuses`` whose alerts go to ``contact_keys``."""
        return list(
            session.execute(
                select(Registration).where(
                    Registration.contact_key.in_(contact_keys),
                    Registration.status.in_(statuses),
                )
            ).scalars()
        )

    def _owned(
        self, session: Session, registration_id: str, registrant: str, *, live: bool = False
    ) -> Registration:
        registration = session.get(Registration, registration_id)
        if registration is None or registration.registrant != registrant:
            raise NotFound(registration_id)
        if live and registration.status not in LIVE:
            raise RegistrationError({"registration": "this registration has ended"})
        return registration

    @staticmethod
    def _verified(registration: Registration) -> bool:
        return (
            registration.status is RegistrationStatus.ACTIVE
            and registration.pending_contact_encrypted is None
        )

    def _apply_verified(self, registration: Registration, now: datetime) -> None:
        if registration.pending_contact_encrypted is not None:
            registration.contact_channel = registration.pending_channel
            registration.contact_encrypted = registration.pending_contact_encrypted
            registration.contact_key = registration.pending_contact_key
            registration.pending_channel = None
            registration.pending_contact_encrypted = None
            registration.pending_contact_key = None
        # A registration whose contact changed before it was ever verified: the code just
        # entered proves the (new) contact, so it becomes active too.
        if registration.status is RegistrationStatus.PENDING:
            registration.status = RegistrationStatus.ACTIVE
            registration.verified_at = now
            registration.expires_at = now + timedelta(days=self.registration_days)

    @staticmethod
    def _outcome(result: str, attempts_left: int, registration: Registration) -> dict[str, Any]:
        return {
            "result": result,
            "attempts_left": attempts_left,
            "status": registration.status.value,
        }


REGISTRATIONS: Extension[RegistrationService] = Extension("registrations")
