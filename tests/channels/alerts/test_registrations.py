"""Registrations for custody notifications: the API payload check, the verification code's life
(wrong, expired, too many, rate limits), contact changes, withdrawal, STOP, renewal, what is
stored at rest, and that one registrant never reaches another's registrations.

Services are built directly on a migrated SQLite file with an injected clock; the tests that
need an SMS conversation ("this_number") go through the app and a signed SMS.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, text
from werkzeug.security import check_password_hash, generate_password_hash

from channels.alerts.registrations import codes as codes_module
from channels.alerts.registrations import service as registrations_module
from channels.alerts.registrations.codes import (
    CODE_ATTEMPTS,
    CODES_PER_HOUR,
    CODES_PER_REGISTRANT_HOUR,
)
from channels.alerts.registrations.errors import NotFound, RateLimited, RegistrationError
from channels.alerts.registrations.models import Registration, RegistrationStatus, VerificationCode
from channels.alerts.registrations.parsing import Contact, NewRegistration, parse_new_registration
from channels.alerts.registrations.service import (
    MAX_ACTIVE_PER_REGISTRANT,
    REGISTRATIONS,
    RegistrationService,
)
from channels.call_flow.store import CALLS
from channels.jobs import JobFunc
from channels.outbound.message import Channel, Outbound, Receipt, SendFailed
from channels.outbound.outbox import OUTBOX, OutboxSender
from channels.storage.database import Database, as_utc
from channels.storage.privacy import PRIVACY, Privacy
from channels.twilio.fake_phone import sms_params
from tests.channels.conftest import Clock, migrated, stored_row

PUBLIC_URL = "https://hotline.example.org"
SECRET_KEY = "test-secret-key"
START = datetime(2026, 11, 29, 14, 0, tzinfo=timezone.utc)
REGISTRANT = "c0ffee" * 5 + "ab"  # what Rasa calls the person: a conversation key
OTHER_REGISTRANT = "beef" * 8
PHONE = "+17135550142"
OTHER_PHONE = "+17135550199"
EMAIL = "ana.perez@example.org"
NAME = "Juan Carlos Pérez Gómez"
A_NUMBER = "A204555781"
BIRTH_DATE = "1985-03-03"
PIN = "4821"
REGISTRATION_DAYS = 200
CODE_MINUTES = 15


class RecordingQueue:
    """A job queue that runs nothing and remembers what it was given."""

    def __init__(self) -> None:
        self.jobs: list[tuple[JobFunc, tuple[Any, ...], float]] = []

    def enqueue(self, func: JobFunc, *args: Any, delay_seconds: float = 0.0) -> None:
        self.jobs.append((func, args, delay_seconds))

    def close(self) -> None:
        self.jobs.clear()


def payload(**changes: Any) -> dict[str, Any]:
    """A valid POST /api/registrations body; ``offender``/``contact`` entries merge."""
    body: dict[str, Any] = {
        "registrant": REGISTRANT,
        "relationship": "victim",
        "terms_version": "2026-11",
        "offender": {
            "name": NAME,
            "a_number": A_NUMBER,
            "birth_date": BIRTH_DATE,
            "country_of_birth": "MX",
        },
        "contact": {"channel": "sms", "value": PHONE},
        "voicemail_ok": False,
        "discreet": False,
        "language": "en",
        "pin": PIN,
    }
    for key in ("offender", "contact"):
        if isinstance(changes.get(key), dict):
            body[key] = {**body[key], **changes.pop(key)}
    return {**body, **changes}


def new_registration(**changes: Any) -> NewRegistration:
    return parse_new_registration(payload(**changes))


def latest_code(database: Database, privacy: Privacy, registration_id: str) -> str:
    with database.session() as session:
        issued = session.execute(
            select(VerificationCode)
            .where(VerificationCode.registration_id == registration_id)
            .order_by(VerificationCode.id.desc())
            .limit(1)
        ).scalar_one()
        return privacy.decrypt(issued.code_encrypted)


def registration_row(database: Database, registration_id: str) -> Registration:
    return stored_row(database, Registration, registration_id)


def code_in(body: str) -> str:
    match = re.search(r"\b(\d{6})\b", body)
    assert match, "no 6-digit code in the message"
    return match.group(1)


def wrong(code: str) -> str:
    """Another 6-digit code."""
    return f"{(int(code) + 1) % 1_000_000:06d}"


@pytest.fixture
def fast_pin_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    """scrypt (werkzeug's default) costs ~0.1 s a hash; these tests make many registrations."""
    monkeypatch.setattr(
        registrations_module,
        "generate_password_hash",
        lambda pin: generate_password_hash(pin, method="pbkdf2:sha256:1000"),
    )


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def privacy() -> Privacy:
    return Privacy(SECRET_KEY)


@pytest.fixture
def database(tmp_path) -> Iterator[Database]:
    database = migrated(f"sqlite:///{tmp_path}/exchange.db")
    yield database
    database.dispose()


@pytest.fixture
def outbox(database: Database, privacy: Privacy) -> OutboxSender:
    return OutboxSender(database, privacy)


@pytest.fixture
def service(
    database: Database, privacy: Privacy, outbox: OutboxSender, clock: Clock, fast_pin_hash: None
) -> RegistrationService:
    return RegistrationService(
        database,
        privacy,
        outbox,
        public_url=PUBLIC_URL,
        registration_days=REGISTRATION_DAYS,
        code_minutes=CODE_MINUTES,
        clock=clock,
    )


def activate(service: RegistrationService, clock: Clock, new: NewRegistration | None = None) -> str:
    """Creates and verifies a registration; returns its id. Moves the clock past the cooldown."""
    new = new or new_registration()
    issued = service.create(new)
    code = latest_code(service.database, service.privacy, issued.registration_id)
    outcome = service.verify(issued.registration_id, new.registrant, code)
    assert outcome["result"] == "verified"
    clock.advance(seconds=61)
    return issued.registration_id


# -- the payload ------------------------------------------------------------------------------


def test_a_valid_payload_is_normalised():
    new = new_registration(
        offender={"name": "juan carlos PÉREZ gómez", "a_number": "a 204-555-781"},
        contact={"value": "(713) 555-0142"},
    )
    assert new.offender_name == NAME
    assert new.a_number == A_NUMBER
    assert new.birth_date == date(1985, 3, 3)
    assert new.country == "MX"
    assert (new.contact.channel, new.contact.value) == (Channel.SMS, PHONE)
    assert (new.relationship, new.language, new.pin) == ("victim", "en", PIN)
    assert (new.voicemail_ok, new.discreet) == (False, False)


def test_a_lower_case_iso_country_code_is_accepted():
    assert new_registration(offender={"country_of_birth": "mx"}).country == "MX"


def test_every_bad_field_is_named_at_once():
    bad = {
        "registrant": "  ",
        "relationship": "cousin",
        "offender": {
            "name": "Juan",
            "a_number": "A12",
            "birth_date": "03/03/1985",
            "country_of_birth": "Atlantis",
        },
        "contact": {"channel": "fax", "value": PHONE},
        "voicemail_ok": "yes",
        "discreet": None,
        "language": "fr",
        "pin": "48a1",
    }
    body = payload(**bad)
    del body["terms_version"]
    with pytest.raises(RegistrationError) as error:
        parse_new_registration(body)
    assert set(error.value.fields) == {
        "registrant",
        "relationship",
        "terms_version",
        "offender.name",
        "offender.a_number",
        "offender.birth_date",
        "offender.country_of_birth",
        "contact.channel",
        "voicemail_ok",
        "discreet",
        "language",
        "pin",
    }
    # The messages say what is expected, never echo what was sent.
    assert "Atlantis" not in str(error.value) and "A12" not in str(error.value)


def test_the_offender_needs_an_a_number_or_a_birth_date_and_country():
    body = payload()
    body["offender"] = {"name": NAME, "birth_date": BIRTH_DATE}
    with pytest.raises(RegistrationError) as error:
        parse_new_registration(body)
    assert set(error.value.fields) == {"offender"}
    body["offender"] = {"name": NAME, "birth_date": BIRTH_DATE, "country_of_birth": "MX"}
    assert parse_new_registration(body).a_number is None


def test_a_missing_offender_object_names_the_offender_fields():
    body = payload()
    del body["offender"]
    with pytest.raises(RegistrationError) as error:
        parse_new_registration(body)
    assert {"offender.name", "offender"} <= set(error.value.fields)


@pytest.mark.parametrize(
    ("contact", "field"),
    [
        ({"channel": "sms", "value": "call me"}, "contact.value"),
        ({"channel": "voice", "value": ""}, "contact.value"),
        ({"channel": "email", "value": "ana at nowhere"}, "contact.value"),
        ({"channel": "email", "value": "this_number"}, "contact.value"),
        ({"channel": None, "value": PHONE}, "contact.channel"),
    ],
)
def test_contact_errors(contact: dict[str, Any], field: str):
    with pytest.raises(RegistrationError) as error:
        parse_new_registration(payload(contact=contact))
    assert set(error.value.fields) == {field}


@pytest.mark.parametrize(
    "pin", [4821, "482", "48210", "48 1", "", None, "\uff14\uff18\uff12\uff11"]
)
def test_the_pin_is_four_keypad_digits(pin: Any):
    """Full-width digits pass ``str.isdigit`` but no phone keypad can send them."""
    with pytest.raises(RegistrationError) as error:
        parse_new_registration(payload(pin=pin))
    assert set(error.value.fields) == {"pin"}


# -- contacts ---------------------------------------------------------------------------------


def test_the_hint_shows_only_the_last_four_digits_or_the_first_letter(service):
    sms = service.create(new_registration())
    assert sms.contact_hint == "***-0142"
    mail = service.create(new_registration(contact={"channel": "email", "value": EMAIL}))
    assert mail.contact_hint == "a***@example.org"
    assert sms.expires_at == START + timedelta(minutes=CODE_MINUTES)


def test_this_number_is_the_phone_the_person_texts_from(
    app: Flask, signed_post: Callable[..., Any], fast_pin_hash: None
):
    signed_post(params=sms_params("+1 (713) 555-0142", "I want alerts"))
    privacy: Privacy = PRIVACY.get(app)
    service: RegistrationService = REGISTRATIONS.get(app)
    registrant = privacy.conversation_key(PHONE)
    issued = service.create(
        new_registration(registrant=registrant, contact={"value": "this_number"})
    )
    assert issued.contact_hint == "***-0142"
    (message,) = OUTBOX.get(app).list(to=PHONE)
    assert message.channel is Channel.SMS
    assert message.reference.startswith("code:")
    row = registration_row(service.database, issued.registration_id)
    # Replies and STOP from that phone find the registration by the conversation's key.
    assert row.contact_key == registrant


def test_this_number_by_voice_calls_the_texting_phone_with_the_code(
    app: Flask, signed_post: Callable[..., Any], fast_pin_hash: None
):
    signed_post(params=sms_params(PHONE, "hola"))
    registrant = PRIVACY.get(app).conversation_key(PHONE)
    service: RegistrationService = REGISTRATIONS.get(app)
    service.create(
        new_registration(
            registrant=registrant, contact={"channel": "voice", "value": "this_number"}
        )
    )
    (call,) = OUTBOX.get(app).list(to=PHONE)
    assert call.channel is Channel.VOICE
    assert re.fullmatch(rf"{PUBLIC_URL}/twilio/calls/code/\d+", call.voice_url)


def test_this_number_on_a_call_is_the_callers_phone_unless_it_is_hidden(
    app: Flask, fast_pin_hash: None
):
    calls = CALLS.get(app)
    service: RegistrationService = REGISTRATIONS.get(app)
    caller = calls.start("CA" + "5" * 32, "+17135550142")
    issued = service.create(
        new_registration(registrant=caller.conversation_id, contact={"value": "this_number"})
    )
    assert issued.contact_hint == "***-0142"
    hidden = calls.start("CA" + "6" * 32, "anonymous")
    with pytest.raises(RegistrationError) as error:
        service.create(
            new_registration(registrant=hidden.conversation_id, contact={"value": "this_number"})
        )
    assert set(error.value.fields) == {"contact.value"}


def test_this_number_without_a_conversation_is_a_field_error(service):
    with pytest.raises(RegistrationError) as error:
        service.create(new_registration(contact={"value": "this_number"}))
    assert set(error.value.fields) == {"contact.value"}


# -- what is stored -----------------------------------------------------------------------------


def raw_rows(database: Database, table: str) -> list[bytes]:
    """Every row of ``table`` as the database holds it, flattened to bytes."""
    with database.engine.connect() as connection:
        rows = connection.execute(text(f"SELECT * FROM {table}")).all()  # noqa: S608
    return [b"|".join(v if isinstance(v, bytes) else str(v).encode() for v in row) for row in rows]


def test_personal_data_is_encrypted_at_rest_and_the_pin_hashed(
    service, database, outbox, monkeypatch
):
    monkeypatch.setattr(registrations_module, "generate_password_hash", generate_password_hash)
    sms = service.create(new_registration())
    mail = service.create(
        new_registration(
            contact={"channel": "email", "value": EMAIL},
            offender={"name": "María de la Cruz", "a_number": "A012345678"},
        )
    )
    codes = [code_in(entry.body) for entry in outbox.list()]
    assert len(codes) == 2
    secrets_in_clear = [
        "Juan",
        "rez G",
        "Cruz",
        "204555781",
        "012345678",
        BIRTH_DATE,
        "7135550142",
        "555-0142",
        "ana.perez",
        "example.org",
        *codes,
    ]
    stored = raw_rows(database, "registrations") + raw_rows(database, "verification_codes")
    for row in stored:
        for secret in secrets_in_clear:
            assert secret.encode() not in row, f"{secret!r} stored in clear"
            assert secret.encode("utf-8").lower() not in row.lower()
        assert not re.search(rb"(?<![0-9A-Za-z])" + PIN.encode() + rb"(?![0-9A-Za-z])", row)
    for registration_id in (sms.registration_id, mail.registration_id):
        row = registration_row(database, registration_id)
        assert row.pin_hash != PIN and check_password_hash(row.pin_hash, PIN)
        assert not check_password_hash(row.pin_hash, "1234")


# -- verifying the contact ----------------------------------------------------------------------


def test_the_right_code_activates_for_the_configured_term(service, database, privacy, clock):
    issued = service.create(new_registration())
    clock.advance(minutes=3)
    code = latest_code(database, privacy, issued.registration_id)
    outcome = service.verify(issued.registration_id, REGISTRANT, f" {code[:3]} {code[3:]} ")
    assert outcome == {"result": "verified", "attempts_left": CODE_ATTEMPTS, "status": "active"}
    row = registration_row(database, issued.registration_id)
    assert row.status is RegistrationStatus.ACTIVE
    assert as_utc(row.verified_at) == clock.now
    assert as_utc(row.expires_at) == clock.now + timedelta(days=REGISTRATION_DAYS)


def test_wrong_codes_count_down_then_the_code_is_burnt(service, database, privacy):
    issued = service.create(new_registration())
    code = latest_code(database, privacy, issued.registration_id)
    left = [
        service.verify(issued.registration_id, REGISTRANT, wrong(code))
        for _ in range(CODE_ATTEMPTS)
    ]
    assert [o["result"] for o in left] == ["wrong_code"] * (CODE_ATTEMPTS - 1) + [
        "too_many_attempts"
    ]
    assert [o["attempts_left"] for o in left] == list(range(CODE_ATTEMPTS - 1, -1, -1))
    assert {o["status"] for o in left} == {"pending_verification"}
    # The right code no longer helps: a new one must be asked for.
    burnt = service.verify(issued.registration_id, REGISTRANT, code)
    assert (burnt["result"], burnt["attempts_left"]) == ("too_many_attempts", 0)
    assert registration_row(database, issued.registration_id).status is RegistrationStatus.PENDING


def test_a_wrong_guess_then_the_right_code(service, database, privacy):
    issued = service.create(new_registration())
    code = latest_code(database, privacy, issued.registration_id)
    assert service.verify(issued.registration_id, REGISTRANT, wrong(code))["attempts_left"] == 4
    outcome = service.verify(issued.registration_id, REGISTRANT, code)
    assert (outcome["result"], outcome["attempts_left"]) == ("verified", 4)


def test_an_expired_code_is_refused_and_a_new_one_works(service, database, privacy, clock):
    issued = service.create(new_registration())
    code = latest_code(database, privacy, issued.registration_id)
    clock.advance(minutes=CODE_MINUTES)
    expired = service.verify(issued.registration_id, REGISTRANT, code)
    assert (expired["result"], expired["status"]) == ("expired", "pending_verification")
    fresh = service.resend(issued.registration_id, REGISTRANT)
    assert fresh.expires_at == clock.now + timedelta(minutes=CODE_MINUTES)
    new_code = latest_code(database, privacy, issued.registration_id)
    assert service.verify(issued.registration_id, REGISTRANT, new_code)["result"] == "verified"


def test_a_resent_code_replaces_the_previous_one(service, database, privacy, clock):
    issued = service.create(new_registration())
    first = latest_code(database, privacy, issued.registration_id)
    clock.advance(seconds=60)
    service.resend(issued.registration_id, REGISTRANT)
    second = latest_code(database, privacy, issued.registration_id)
    if first != second:
        assert service.verify(issued.registration_id, REGISTRANT, first)["result"] == "wrong_code"
    assert service.verify(issued.registration_id, REGISTRANT, second)["result"] == "verified"


def test_the_code_message_is_neutral_and_in_the_persons_language(service, outbox):
    service.create(new_registration(language="es"))
    (message,) = outbox.list()
    assert message.body.startswith("Su código de verificación es ")
    assert "15 minutos" in message.body
    for word in ("VOICE", "Juan", "custodia", "Pérez"):
        assert word not in message.body


# -- rate limits --------------------------------------------------------------------------------


def test_a_code_can_be_resent_after_60_seconds(service, clock):
    issued = service.create(new_registration())
    clock.advance(seconds=30)
    with pytest.raises(RateLimited) as limited:
        service.resend(issued.registration_id, REGISTRANT)
    assert 30 <= limited.value.retry_after <= 31
    clock.advance(seconds=30)
    assert service.resend(issued.registration_id, REGISTRANT).contact_hint == "***-0142"


def test_five_codes_an_hour_per_contact(service, clock):
    issued = service.create(new_registration())
    for _ in range(CODES_PER_HOUR - 1):
        clock.advance(seconds=60)
        service.resend(issued.registration_id, REGISTRANT)
    clock.advance(seconds=60)  # 5 codes in the last 4 minutes
    with pytest.raises(RateLimited) as limited:
        service.resend(issued.registration_id, REGISTRANT)
    assert 3300 <= limited.value.retry_after <= 3301
    # The limit is the contact's: another registration to the same phone waits too...
    with pytest.raises(RateLimited):
        service.create(new_registration(registrant=OTHER_REGISTRANT))
    # ...while another contact does not.
    service.create(new_registration(contact={"value": OTHER_PHONE}))
    clock.advance(seconds=3300)  # the first code is an hour old
    service.resend(issued.registration_id, REGISTRANT)


def test_one_registrant_cannot_spray_codes_at_many_numbers(service, clock):
    issued = service.create(new_registration())
    numbers = [f"+1713555{n:04d}" for n in range(200, 200 + CODES_PER_REGISTRANT_HOUR)]
    for number in numbers[: CODES_PER_REGISTRANT_HOUR - 1]:
        clock.advance(seconds=1)
        service.change_contact(
            issued.registration_id, REGISTRANT, registrations_module.Contact(Channel.SMS, number)
        )
    with pytest.raises(RateLimited):
        service.change_contact(
            issued.registration_id,
            REGISTRANT,
            registrations_module.Contact(Channel.SMS, numbers[-1]),
        )
    service.create(new_registration(registrant=OTHER_REGISTRANT, contact={"value": numbers[-1]}))
    clock.advance(hours=1)
    service.change_contact(
        issued.registration_id, REGISTRANT, registrations_module.Contact(Channel.SMS, numbers[-1])
    )


def test_the_whole_hotline_has_a_cap_per_hour(service, clock, monkeypatch):
    monkeypatch.setattr(codes_module, "CODES_PER_HOUR_OVERALL", 3)
    for n in range(3):
        service.create(
            new_registration(registrant=f"registrant-{n}", contact={"value": f"+171355502{n:02d}"})
        )
    with pytest.raises(RateLimited):
        service.create(
            new_registration(registrant="registrant-4", contact={"value": "+17135550299"})
        )


def test_the_same_phone_written_differently_shares_the_limit(service):
    service.create(new_registration())
    with pytest.raises(RateLimited):
        service.create(new_registration(contact={"value": "+1 (713) 555-0142"}))


def test_resend_when_nothing_waits_for_a_code(service, clock):
    registration_id = activate(service, clock)
    with pytest.raises(RegistrationError) as error:
        service.resend(registration_id, REGISTRANT)
    assert set(error.value.fields) == {"registration"}


def test_at_most_25_live_registrations_per_registrant(service, clock):
    for index in range(MAX_ACTIVE_PER_REGISTRANT):
        clock.advance(minutes=7)  # within the ten codes an hour one registrant may ask for
        service.create(new_registration(contact={"value": f"+1713555{index:04d}"}))
    with pytest.raises(RegistrationError) as error:
        service.create(new_registration(contact={"value": OTHER_PHONE}))
    assert set(error.value.fields) == {"registrant"}


# -- a failed send ------------------------------------------------------------------------------


class RefusingSender:
    def send(self, message: Outbound) -> Receipt:
        raise SendFailed("twilio HTTP 400 error 21211", retryable=False)


def test_a_code_that_cannot_be_sent_leaves_no_registration_behind(
    database, privacy, clock, fast_pin_hash
):
    service = RegistrationService(
        database, privacy, RefusingSender(), public_url=PUBLIC_URL, clock=clock
    )
    with pytest.raises(RegistrationError) as error:
        service.create(new_registration())
    assert set(error.value.fields) == {"contact.value"}
    # The caller got a 422 and no id: nothing it cannot see or withdraw may stay live.
    assert service.list_for(REGISTRANT) == []


# -- changing the contact -----------------------------------------------------------------------


def test_a_new_contact_takes_over_only_once_verified(service, database, privacy, clock, outbox):
    registration_id = activate(service, clock)
    issued = service.change_contact(
        registration_id, REGISTRANT, registrations_module.Contact(Channel.SMS, OTHER_PHONE)
    )
    assert issued.contact_hint == "***-0199"
    (code_message,) = outbox.list(to=OTHER_PHONE)
    (summary,) = service.list_for(REGISTRANT)
    assert summary["contact_hint"] == "***-0142"
    assert summary["pending_contact_hint"] == "***-0199"
    assert summary["status"] == "active"
    assert registration_row(database, registration_id).contact_key == privacy.conversation_key(
        PHONE
    )
    outcome = service.verify(registration_id, REGISTRANT, code_in(code_message.body))
    assert (outcome["result"], outcome["status"]) == ("verified", "active")
    (summary,) = service.list_for(REGISTRANT)
    assert summary["contact_hint"] == "***-0199"
    assert "pending_contact_hint" not in summary
    row = registration_row(database, registration_id)
    assert row.contact_key == privacy.conversation_key(OTHER_PHONE)
    assert row.pending_contact_encrypted is None


def test_a_wrong_code_for_the_new_contact_keeps_the_old_one(service, clock, database, privacy):
    registration_id = activate(service, clock)
    service.change_contact(
        registration_id, REGISTRANT, registrations_module.Contact(Channel.EMAIL, EMAIL)
    )
    code = latest_code(database, privacy, registration_id)
    assert service.verify(registration_id, REGISTRANT, wrong(code))["result"] == "wrong_code"
    row = registration_row(database, registration_id)
    assert (row.contact_channel, row.contact_key) == ("sms", privacy.conversation_key(PHONE))
    assert row.pending_channel == "email"


def test_changing_the_contact_before_verifying_then_verifying_activates(
    service, database, privacy, clock
):
    issued = service.create(new_registration())
    clock.advance(seconds=61)
    service.change_contact(
        issued.registration_id, REGISTRANT, registrations_module.Contact(Channel.SMS, OTHER_PHONE)
    )
    code = latest_code(database, privacy, issued.registration_id)
    outcome = service.verify(issued.registration_id, REGISTRANT, code)
    # The person proved the (new) contact: the registration must be active now.
    assert (outcome["result"], outcome["status"]) == ("verified", "active")


# -- lifecycle ----------------------------------------------------------------------------------


def test_withdraw(service, database, clock):
    registration_id = activate(service, clock)
    summary = service.withdraw(registration_id, REGISTRANT)
    assert summary["status"] == "withdrawn"
    assert service.list_for(REGISTRANT) == []
    row = registration_row(database, registration_id)
    assert (row.status, as_utc(row.ended_at)) == (RegistrationStatus.WITHDRAWN, clock.now)


def test_stop_from_a_phone_ends_every_registration_to_it(service, database, privacy, clock):
    active = activate(service, clock)
    pending = service.create(new_registration(contact={"channel": "voice"})).registration_id
    other = service.create(new_registration(contact={"value": OTHER_PHONE})).registration_id
    assert service.withdraw_contact(privacy.conversation_keys(PHONE)) == 2
    statuses = {rid: registration_row(database, rid).status for rid in (active, pending, other)}
    assert statuses == {
        active: RegistrationStatus.WITHDRAWN,
        pending: RegistrationStatus.WITHDRAWN,
        other: RegistrationStatus.PENDING,
    }
    assert service.withdraw_contact(privacy.conversation_keys(PHONE)) == 0


def assert_erased(database: Database, privacy: Privacy, registration_id: str) -> None:
    """What the terms promise: an ended registration keeps no personal data."""
    row = registration_row(database, registration_id)
    assert privacy.decrypt(row.offender_name_encrypted) == ""
    assert privacy.decrypt(row.contact_encrypted) == ""
    assert row.offender_a_number_encrypted is None
    assert row.offender_birth_date_encrypted is None
    assert row.offender_country is None
    assert (row.key_a_number, row.key_identity, row.contact_key, row.pin_hash) == (
        None,
        None,
        "",
        "",
    )
    assert row.pending_contact_encrypted is None
    with database.session() as session:
        codes = session.execute(
            select(VerificationCode).where(VerificationCode.registration_id == registration_id)
        ).scalars()
        assert all(privacy.decrypt(code.code_encrypted) == "" and code.used_at for code in codes)


def test_withdrawing_does_not_reset_the_contacts_code_limit(service, clock):
    registration_id = service.create(new_registration()).registration_id
    service.withdraw(registration_id, REGISTRANT)
    with pytest.raises(RateLimited):
        service.create(new_registration())


def test_codes_older_than_a_day_are_deleted(service, database, clock):
    activate(service, clock)
    clock.advance(hours=25)
    service.expire_due()
    with database.session() as session:
        assert session.execute(select(VerificationCode)).all() == []


def test_withdrawing_erases_the_personal_data(service, database, privacy, clock):
    registration_id = activate(service, clock)
    service.change_contact(registration_id, REGISTRANT, Contact(Channel.EMAIL, EMAIL))
    summary = service.withdraw(registration_id, REGISTRANT)
    assert summary["offender_hint"] == "J. C. P. G."  # said once more, to confirm what ended
    assert_erased(database, privacy, registration_id)
    assert service.withdraw(registration_id, REGISTRANT)["status"] == "withdrawn"


def test_stop_erases_too(service, database, privacy, clock):
    registration_id = activate(service, clock)
    service.withdraw_contact(privacy.conversation_keys(PHONE))
    assert_erased(database, privacy, registration_id)


def test_expiry_ends_and_erases_old_registrations_and_unverified_sign_ups(
    service, database, privacy, clock
):
    active = activate(service, clock)
    unverified = service.create(new_registration(contact={"value": OTHER_PHONE})).registration_id
    clock.advance(hours=23)
    assert service.expire_due() == 0
    clock.advance(hours=2)
    recent = service.create(
        new_registration(registrant=OTHER_REGISTRANT, contact={"channel": "email", "value": EMAIL})
    ).registration_id
    assert service.expire_due() == 1  # the sign-up whose code was never entered, after a day
    assert registration_row(database, unverified).status is RegistrationStatus.EXPIRED
    assert_erased(database, privacy, unverified)
    assert registration_row(database, recent).status is RegistrationStatus.PENDING
    clock.advance(days=REGISTRATION_DAYS)
    assert service.expire_due() == 2  # the active one (term over) and the unverified "recent"
    assert registration_row(database, active).status is RegistrationStatus.EXPIRED
    assert_erased(database, privacy, active)


def test_renew_runs_active_registrations_for_another_term(service, database, privacy, clock):
    registration_id = activate(service, clock)
    service.create(new_registration(registrant=OTHER_REGISTRANT, contact={"channel": "voice"}))
    clock.advance(days=150)
    with database.session() as session:
        row = session.get(Registration, registration_id)
        assert row is not None
        row.reminder_sent_at = clock.now
    assert service.renew(privacy.conversation_keys(PHONE)) == 1  # the pending one is not renewed
    row = registration_row(database, registration_id)
    assert as_utc(row.expires_at) == clock.now + timedelta(days=REGISTRATION_DAYS)
    assert row.reminder_sent_at is None
    assert service.renew(privacy.conversation_keys(OTHER_PHONE)) == 0


def test_the_list_shows_hints_only(service, clock):
    activate(service, clock)
    service.create(new_registration(contact={"channel": "email", "value": EMAIL}))
    first, second = service.list_for(REGISTRANT)
    assert (first["status"], second["status"]) == ("active", "pending_verification")
    assert first["offender_hint"] == "J. C. P. G."
    assert (first["channel"], first["contact_hint"]) == ("sms", "***-0142")
    assert (second["channel"], second["contact_hint"]) == ("email", "a***@example.org")
    assert first["expires_at"] == (START + timedelta(days=REGISTRATION_DAYS)).isoformat()
    assert second["expires_at"] is None
    shown = repr([first, second])
    for secret in ("Juan", "Pérez", "204555781", "7135550142", "ana.perez"):
        assert secret not in shown


# -- one registrant, one set of registrations ---------------------------------------------------


def test_another_registrant_finds_nothing(service, database, privacy, clock):
    registration_id = activate(service, clock)
    contact = registrations_module.Contact(Channel.SMS, OTHER_PHONE)
    attempts: list[Callable[[], Any]] = [
        lambda: service.verify(registration_id, OTHER_REGISTRANT, "123456"),
        lambda: service.resend(registration_id, OTHER_REGISTRANT),
        lambda: service.withdraw(registration_id, OTHER_REGISTRANT),
        lambda: service.change_contact(registration_id, OTHER_REGISTRANT, contact),
        lambda: service.withdraw("0" * 32, REGISTRANT),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound):
            attempt()
    assert service.list_for(OTHER_REGISTRANT) == []
    row = registration_row(database, registration_id)
    assert row.status is RegistrationStatus.ACTIVE and row.pending_contact_encrypted is None
