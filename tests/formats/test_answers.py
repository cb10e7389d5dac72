from __future__ import annotations

import pytest

from formats.answers import (
    parse_bare_yes_no,
    parse_channel,
    parse_language_choice,
    parse_relationship,
    parse_yes_no,
)


@pytest.mark.parametrize(
    "text",
    [
        "yes", "Yes!", "YES", "y", "yeah", "yep", "ok", "OK.", "okay", "sure", "correct",
        "right", "1", "one", "sí", "si", "Sí.", "¡Sí, claro!", "claro", "correcto",
        "de acuerdo", "vale", "acepto", "I accept", "I agree", "yes please", "that's right",
        "si por favor", "yes yes", "está bien", "uno",
        # As people text it: held letters, "please" around the answer, the keypad, Spanish.
        "yes pls", "Yes, please.", "yesss", "yess!!", "yea", "yeh", "k", "okk", "SÍ", "SI",
        "sí", "siii", "Sí claro", "claro que sí", "sip", "simón", "ajá", "dale", "ok pls",
        "si porfa", "si gracias", "yes thank you", "1.", "#1",
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
        "NO", "nop", "nope!", "noooo", "nah", "nel", "NO GRACIAS",
        "no please", "no por favor", "not now", "claro que no", "para nada", "negativo",
        "ahorita no", "2.", "#2",
    ],
)  # fmt: skip
def test_no(text):
    assert parse_yes_no(text) is False


@pytest.mark.parametrize(
    "text",
    [
        "no sé", "not sure", "maybe", "yes, no", "no, yes", "yes but the date is wrong",
        "I don't know", "3", "hello", "", " ?! ",
        "please", "por favor", "pls", "11", "12", "ok thanks", "si no", "nose",
    ],
)  # fmt: skip
def test_neither_yes_nor_no(text):
    assert parse_yes_no(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", True), ("Sí, claro.", True), ("yes pls", True), ("Yes, please.", True),
        ("2", False), ("NO", False), ("nop", False), ("no, no", False), ("No gracias.", False),
        # Saying more than the answer: a correction, leaving, or a contradiction.
        ("no, the phone number is wrong", None), ("no, ya no quiero seguir con el registro", None),
        ("yes but the date is wrong", None), ("yes, no", None), ("please", None), ("", None),
    ],
)  # fmt: skip
def test_a_bare_answer_is_nothing_but_the_answer(text, expected):
    assert parse_bare_yes_no(text) is expected


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
