"""The end of ``registration_form``: everything read back in one message for a YES, and the
corrections it accepts ("the birth date is wrong", "the name is Jose Luis Garcia", "use my
e-mail ana@example.org"), which change only the answers they name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import phonenumbers
from babel.dates import format_date
from rasa_sdk import Tracker
from rasa_sdk.types import DomainDict

from actions.forms import AskSlot, contact_phone, conversation_language, fold, known_a_number, words
from actions.gateway import THIS_NUMBER
from actions.responses import message_channel, response_text
from actions.slots import (
    REG_A_NUMBER,
    REG_BIRTH_DATE,
    REG_CHANNEL,
    REG_CONFIRMED,
    REG_CONTACT,
    REG_COUNTRY,
    REG_DISCREET,
    REG_LANGUAGE,
    REG_OFFENDER_NAME,
    REG_PIN,
    REG_RELATIONSHIP,
    REG_VOICEMAIL_OK,
)
from formats.answers import parse_channel, parse_language_choice, parse_relationship, parse_yes_no
from formats.contacts import parse_email
from formats.countries import country_name, parse_country
from formats.dates import parse_birth_date
from formats.digits import parse_a_number, parse_pin
from formats.names import normalise_full_name

# -- the read-back -----------------------------------------------------------------------------


class AskConfirmed(AskSlot):
    """The read-back: everything that will be registered, in one message, PIN hidden."""

    slot = REG_CONFIRMED

    def question(self, tracker: Tracker, domain: DomainDict) -> tuple[str, dict[str, Any]]:
        return "utter_ask_reg_confirmed", read_back(tracker, domain)


def read_back(tracker: Tracker, domain: DomainDict) -> dict[str, str]:
    """The variables of utter_ask_reg_confirmed, in the conversation's language."""
    language = conversation_language(tracker)
    channel = message_channel(tracker)

    def part(piece: str, **values: str) -> str:
        text = response_text(domain, f"utter_reg_part_{piece}", language, channel)
        return text.format(**values)

    name = str(tracker.get_slot(REG_OFFENDER_NAME) or "")
    a_number = known_a_number(tracker)
    if a_number:
        offender = part("a_number", name=name, a_number=a_number)
    else:
        offender = part(
            "birth",
            name=name,
            birth_date=_shown_date(tracker.get_slot(REG_BIRTH_DATE), language),
            country=_shown_country(tracker.get_slot(REG_COUNTRY), language),
        )
    channel = str(tracker.get_slot(REG_CHANNEL) or "sms")
    contact = str(tracker.get_slot(REG_CONTACT) or "")
    if contact == THIS_NUMBER:
        shown_contact = part("this_number")
    elif channel == "email":
        shown_contact = contact
    else:
        shown_contact = _shown_phone(contact)
    options = part("discreet" if tracker.get_slot(REG_DISCREET) is not False else "not_discreet")
    if channel == "voice":
        options += " " + part("voicemail" if tracker.get_slot(REG_VOICEMAIL_OK) else "no_voicemail")
    chosen = tracker.get_slot(REG_LANGUAGE) or language
    return {
        "offender": offender,
        "contact": part(channel, contact=shown_contact),
        "language_name": part(f"language_{chosen}"),
        "options": options,
    }


def _shown_date(value: Any, language: str) -> str:
    try:
        return format_date(date.fromisoformat(str(value)), format="long", locale=language)
    except ValueError:
        return str(value or "")


def _shown_country(value: Any, language: str) -> str:
    try:
        return country_name(str(value or ""), language)
    except ValueError:
        return str(value or "")


