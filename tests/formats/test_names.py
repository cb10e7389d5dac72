from __future__ import annotations

import pytest

from formats.names import name_initials, name_spans, normalise_full_name


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
        ("el nombre del agresor es Juan Carlos López", "Juan Carlos López"),
        ("the offender's name is ana perez", "Ana Perez"),
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


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("my name is ana perez and i need help", ["ana perez"]),
        ("me llamo ana maria lopez, y necesito ayuda", ["ana maria lopez"]),
        ("El nombre del agresor es Juan Carlos Lopez.", ["Juan Carlos Lopez"]),
        ("my ex Jose Villanueva is outside", ["Jose Villanueva"]),
        ("Xochitl Perez called me", ["Xochitl Perez"]),  # a sentence's first word, then a name
        ("Yesterday Jose came", ["Jose"]),
        ("mi hijo jose garcia", ["jose garcia"]),  # common names in lower case
        ("JOSE VILLANUEVA IS HERE", ["JOSE VILLANUEVA"]),
        ("Mr. Smith hit me", ["Smith"]),
        ("a man named pepe", ["pepe"]),
        ("Se llama María de la Cruz y vive en San Antonio", ["María de la Cruz"]),
        ("stop the alerts about Jose Ramirez's custody", ["Jose Ramirez"]),
        ("my daughter Elizabeth", ["Elizabeth"]),
    ],
)
def test_name_spans_finds_names_in_a_message(text, found):
    assert [text[a:b] for a, b in name_spans(text)] == found


@pytest.mark.parametrize(
    "text",
    [
        "I was told he is at the Houston center",
        "I live in Elizabeth",  # a city in New Jersey, after "in"
        "PLEASE HELP ME",
        "is this part of ICE",
        "Can I get alerts in Spanish",
        "Harris County jail",
        "en el condado de Los Angeles",
        "what does an immigration judge actually do",
        "my name is not important",
        "no way jose",
        "Lubbock Tx",
    ],
)
def test_name_spans_leaves_ordinary_words_and_places(text):
    assert name_spans(text) == []
