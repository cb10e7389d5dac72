"""Places and language names from lists: the rules on a small gazetteer, case by case."""

from __future__ import annotations

import pytest

from formats.gazetteer import Gazetteer

GAZETTEER = Gazetteer.build(
    places=["Houston", "San Antonio", "El Paso", "Mesa", "Mobile", "Salinas", "El Centro",
            "Harris County", "Socorro", "Charlotte", "Lubbock", "New York"],
    states=["Texas", "Arizona", "New Mexico", "Carolina del Norte", "California", "Florida"],
    state_codes=["TX", "AZ", "CA", "OR", "IN", "ME", "MI"],
    ordinary_words=["mesa", "mobile", "el", "centro", "paso", "socorro", "charlotte", "or", "in",
                    "me", "mi", "florida"],
)  # fmt: skip


def places(text: str) -> list[str]:
    return [f.text for f in GAZETTEER.find(text) if f.entity == "location"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("any shelters in houston", ["houston"]),
        ("ANY SHELTERS IN HOUSTON", ["HOUSTON"]),
        ("hay refugios cerca de San Antonio", ["San Antonio"]),
        ("san antonio texas", ["san antonio", "texas"]),
        ("im in Houston tx", ["Houston", "tx"]),
        ("vivimos en Lubbock Tx", ["Lubbock", "Tx"]),
        ("Houston, TX", ["Houston", "TX"]),
        ("Albuquerque new mexico", ["new mexico"]),  # a city not in this list; the state is
        ("Charlotte Carolina del Norte", ["Charlotte", "Carolina del Norte"]),
        ("legal aid in El Paso", ["El Paso"]),
        ("help in el paso", []),  # "el" and "paso" are ordinary words, written as words
        ("I live in Mesa", ["Mesa"]),
        ("mesa az", ["mesa", "az"]),
        ("support groups in TX", ["TX"]),
        ("estoy en el condado de Harris", ["condado de Harris"]),
        ("estoy en el condado de Maricopa", ["condado de Maricopa"]),  # capitalised: a name
        ("shelters in Harris County", ["Harris County"]),
        ("Cook County", ["Cook County"]),
        ("Houston or Dallas", ["Houston"]),  # "or" after a place, not Oregon
        ("vivo en florida", ["florida"]),  # a state that is a Spanish word, after "en"
        ("the florida sun", []),
    ],
)
def test_places_people_name(text, expected):
    assert places(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "my mobile number changed",  # an ordinary word
        "la mesa de la cocina",
        "SOCORRO",  # a cry for help, not the city in New Mexico
        "socorro me quiere matar",
        "me escribe desde el centro de detencion",
        "STOP TEXTING ME",  # a state code only right after a place
        "QUE PUEDEN HACER POR MI",
        "is Hector Salinas still locked up",  # a person's name
        "the county said no",
        "",
    ],
)
def test_ordinary_words_codes_and_people_are_not_places(text):
    assert places(text) == []


def test_a_surname_that_is_a_city_is_a_place_when_a_state_follows():
    assert places("he moved to Salinas, CA") == ["Salinas", "CA"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("in spanish please", "es"),
        ("¿hablan ESPAÑOL?", "es"),
        ("switch to english", "en"),
        ("en ingles por favor", "en"),
        ("castellano", "es"),
    ],
)
def test_one_language_named_is_the_language(text, language):
    found = [f for f in GAZETTEER.find(text) if f.entity == "language"]
    assert [f.value for f in found] == [language]


def test_two_languages_named_are_left_to_the_language_action():
    assert [
        f for f in GAZETTEER.find("my english is bad, español please") if f.entity == "language"
    ] == []


def test_offsets_point_into_the_original_text():
    text = "¿Hay ayuda en San Antonio?"
    (found,) = GAZETTEER.find(text)
    assert text[found.start : found.end] == "San Antonio" == found.value


def test_it_survives_a_round_trip_through_json():
    assert Gazetteer.from_json(GAZETTEER.to_json()) == GAZETTEER
