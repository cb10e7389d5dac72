from __future__ import annotations

from datetime import date

import phonenumbers
import pytest
from babel import Locale

from formats.values import (
    country_name,
    mask_email,
    mask_phone,
    name_initials,
    normalise_full_name,
    parse_a_number,
    parse_birth_date,
    parse_channel,
    parse_country,
    parse_date,
    parse_email,
    parse_language_choice,
    parse_phone,
    parse_pin,
    parse_relationship,
    parse_yes_no,
    spoken_digits,
)

TODAY = date(2025, 6, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("two oh four", "204"),
        ("dos cero cuatro", "204"),
        ("Two Oh Four", "204"),
        ("two-oh-four", "204"),
        ("my pin is four eight two one", "my pin is 4821"),
        ("mi pin es cuatro ocho dos uno", "mi pin es 4821"),
        ("a two oh four five five five seven eight one", "a 204555781"),
        ("one oh oh oh two", "10002"),
        ("two o four", "204"),
        ("nine 8 seven", "987"),
        ("dos, cinco", "2, 5"),
        # "oh" and "o" mean zero only next to a digit; Spanish "o" between numbers means "or".
        ("oh okay", "oh okay"),
        ("uno o dos", "1 o 2"),
        # Digits alone keep their grouping; other words are untouched.
        ("713 555 0142", "713 555 0142"),
        ("hello there", "hello there"),
        ("1º de marzo", "1º de marzo"),
        ("", ""),
    ],
)
def test_spoken_digits(text, expected):
    assert spoken_digits(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A204555781", "A204555781"),
        ("a 204-555-781", "A204555781"),
        ("A# 204555781", "A204555781"),
        ("A-204 555 781", "A204555781"),
        ("a204.555.781", "A204555781"),
        ("número A 204555781", "A204555781"),
        ("mi número A es 204 555 781", "A204555781"),
        ("my a number is 204555781", "A204555781"),
        ("204555781", "A204555781"),
        ("A-number: 12345678", "A012345678"),
        ("A12345678", "A012345678"),
        ("a two oh four five five five seven eight one", "A204555781"),
        ("a dos cero cuatro cinco cinco cinco siete ocho uno", "A204555781"),
        ("A204555781, born 03.03.1985", "A204555781"),
        ("A204555781, call me at 713-555-0142", "A204555781"),
    ],
)
def test_a_numbers_accepted(text, expected):
    assert parse_a_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "A1234567",  # 7 digits
        "A2045557811",  # 10 digits
        "12345678",  # 8 bare digits could be anything
        "713-555-0142",
        "(713) 555-0142",
        "+1 713 555 0142",
        "+52 55 1234 5678",
        "+204555781",
        "EAC204555781",
        "123-45-6789",  # a Social Security number's shape
        "204555781 or 204555782",
        "I don't have it",
        "",
    ],
)
def test_a_numbers_rejected(text):
    assert parse_a_number(text) is None


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("March 3, 1985", "en", date(1985, 3, 3)),
        ("3 March 1985", "en", date(1985, 3, 3)),
        ("Mar 3 85", "en", date(1985, 3, 3)),
        ("Mar. 3rd, '85", "en", date(1985, 3, 3)),
        ("3rd of March 1985", "en", date(1985, 3, 3)),
        ("the 1st of February 2001", "en", date(2001, 2, 1)),
        ("born on SEPTEMBER 21 1979", "en", date(1979, 9, 21)),
        ("1985-03-03", "en", date(1985, 3, 3)),
        ("1985/3/4", "es", date(1985, 3, 4)),
        ("03/03/1985", "en", date(1985, 3, 3)),
        ("3/4/1985", "en", date(1985, 3, 4)),
        ("3/4/1985", "es", date(1985, 4, 3)),
        ("13/4/1985", "en", date(1985, 4, 13)),
        ("4/13/1985", "es", date(1985, 4, 13)),
        ("3-4-85", "en", date(1985, 3, 4)),
        ("3-4-85", "es", date(1985, 4, 3)),
        ("3.4.1985", "es", date(1985, 4, 3)),
        ("3 / 4 / 1985", "en", date(1985, 3, 4)),
        ("3 de marzo de 1985", "es", date(1985, 3, 3)),
        ("marzo 3 1985", "es", date(1985, 3, 3)),
        ("tres de marzo de 1985", "es", date(1985, 3, 3)),
        ("Nací el 14 de Febrero del 90", "es", date(1990, 2, 14)),
        ("1º de septiembre de 1990", "es", date(1990, 9, 1)),
        ("primero de enero de 2000", "es", date(2000, 1, 1)),
        ("1ro de dic 1975", "es", date(1975, 12, 1)),
        ("3 SETIEMBRE 2001", "es", date(2001, 9, 3)),
        ("3 set 2001", "es", date(2001, 9, 3)),
        ("5 sept 2001", "en", date(2001, 9, 5)),
        ("9 ago 1999", "es", date(1999, 8, 9)),
        ("9 ene 1999", "es", date(1999, 1, 9)),
        ("9 abr 1999", "es", date(1999, 4, 9)),
        ("9 de Diciembre de 1999", "es", date(1999, 12, 9)),
        ("29 feb 2000", "en", date(2000, 2, 29)),
        # Two-digit years: the 2000s unless that is after today (2025-06-15).
        ("3/4/25", "en", date(2025, 3, 4)),
        ("6/16/25", "en", date(1925, 6, 16)),
        ("3/4/30", "en", date(1930, 3, 4)),
        ("1/1/00", "en", date(2000, 1, 1)),
    ],
)
def test_dates(text, language, expected):
    assert parse_date(text, language, today=TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Feb 30 1985",
        "31/31/1985",
        "13/13/1985",
        "29 feb 2001",
        "March 1985",  # no day
        "March 3",  # no year
        "713.555.0142",
        "A204555781",
        "yesterday",
        "",
    ],
)
def test_dates_rejected(text):
    assert parse_date(text, "en", today=TODAY) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("March 3, 1985", date(1985, 3, 3)),
        ("15/6/2025", date(2025, 6, 15)),  # born today
        ("16/6/1915", date(1915, 6, 16)),  # 110 years ago less a day
        ("16/6/2025", None),  # tomorrow
        ("1 ene 2030", None),
        ("14/6/1915", None),  # more than 110 years ago
        ("not a date", None),
    ],
)
def test_birth_dates(text, expected):
    assert parse_birth_date(text, "es", today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("05041985", "en", date(1985, 5, 4)),  # keyed on a phone: month, day, year
        ("05041985", "es", date(1985, 4, 5)),  # día, mes, año
        ("0 5 0 4 1 9 8 5", "en", date(1985, 5, 4)),
        ("25041985", "en", date(1985, 4, 25)),  # 25 can only be the day
        ("zero five zero four one nine eight five", "en", date(1985, 5, 4)),
        ("12345678", "en", None),
        ("050419851", "en", None),
        ("my number 05041985", "en", None),  # the whole answer only
    ],
)
def test_birth_dates_keyed_as_eight_digits(text, language, expected):
    assert parse_birth_date(text, language, today=TODAY) == expected


