"""Custody-notification registrations: create, verify the contact, withdraw, change contact, expire.

A registration says "tell this contact, in this language, when this offender's custody changes".
It becomes active only after a one-time code sent to the contact is entered in the conversation.

Personal fields (the offender's name, A-number and birth date; the contact) are stored encrypted.
Matching a custody event to registrations must not decrypt every row, so each registration also
keeps keyed hashes (HMAC under the secret key) of the offender's A-number and of name + birth
date + country, and of the contact (for rate limits and for STOP).
"""

from __future__ import annotations

import enum
import hmac
import secrets
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from channels.outbound.message import Channel, Outbound, Sender, SendFailed
from channels.storage.database import Base, Database, as_utc, utcnow
from channels.storage.messages import Conversation
from channels.storage.privacy import Privacy, normalise_address
from channels.texts.alerts import code_message, subject
from channels.texts.languages import LANGUAGES
from formats import values

CODE_DIGITS = 6
CODE_ATTEMPTS = 5  # wrong guesses before a code is burnt
CODES_PER_HOUR = 5  # per contact: a registration form must not become an SMS cannon
RESEND_COOLDOWN = timedelta(seconds=60)
MAX_ACTIVE_PER_REGISTRANT = 25
UNVERIFIED_LIFETIME = timedelta(days=1)  # a sign-up whose code was never entered is dropped
CODE_RETENTION = timedelta(days=1)
THIS_NUMBER = "this_number"
# What Twilio puts in From when a caller hides their number: anonymous, restricted, blocked,
# unknown, unavailable.
HIDDEN_CALLER_IDS = frozenset({"+266696687", "+7378742833", "+2562533", "+8656696", "+86282452253"})
RELATIONSHIPS = ("victim", "family", "guardian")


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
    key_a_number = Column(String(64), nullable=True, index=True)
    key_identity = Column(String(64), nullable=True, index=True)
    contact_channel = Column(String(8), nullable=False)
    contact_encrypted = Column(LargeBinary, nullable=False)
    contact_key = Column(String(64), nullable=False, index=True)
    pending_channel = Column(String(8), nullable=True)
    pending_contact_encrypted = Column(LargeBinary, nullable=True)
    pending_contact_key = Column(String(64), nullable=True)
    voicemail_ok = Column(Boolean, nullable=False, default=False)
    discreet = Column(Boolean, nullable=False, default=True)
    language = Column(String(2), nullable=False)
    pin_hash = Column(String(255), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    verified_at = Column(DateTime(timezone=True), nullable=True)
    expires_at = Column(DateTime(timezone=True), nullable=True, index=True)
    reminder_sent_at = Column(DateTime(timezone=True), nullable=True)
    ended_at = Column(DateTime(timezone=True), nullable=True)


class VerificationCode(Base):
    __tablename__ = "verification_codes"

    id = Column(Integer, primary_key=True, autoincrement=True)
    registration_id = Column(String(32), ForeignKey("registrations.id"), nullable=False, index=True)
    contact_key = Column(String(64), nullable=False, index=True)
    # Kept encrypted, not hashed: a voice call has to read it out.
    code_encrypted = Column(LargeBinary, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    expires_at = Column(DateTime(timezone=True), nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    used_at = Column(DateTime(timezone=True), nullable=True)


class RegistrationError(Exception):
    """Invalid input: ``fields`` maps each bad field to what is wrong with it."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


class NotFound(LookupError):
    """No such registration for this registrant (never says whether it exists for another)."""


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Contact:
    channel: Channel
    value: str


@dataclass(frozen=True)
class NewRegistration:
    registrant: str
    relationship: str
    terms_version: str
    offender_name: str
    a_number: str | None
    birth_date: date | None
    country: str | None
    contact: Contact
    voicemail_ok: bool
    discreet: bool
    language: str
    pin: str


@dataclass(frozen=True)
class Offender:
    name: str
    a_number: str | None
    birth_date: date | None
    country: str | None


def fold_name(name: str) -> str:
    """Accents, case and punctuation do not make a different person."""
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)
    )
    return " ".join("".join(ch if ch.isalnum() else " " for ch in stripped.casefold()).split())


class OffenderKeys:
    """Keyed hashes that match custody events to registrations without decrypting them."""

    def __init__(self, privacy: Privacy) -> None:
        self.privacy = privacy

    def a_number(self, a_number: str | None) -> str | None:
        return self.privacy.keyed("a-number", a_number) if a_number else None

    def identity(self, name: str, birth_date: date | None, country: str | None) -> str | None:
        if not (name and birth_date and country):
            return None
        return self.privacy.keyed(
            "identity", f"{fold_name(name)}|{birth_date.isoformat()}|{country}"
        )


def parse_new_registration(payload: dict[str, Any]) -> NewRegistration:
    """Checks an API payload field by field; raises RegistrationError listing every problem."""
    errors: dict[str, str] = {}
    offender = _object(payload, "offender")
    contact_in = _object(payload, "contact")

    def text(source: dict[str, Any], key: str) -> str:
        value = source.get(key)
        return value.strip() if isinstance(value, str) else ""

    registrant = text(payload, "registrant")
    if not registrant or len(registrant) > 64:
        errors["registrant"] = "required, at most 64 characters"
    relationship = text(payload, "relationship")
    if relationship not in RELATIONSHIPS:
        errors["relationship"] = f"one of {', '.join(RELATIONSHIPS)}"
    terms_version = text(payload, "terms_version")
    if not terms_version or len(terms_version) > 32:
        errors["terms_version"] = "required: the version of the accepted terms (32 characters)"
    name = values.normalise_full_name(text(offender, "name"))
    if name is None:
        errors["offender.name"] = "a full name: at least two words, letters only"
    a_number = None
    if text(offender, "a_number"):
        a_number = values.parse_a_number(text(offender, "a_number"))
        if a_number is None:
            errors["offender.a_number"] = "the letter A and 8 or 9 digits, like A204555781"
    birth_date = None
    if text(offender, "birth_date"):
        try:
            birth_date = date.fromisoformat(text(offender, "birth_date"))
        except ValueError:
            errors["offender.birth_date"] = "a date as YYYY-MM-DD"
    country = text(offender, "country_of_birth").upper() or None
    if country is not None and values.country_code(country) != country:
        errors["offender.country_of_birth"] = "an ISO 3166 two-letter country code, like MX"
    if a_number is None and not (birth_date and country) and "offender.a_number" not in errors:
        errors["offender"] = "an A-number, or a birth date and a country of birth"
    contact = parse_contact(contact_in, errors)
    language = text(payload, "language")
    if language not in LANGUAGES:
        errors["language"] = "en or es"
    pin = payload.get("pin")
    if not (isinstance(pin, str) and len(pin) == 4 and pin.isascii() and pin.isdigit()):
        errors["pin"] = "4 digits"
    flags = {}
    for flag in ("voicemail_ok", "discreet"):
        flags[flag] = payload.get(flag)
        if not isinstance(flags[flag], bool):
            errors[flag] = "true or false"
    if errors:
        raise RegistrationError(errors)
    assert name is not None and contact is not None and isinstance(pin, str)
    return NewRegistration(
        registrant=registrant,
        relationship=relationship,
        terms_version=terms_version,
        offender_name=name,
        a_number=a_number,
        birth_date=birth_date,
        country=country,
        contact=contact,
        voicemail_ok=bool(flags["voicemail_ok"]),
        discreet=bool(flags["discreet"]),
        language=language,
        pin=pin,
    )


def _object(payload: dict[str, Any], key: str) -> dict[str, Any]:
    value = payload.get(key)
    return value if isinstance(value, dict) else {}


def parse_contact(contact: dict[str, Any], errors: dict[str, str]) -> Contact | None:
    raw_channel = contact.get("channel")
    raw_value = contact.get("value")
    value = raw_value.strip() if isinstance(raw_value, str) else ""
    try:
        channel = Channel(raw_channel)
    except ValueError:
        errors["contact.channel"] = "sms, voice or email"
        return None
    if channel is Channel.EMAIL:
        email = values.parse_email(value)
        if email is None:
            errors["contact.value"] = "an e-mail address, like ana@example.org"
            return None
        return Contact(channel, email)
    if value == THIS_NUMBER:
        return Contact(channel, THIS_NUMBER)
    phone = values.parse_phone(value)
    if phone is None:
        errors["contact.value"] = "a phone number, like +1 713 555 0142, or this_number"
        return None
    return Contact(channel, phone)


def hint(channel: str, value: str) -> str:
    """What the person may see of a contact: ***-0142 or a***@example.org."""
    return values.mask_email(value) if channel == Channel.EMAIL.value else values.mask_phone(value)


@dataclass(frozen=True)
class CodeIssued:
    registration_id: str
    contact_hint: str
    expires_at: datetime


class RegistrationService:
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

    # -- creating and verifying ------------------------------------------------------------

    def create(self, new: NewRegistration) -> CodeIssued:
        contact = self._resolve_contact(new.registrant, new.contact)
        contact_key = self.contact_key(contact)
        now = self.clock()
        with self.database.session() as session:
            self._check_code_rate(session, contact_key, now)
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
            self._check_code_rate(session, contact_key, now)
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

    def withdraw_contact(self, contact_key: str) -> int:
        """STOP from a phone: every registration that texts or calls it ends. Returns how many."""
        now = self.clock()
        with self.database.session() as session:
            rows = session.execute(
                select(Registration).where(
                    Registration.contact_key == contact_key,
                    Registration.status.in_(LIVE),
                )
            ).scalars()
            count = 0
            for registration in rows:
                self._end(session, registration, RegistrationStatus.WITHDRAWN, now)
                count += 1
            return count

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

    def change_contact(self, registration_id: str, registrant: str, contact: Contact) -> CodeIssued:
        """The new contact gets a code; the old one keeps working until the code is entered."""
        contact = self._resolve_contact(registrant, contact)
        contact_key = self.contact_key(contact)
        now = self.clock()
        with self.database.session() as session:
            registration = self._owned(session, registration_id, registrant, live=True)
            self._check_code_rate(session, contact_key, now)
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

    def renew(self, contact_key: str) -> int:
        """RENEW from a contact: its active registrations run for another full term."""
        now = self.clock()
        with self.database.session() as session:
            rows = session.execute(
                select(Registration).where(
                    Registration.contact_key == contact_key,
                    Registration.status == RegistrationStatus.ACTIVE,
                )
            ).scalars()
            count = 0
            for registration in rows:
                registration.expires_at = now + timedelta(days=self.registration_days)
                registration.reminder_sent_at = None
                count += 1
            return count

    # -- helpers ---------------------------------------------------------------------------

    def summary(self, registration: Registration) -> dict[str, Any]:
        """What the registrant and the API may see: hints, never the full personal data."""
        contact = self.privacy.decrypt(registration.contact_encrypted)
        result: dict[str, Any] = {
            "id": registration.id,
            "status": registration.status.value,
            "offender_hint": values.name_initials(
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

    def contact_key(self, contact: Contact) -> str:
        if contact.channel is Channel.EMAIL:
            return self.privacy.keyed("email", contact.value.casefold())
        # The same key as the SMS conversation with that phone: replies and STOP find it.
        return self.privacy.conversation_key(contact.value)

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

    def _check_code_rate(self, session: Session, contact_key: str, now: datetime) -> None:
        recent = list(
            session.execute(
                select(VerificationCode.created_at)
                .where(
                    VerificationCode.contact_key == contact_key,
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

    def code_for_call(self, code_id: int) -> tuple[str, str] | None:
        """The code and language a verification call reads out, while the code is valid."""
        with self.database.session() as session:
            issued = session.get(VerificationCode, code_id)
            if issued is None or issued.used_at or as_utc(issued.expires_at) <= self.clock():
                return None
            registration = session.get(Registration, issued.registration_id)
            language = registration.language if registration else "en"
            return self.privacy.decrypt(issued.code_encrypted), language

    @staticmethod
    def _outcome(result: str, attempts_left: int, registration: Registration) -> dict[str, Any]:
        return {
            "result": result,
            "attempts_left": attempts_left,
            "status": registration.status.value,
        }

    def _encrypt_optional(self, value: str | None) -> bytes | None:
        return self.privacy.encrypt(value) if value else None

    def _decrypt_optional(self, token: bytes | None) -> str | None:
        return self.privacy.decrypt(token) if token else None


def check_pin(registration: Registration, pin: str) -> bool:
    return check_password_hash(registration.pin_hash, pin)


def _iso(moment: datetime | None) -> str | None:
    return as_utc(moment).isoformat() if moment else None


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, int((moment - now).total_seconds()) + 1)


def is_hidden_number(address: str) -> bool:
    """A caller ID that is no phone number to reach: "anonymous", Twilio's stand-ins."""
    number = normalise_address(address)
    digits = number.removeprefix("+")
    return not digits.isdigit() or len(digits) < 7 or number in HIDDEN_CALLER_IDS
