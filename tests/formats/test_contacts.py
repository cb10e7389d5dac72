from __future__ import annotations

import phonenumbers
import pytest

from formats.contacts import (
    email_spans,
    mask_email,
    mask_phone,
    parse_contact_phone,
    parse_email,
    parse_phone,
    phone_spans,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(713) 555-0142", "+17135550142"),
        ("713.555.0142", "+17135550142"),
        ("713-555-0142.", "+17135550142"),
        ("7135550142", "+17135550142"),
        ("1 713 555 0142", "+17135550142"),
        ("+1 (713) 555-0142", "+17135550142"),
        ("my number is 713 555 0142 thanks", "+17135550142"),
        ("+52 55 1234 5678", "+525512345678"),
        ("+503 7123 4567", "+50371234567"),
        ("seven one three five five five oh one four two", "+17135550142"),
        ("siete uno tres cinco cinco cinco cero uno cuatro dos", "+17135550142"),
        ("713-555-0142, again: 7135550142", "+17135550142"),  # the same number twice
    ],
)
def test_phones(text, expected):
    assert parse_phone(text) == expected


def test_phone_default_region():
    assert parse_phone("55 1234 5678", default_region="MX") == "+525512345678"


@pytest.mark.parametrize(
    "text",
    [
        "555-0142",  # no area code
        "+1 555 010 0123",  # 555 is not an area code
        "call 713 555 0142 or 832 555 0199",  # two numbers
        "A204555781",
        "12345",
        "no tengo teléfono",
        "",
    ],
)
def test_phones_rejected(text):
    assert parse_phone(text) is None


def test_fictional_555_01xx_numbers_are_valid_to_phonenumbers():
    """parse_phone relies on this for test and demo numbers; if it changes, it needs a rule."""
    assert phonenumbers.is_valid_number(phonenumbers.parse("+17135550142"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my email is Ana.Perez@Example.org", "Ana.Perez@example.org"),
        ("ana@example.org", "ana@example.org"),
        ("ANA@EXAMPLE.ORG.", "ANA@example.org"),
        ("<ana+hotline@mail.example.co.uk>", "ana+hotline@mail.example.co.uk"),
        ("mi correo: maria_lopez99@correo-ejemplo.mx", "maria_lopez99@correo-ejemplo.mx"),
        ("ana dot perez at example dot org", "ana.perez@example.org"),
        ("ana punto perez arroba ejemplo punto com", "ana.perez@ejemplo.com"),
        ("ana underscore perez at example dot org", "ana_perez@example.org"),
        ("ana guion bajo perez arroba ejemplo punto com", "ana_perez@ejemplo.com"),
        ("ana@example dot org", "ana@example.org"),
        ("a@x.org and again a@X.ORG", "a@x.org"),
    ],
)
def test_emails(text, expected):
    assert parse_email(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ana@example",
        "a@b.c",
        "ana..perez@example.org",
        "ana perez@example .org",
        "josé@example.com",
        "ana@-example.org",
        "a@x.org or b@y.org",
        "I'm at home",
        "no tengo correo",
        "",
    ],
)
def test_emails_rejected(text):
    assert parse_email(text) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("+17135550142", "***-0142"), ("+525512345678", "***-5678"), ("12", "***")],
)
def test_mask_phone(value, expected):
    assert mask_phone(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("ana.perez@example.org", "a***@example.org"), ("A@X.ORG", "A***@x.org"), ("ana", "***")],
)
def test_mask_email(value, expected):
    assert mask_email(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(713) 555-0142", "+17135550142"),
        ("+1 787 555 0142", "+17875550142"),  # Puerto Rico
        ("+1 671 555 0142", "+16715550142"),  # Guam
        ("+52 55 1234 5678", None),
        ("+44 20 7946 0958", None),
        ("no number", None),
    ],
)
def test_contact_phones_are_of_the_allowed_countries(text, expected):
    assert parse_contact_phone(text) == expected
    assert parse_contact_phone("+52 55 1234 5678", ("MX",)) == "+525512345678"


def test_phone_spans_finds_every_phone_number():
    text = "call (713) 555-0142 or +52 55 1234 5678, not 911"
    assert [text[a:b] for a, b in phone_spans(text)] == ["(713) 555-0142", "+52 55 1234 5678"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("write ana.perez@example.org or Bob@x.io", ["ana.perez@example.org", "Bob@x.io"]),
        ("ana dot perez at example dot org", ["ana dot perez at example dot org"]),
        (
            "mi correo es ana punto perez arroba example punto org",
            ["ana punto perez arroba example punto org"],
        ),
        ("I was at home, then at work", []),
        ("email me at ana.perez@example.org", ["ana.perez@example.org"]),  # not "me@ana.perez"
    ],
)
def test_email_spans_finds_written_and_spoken_addresses(text, found):
    assert [text[a:b] for a, b in email_spans(text)] == found