def _shown_phone(e164: str) -> str:
    """(713) 555-0142 for US numbers, +52 55 1234 5678 for others."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


# -- corrections -------------------------------------------------------------------------------

# At the read-back: which answer a correction is about. The earliest mention in the message
# wins; on a tie the first pattern here ("numero A" is the A-number, not the phone number).
_FIELDS = (
    (REG_A_NUMBER, r"\ba[\s#-]*number\b|\banumber\b|\bnumero\s*a\b|\balien\b|\bextranjero\b"),
    (REG_BIRTH_DATE, r"\bbirth\s*date\b|\bdate of birth\b|\bbirthday\b|\bdob\b|\bfecha\b"
                     r"|\bnacimiento\b|\bcumpleanos\b"),
    (REG_VOICEMAIL_OK, r"\bvoice\s*mail\b|\bbuzon\b|\bmensajes? de voz\b"),
    (REG_PIN, r"\bpin\b"),
    (REG_COUNTRY, r"\bcountry\b|\bpais\b"),
    (REG_LANGUAGE, r"\blanguage\b|\bidioma\b|\benglish\b|\bspanish\b|\bingles\b|\bespanol\b"),
    (REG_DISCREET, r"\bwording\b|\bdiscreet\b|\bneutral\b|\bneutras?\b|\bpalabras\b|\bdiscreto\b"),
    (REG_CONTACT, r"\bphone\b|\bnumber\b|\bcell\b|\be-?mail\b|\baddress\b|\bcorreo\b|\btelefono\b"
                  r"|\bnumero\b|\bcelular\b|\bcel\b"),
    (REG_CHANNEL, r"\btexts?\b|\bcalls?\b|\bchannel\b|\bllamadas?\b|\bmensajes?\b|\btextos?\b"),
    (REG_RELATIONSHIP, r"\brelationship\b|\bvictim\b|\bfamily\b|\bguardian\b|\bvictima\b"
                       r"|\bfamiliar\b|\btutora?\b|\bparentesco\b"),
    (REG_OFFENDER_NAME, r"\bname\b|\bnombre\b|\bapellido\b|\bspell"),
)  # fmt: skip
# What stands between the field and a corrected value: "the name IS ...", "el país ES ...".
_LEAD = re.compile(
    r"^[\s:=,.-]*(?:(?:is|was|should be|must be|es|era|debe ser|deberia ser|to|a|al|esta)\b"
    r"[\s:=,.-]*)*",
    re.IGNORECASE,
)
_NOT_A_VALUE = frozenset(
    {"wrong", "incorrect", "misspelled", "spelled", "typo", "mistake", "error", "change",
     "changed", "bad", "mal", "incorrecto", "incorrecta", "equivocado", "equivocada", "cambiar",
     "cambio", "errores"}
)  # fmt: skip


def mentioned_field(text: str) -> tuple[str, str] | None:
    """The answer a correction names, and the text after that name: "the birth date is wrong"
    -> (reg_birth_date, "is wrong")."""
    folded = fold(text)
    best: tuple[int, int, str, int] | None = None
    for priority, (slot, pattern) in enumerate(_FIELDS):
        match = re.search(pattern, folded)
        if match and (best is None or (match.start(), priority) < (best[0], best[1])):
            best = (match.start(), priority, slot, match.end())
    if best is None:
        return None
    return best[2], text[best[3] :]


def sounds_negative(text: str) -> bool:
    """Whether the message says no, or that something is wrong: "yes, but the PIN is wrong"
    corrects, where "yes, the PIN is fine" confirms."""
    return bool(set(words(text).split()) & (_NOT_A_VALUE | {"no", "not", "but", "pero"}))


def corrected_name(after: str) -> str | None:
    """A name given with the correction ("the name is Jose Luis Garcia"), not "is spelled wrong"."""
    candidate = _LEAD.sub("", after, count=1)
    if set(words(candidate).split()) & _NOT_A_VALUE:
        return None
    return normalise_full_name(candidate)


def correction(
    field: str, after: str, text: str, tracker: Tracker, language: str
) -> dict[str, Any]:
    """The slot changes for "<field> is wrong" (clear it, so the form asks again) or
    "<field> is <value>" (take the value), with what depends on it."""
    if field == REG_CONTACT:
        return _contact_correction(text, tracker.get_slot(REG_CHANNEL))
    if field == REG_CHANNEL:
        channel = parse_channel(text)
        return {**after_channel_change(channel, tracker), REG_CHANNEL: channel}
    return {field: _CORRECTED[field](text, after, language)}


def _yes_no_or_none(text: str, flip: bool) -> bool | None:
    answer = parse_yes_no(text)
    return None if answer is None else answer != flip


def _iso(found: date | None) -> str | None:
    return found.isoformat() if found else None


# The new value a correction may carry: (whole message, text after the field's name, language).
_CORRECTED: dict[str, Callable[[str, str, str], Any]] = {
    REG_OFFENDER_NAME: lambda text, after, language: corrected_name(after),
    REG_A_NUMBER: lambda text, after, language: parse_a_number(text),
    REG_BIRTH_DATE: lambda text, after, language: _iso(parse_birth_date(text, language)),
    REG_COUNTRY: lambda text, after, language: parse_country(text),
    REG_RELATIONSHIP: lambda text, after, language: parse_relationship(text),
    REG_VOICEMAIL_OK: lambda text, after, language: _yes_no_or_none(after, flip=False),
    REG_DISCREET: lambda text, after, language: _yes_no_or_none(after, flip=True),
    REG_LANGUAGE: lambda text, after, language: parse_language_choice(text),
    REG_PIN: lambda text, after, language: parse_pin(text),
}


def after_channel_change(channel: str | None, tracker: Tracker) -> dict[str, Any]:
    """What a new channel makes obsolete: a contact that does not suit it, the voicemail
    answer unless it is calls."""
    changes: dict[str, Any] = {}
    if channel is None or not compatible(channel, tracker.get_slot(REG_CONTACT)):
        changes[REG_CONTACT] = None
    if channel != "voice":
        changes[REG_VOICEMAIL_OK] = None
    return changes


def compatible(channel: str | None, contact: str | None) -> bool:
    """Whether a contact given earlier suits the channel (an e-mail is not a phone)."""
    if not channel or not contact:
        return True
    return (channel == "email") == ("@" in contact)


def _contact_correction(text: str, channel: str | None) -> dict[str, Any]:
    """A new e-mail switches to e-mail alerts; a phone number for e-mail alerts asks the channel
    again; "I want e-mail instead" changes the channel and asks for the address."""
    email = parse_email(text)
    if email:
        return {REG_CHANNEL: "email", REG_CONTACT: email, REG_VOICEMAIL_OK: None}
    phone = contact_phone(text)
    if phone:
        return {REG_CONTACT: phone, REG_CHANNEL: None if channel == "email" else channel}
    wanted = parse_channel(text)
    if wanted and wanted != channel:
        return {REG_CHANNEL: wanted, REG_CONTACT: None, REG_VOICEMAIL_OK: None}
    return {REG_CONTACT: None}
