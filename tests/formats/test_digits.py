from __future__ import annotations

import pytest

from formats.digits import (
    a_number_spans,
    parse_a_number,
    parse_pin,
    spoken_digits,
    spoken_digits_rewritten,
)


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
        ("el 911 o es otra cosa", "el 911 o es otra cosa"),
        ("call 911 o something", "call 911 o something"),
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


def test_spoken_digits_rewritten_says_where_each_number_was_said():
    said = "my pin is four eight two one and I have two kids"
    rewritten = spoken_digits_rewritten(said)
    assert rewritten.text == spoken_digits(said) == "my pin is 4821 and I have 2 kids"
    start = rewritten.text.index("4821")
    assert said[slice(*rewritten.original_span(start, start + 4))] == "four eight two one"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("A204555781", ["204555781"]),
        ("his a number is 204-555-781, hers A 201 334 987", ["204-555-781", "201 334 987"]),
        ("204555781", ["204555781"]),  # nine bare digits
        ("123-45-6789", []),  # the shape of a Social Security number
        ("call 713 555 0142", []),  # ten digits
        ("EAC204555781", []),
    ],
)
def test_a_number_spans_finds_every_a_number(text, found):
    assert [text[start:end] for start, end in a_number_spans(text)] == found