def test_birth_date_when_today_is_29_february():
    assert parse_birth_date("1 March 1914", today=date(2024, 2, 29)) == date(1914, 3, 1)
    assert parse_birth_date("28 Feb 1914", today=date(2024, 2, 29)) is None


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
    ("text", "expected"),
    [
        ("4821", "4821"),
        ("4 8 2 1", "4821"),
        ("48-21", "4821"),
        ("pin: 4,8,2,1", "4821"),
        ("my pin is 4821.", "4821"),
        ("0042", "0042"),
        ("four eight two one", "4821"),
        ("cuatro ocho dos uno", "4821"),
        ("oh oh four two", "0042"),
        ("482", None),
        ("48213", None),
        ("4821 or 4822", None),
        ("713-555-0142", None),
        ("no sé", None),
        ("", None),
    ],
)
def test_pins(text, expected):
    assert parse_pin(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "yes", "Yes!", "YES", "y", "yeah", "yep", "ok", "OK.", "okay", "sure", "correct",
        "right", "1", "one", "sí", "si", "Sí.", "¡Sí, claro!", "claro", "correcto",
        "de acuerdo", "vale", "acepto", "I accept", "I agree", "yes please", "that's right",
        "si por favor", "yes yes", "está bien", "uno",
    ],
)  # fmt: skip
def test_yes(text):
    assert parse_yes_no(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "no", "No.", "NO!", "nope", "n", "2", "not", "nah", "no gracias", "no thanks",
        "incorrecto", "incorrect", "no, the birth date is wrong", "No, la fecha está mal",
        "no no", "that's wrong", "no es correcto", "dos",
    ],
)  # fmt: skip
def test_no(text):
    assert parse_yes_no(text) is False


