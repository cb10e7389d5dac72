import pytest

from bot.nlp.build import build_pipeline


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


def entities(nlp, text):
    return [(e.text, e.label_) for e in nlp(text).ents]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("his A number is A204555781", ("A204555781", "a_number")),
        ("A# 204555781", ("A# 204555781", "a_number")),
        ("a 204-555-781", ("a 204-555-781", "a_number")),
        ("numero A 204 555 781", ("A 204 555 781", "a_number")),
        ("A#204-555-781.", ("A#204-555-781", "a_number")),
        ("call me at (713) 555-0142", ("(713) 555-0142", "phone")),
        ("713.555.0142", ("713.555.0142", "phone")),
        ("my cell 713-555-0142", ("713-555-0142", "phone")),
        ("+1 713 555 0142", ("+1 713 555 0142", "phone")),
        ("7135550142", ("7135550142", "phone")),
        ("write to juan.perez@example.com", ("juan.perez@example.com", "email")),
        ("born 3/14/1989", ("3/14/1989", "date")),
        ("born 03-14-89", ("03-14-89", "date")),
        ("born march 3rd, 1985", ("march 3rd, 1985", "date")),
        ("nacio el 4 de julio de 1979", ("4 de julio de 1979", "date")),
        ("el 14 marzo 1989", ("14 marzo 1989", "date")),
        ("en mayo de 2020", ("mayo de 2020", "date")),
    ],
)
def test_shapes_people_text(nlp, text, expected):
    assert expected in entities(nlp, text)


@pytest.mark.parametrize(
    "text", ["i have 2 kids and 3 dogs", "may i ask something", "he got 10 years", "ok 911"]
)
def test_no_entity_in_ordinary_text(nlp, text):
    assert entities(nlp, text) == []
