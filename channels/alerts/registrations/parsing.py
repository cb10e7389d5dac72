"""A registration as the API receives it: checked field by field, every problem named at once
(``RegistrationError``), and what a contact may show of itself (``hint``)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

import phonenumbers

from channels.alerts.registrations.errors import RegistrationError
from channels.outbound.message import Channel
from channels.texts.languages import LANGUAGES
from formats.contacts import mask_email, mask_phone, parse_email, parse_phone
from formats.countries import country_code
from formats.digits import parse_a_number
from formats.names import normalise_full_name

THIS_NUMBER = "this_number"
RELATIONSHIPS = ("victim", "family", "guardian")


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


def parse_new_registration(payload: dict[str, Any]) -> NewRegistration:
    """Checks an API payload field by field; raises RegistrationError listing every problem."""
    errors: dict[str, str] = {}
    registrant = _text(payload, "registrant")
    if not registrant or len(registrant) > 64:
        errors["registrant"] = "required, at most 64 characters"
    relationship = _text(payload, "relationship")
    if relationship not in RELATIONSHIPS:
        errors["relationship"] = f"one of {', '.join(RELATIONSHIPS)}"
    terms_version = _text(payload, "terms_version")
    if not terms_version or len(terms_version) > 32:
        errors["terms_version"] = "required: the version of the accepted terms (32 characters)"
    offender = _parse_offender(_object(payload, "offender"), errors)
    contact = parse_contact(_object(payload, "contact"), errors)
    language = _text(payload, "language")
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
    assert contact is not None and isinstance(pin, str)
    return NewRegistration(
        registrant=registrant,
        relationship=relationship,
        terms_version=terms_version,
        offender_name=offender.name,
        a_number=offender.a_number,
        birth_date=offender.birth_date,
        country=offender.country,
        contact=contact,
        voicemail_ok=bool(flags["voicemail_ok"]),
        discreet=bool(flags["discreet"]),
        language=language,
        pin=pin,
    )


def _text(source: dict[str, Any], key: str) -> str:
    value = source.get(key)
    return value.strip() if isinstance(value, str) else ""


def _parse_offender(offender: dict[str, Any], errors: dict[str, str]) -> Offender:
    """The offender's fields (their problems added to ``errors``; the name is "" when bad)."""
    name = normalise_full_name(_text(offender, "name"))
    if name is None:
        errors["offender.name"] = "a full name: at least two words, letters only"
    a_number = None
    if _text(offender, "a_number"):
        a_number = parse_a_number(_text(offender, "a_number"))
        if a_number is None:
            errors["offender.a_number"] = "the letter A and 8 or 9 digits, like A204555781"
    birth_date = None
    if _text(offender, "birth_date"):
        try:
            birth_date = date.fromisoformat(_text(offender, "birth_date"))
        except ValueError:
            errors["offender.birth_date"] = "a date as YYYY-MM-DD"
    country = _text(offender, "country_of_birth").upper() or None
    if country is not None and country_code(country) != country:
        errors["offender.country_of_birth"] = "an ISO 3166 two-letter country code, like MX"
    if a_number is None and not (birth_date and country) and "offender.a_number" not in errors:
        errors["offender"] = "an A-number, or a birth date and a country of birth"
    return Offender(name=name or "", a_number=a_number, birth_date=birth_date, country=country)


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
        email = parse_email(value)
        if email is None:
            errors["contact.value"] = "an e-mail address, like ana@example.org"
            return None
        return Contact(channel, email)
    if value == THIS_NUMBER:
        return Contact(channel, THIS_NUMBER)
    phone = parse_phone(value)
    if phone is None:
        errors["contact.value"] = "a phone number, like +1 713 555 0142, or this_number"
        return None
    return Contact(channel, phone)


def check_contact_country(contact: Contact, countries: Collection[str]) -> None:
    """Texts and calls go only to numbers of the configured countries (default: the US and its
    territories): one texter cannot make the hotline text or call numbers anywhere."""
    if contact.channel is Channel.EMAIL or contact.value == THIS_NUMBER:
        return
    region = phonenumbers.region_code_for_number(phonenumbers.parse(contact.value))
    if region not in countries:
        allowed = ", ".join(countries)
        raise RegistrationError({"contact.value": f"a phone number in {allowed}"})


def hint(channel: str, value: str) -> str:
    """What the person may see of a contact: ***-0142 or a***@example.org."""
    return mask_email(value) if channel == Channel.EMAIL.value else mask_phone(value)
