from __future__ import annotations

from datetime import date

import pytest

from formats.dates import date_spans, parse_birth_date, parse_date

TODAY = date(2025, 6, 15)


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
    ("text", "found"),
    [
        ("born May 4 1985", ["May 4 1985"]),
        ("el 4 de mayo de 1985", ["4 de mayo de 1985"]),
        ("4 de mayo", ["4 de mayo"]),
        ("on the 4th of May", ["4th of May"]),
        ("March 3rd, 1985", ["March 3rd, 1985"]),
        ("desde mayo de 1985", ["mayo de 1985"]),
        ("nacio el primero de enero del 85", ["primero de enero del 85"]),
        ("dob 04/05/1985", ["04/05/1985"]),
        ("1985-05-04", ["1985-05-04"]),
        ("he left on 4/5", ["4/5"]),
        ("born in 1985", ["1985"]),
        ("2019May 1", ["May 1"]),
    ],
)
def test_date_spans_finds_dates_with_or_without_a_year(text, found):
    assert sorted(text[a:b] for a, b in date_spans(text)) == sorted(found)


@pytest.mark.parametrize(
    "text",
    [
        "May I ask something",
        "I set 4 alarms",  # "set" is September only with a year
        "open 24/7",
        "1/2 hour",
        "in 2019 he was deported",
        "are you open on the 4th of July",  # a holiday names nobody's date
        "el 5 de mayo",
        "a las 4 de la tarde",
        "13/45/2020",
    ],
)
def test_date_spans_leaves_what_is_not_a_date(text):
    assert date_spans(text) == []