@pytest.mark.parametrize(
    "text",
    [
        "no sé", "not sure", "maybe", "yes, no", "no, yes", "yes but the date is wrong",
        "I don't know", "3", "hello", "", " ?! ",
    ],
)  # fmt: skip
def test_neither_yes_nor_no(text):
    assert parse_yes_no(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("text", "sms"),
        ("SMS", "sms"),
        ("text me please", "sms"),
        ("message", "sms"),
        ("mensaje de texto", "sms"),
        ("por texto", "sms"),
        ("1", "sms"),
        ("uno", "sms"),
        ("call", "voice"),
        ("phone call", "voice"),
        ("voice", "voice"),
        ("una llamada", "voice"),
        ("llamar", "voice"),
        ("llámame", "voice"),
        ("2", "voice"),
        ("email", "email"),
        ("E-mail", "email"),
        ("mail", "email"),
        ("correo", "email"),
        ("correo electrónico", "email"),
        ("3", "email"),
        ("text or call", None),
        ("4", None),
        ("whatever", None),
        ("", None),
    ],
)
def test_channels(text, expected):
    assert parse_channel(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("English", "en"),
        ("inglés", "en"),
        ("in english please", "en"),
        ("1", "en"),
        ("Spanish", "es"),
        ("español", "es"),
        ("ESPANOL", "es"),
        ("en español por favor", "es"),
        ("castellano", "es"),
        ("2", "es"),
        ("english or spanish", None),
        ("français", None),
        ("3", None),
    ],
)
def test_language_choices(text, expected):
    assert parse_language_choice(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I am the victim", "victim"),
        ("me", "victim"),
        ("it was me", "victim"),
        ("yo", "victim"),
        ("víctima", "victim"),
        ("soy la víctima", "victim"),
        ("I am", "victim"),
        ("1", "victim"),
        ("family", "family"),
        ("his mother", "family"),
        ("my son", "family"),
        ("I am the victim's mother", "family"),
        ("familiar", "family"),
        ("su madre", "family"),
        ("mi hijo", "family"),
        ("yo soy su hermana", "family"),
        ("2", "family"),
        ("guardian", "guardian"),
        ("legal guardian", "guardian"),
        ("I'm his legal guardian", "guardian"),
        ("tutor", "guardian"),
        ("tutora", "guardian"),
        ("3", "guardian"),
        ("I am not sure", None),
        ("hello", None),
        ("", None),
    ],
)
def test_relationships(text, expected):
    assert parse_relationship(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mexico", "MX"),
        ("México", "MX"),
        ("mexicano", "MX"),
        ("MEXICANA", "MX"),
        ("soy de México", "MX"),
        ("El Salvador", "SV"),
        ("salvadoreño", "SV"),
        ("salvadoreña", "SV"),
        ("Guatemala", "GT"),
        ("guatemalteco", "GT"),
        ("Honduras", "HN"),
        ("hondureña", "HN"),
        ("nicaragüense", "NI"),
        ("cubano", "CU"),
        ("USA", "US"),
        ("U.S.", "US"),
        ("US", "US"),
        ("Estados Unidos", "US"),
        ("EE. UU.", "US"),
        ("Dominican Republic", "DO"),
        ("República Dominicana", "DO"),
        ("dominicana", "DO"),
        ("Dominica", "DM"),
        ("haitiana", "HT"),
        ("venezolanos", "VE"),
        ("colombiana", "CO"),
        ("Columbia", "CO"),
        ("Perú", "PE"),
        ("ecuatoriano", "EC"),
        ("chinese", "CN"),
        ("India", "IN"),
        ("filipina", "PH"),
        ("Viet Nam", "VN"),
        ("jamaican", "JM"),
        ("Brasil", "BR"),
        ("Papua New Guinea", "PG"),
        ("Guinea", "GN"),
        ("Côte d'Ivoire", "CI"),
        ("Saint Kitts and Nevis", "KN"),
        ("Trinidad y Tobago", "TT"),
        ("Myanmar", "MM"),
        ("Türkiye", "TR"),
        ("Sudán del Sur", "SS"),
        ("Alemania", "DE"),
    ],
)
def test_countries(text, expected):
    assert parse_country(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I am Mexican, from Guatemala",  # two countries
        "I live in New Mexico",
        "help us",
        "Europe",
        "Kosovo",  # XK is user-assigned, not ISO 3166-1
        "Narnia",
        "001",
        "",
    ],
)
def test_countries_rejected(text):
    assert parse_country(text) is None


