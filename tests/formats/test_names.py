from __future__ import annotations

import pytest

from formats.names import name_initials, normalise_full_name


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
