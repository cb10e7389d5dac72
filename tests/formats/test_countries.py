from __future__ import annotations

import pytest
from babel import Locale

from formats.countries import country_name, is_country_name, parse_country


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
    ("words", "expected"),
    [
        ("mexico", True),
        ("el salvador", True),
        ("guatemaltecas", True),
        ("new mexico", True),  # a place, not the country, but a place all the same
        ("salvador", False),
        ("houston", False),
    ],
)
def test_is_country_name(words, expected):
    assert is_country_name(words) is expected