# Babel's two-letter codes that are not ISO 3166-1 countries.
NOT_ISO_3166 = {
    *("AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "TA", "UN"),  # exceptionally reserved
    *("QO", "XA", "XB", "XK", "ZZ"),  # user-assigned
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_country_name_round_trips(language):
    codes = {str(code) for code in Locale("en").territories if str(code).isalpha()}
    found = {code: parse_country(country_name(code, language)) for code in codes - NOT_ISO_3166}
    assert len(found) == 249  # ISO 3166-1 has 249 alpha-2 codes
    assert {code: result for code, result in found.items() if result != code} == {}


@pytest.mark.parametrize(
    ("code", "language", "expected"),
    [
        ("MX", "es", "México"),
        ("mx", "en", "Mexico"),
        ("US", "es", "Estados Unidos"),
        ("DO", "es", "República Dominicana"),
        ("DO", "en", "Dominican Republic"),
    ],
)
def test_country_names(code, language, expected):
    assert country_name(code, language) == expected


@pytest.mark.parametrize("code", ["ZZ", "EU", "001", "XK", "ABC", ""])
def test_country_name_of_a_non_country(code):
    with pytest.raises(ValueError, match="country code"):
        country_name(code, "en")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("his name is José María O'Neil-Pérez", "José María O'Neil-Pérez"),
        ("JOSE PEREZ", "Jose Perez"),
        ("ana maría de la cruz", "Ana María de la Cruz"),
        ("JUAN DE LA CRUZ", "Juan de la Cruz"),
        ("se llama Juan Pérez", "Juan Pérez"),
        ("Se llama juan pérez.", "Juan Pérez"),
        ("el nombre es Ana López", "Ana López"),
        ("Mi nombre es Ana Pérez.", "Ana Pérez"),
        ("Name: Tran Thi My", "Tran Thi My"),
        ("it's Ana Perez", "Ana Perez"),
        ("McDonald DeLeon", "McDonald DeLeon"),
        ("john f. kennedy", "John F. Kennedy"),
        ("  ana    perez  ", "Ana Perez"),
        ("o\u2019brien smith", "O'Brien Smith"),
        ("JOHN E SMITH", "John E Smith"),
        ("John", None),
        ("his name is José", None),
        ("John 3 Smith", None),
        ("I don't know", None),
        ("no sé", None),
        ("Ana, Perez", None),
        ("de la", None),
        ("ana " * 26, None),  # over 100 characters
        ("", None),
    ],
)
def test_full_names(text, expected):
    assert normalise_full_name(text) == expected


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
    ("value", "expected"),
    [
        ("John Doe", "J. D."),
        ("José María O'Neil-Pérez", "J. M. O."),
        ("María de la Cruz", "M. C."),
        ("ana perez", "A. P."),
        ("", ""),
    ],
)
def test_name_initials(value, expected):
    assert name_initials(value) == expected
