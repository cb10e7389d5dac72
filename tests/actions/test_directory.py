import pytest

from actions.directory import MAX_LISTED, ServicesDirectory, fold, format_listing, load_directory


@pytest.fixture(scope="module")
def directory() -> ServicesDirectory:
    return load_directory()


def test_the_sample_is_marked_and_covers_ten_states(directory):
    assert directory.sample
    assert len({s.state for s in directory.services}) >= 10


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("is there a shelter in houston", "Houston, TX"),
        ("HOUSTON TX", "Houston, TX"),
        ("necesito abogado en nueva york", "New York, NY"),
        ("counseling in Chicago please", "Chicago, IL"),
    ],
)
def test_city_named_in_the_message(directory, text, place):
    match = directory.find(text)
    assert match is not None and match.place == place
    assert 1 <= len(match.services) <= MAX_LISTED


def test_state_names_in_either_language(directory):
    english = directory.find("anything in north carolina", "en")
    spanish = directory.find("algo en carolina del norte", "es")
    assert english is not None and english.place == "North Carolina"
    assert spanish is not None and spanish.place == "Carolina del Norte"
    assert {s.state for s in english.services} == {"NC"}


def test_two_letter_codes_only_in_capitals_and_never_common_words(directory):
    assert directory.find("help in NJ") is not None
    assert directory.find("help in nj") is None
    assert directory.find("OK I NEED HELP") is None


def test_unknown_places_are_not_guessed(directory):
    assert directory.find("boise idaho") is None
    assert directory.find("") is None


def test_the_kind_asked_for_comes_first(directory):
    match = directory.find("houston", wanted="is there a shelter")
    assert match is not None and match.services[0].kind == "shelter"
    match = directory.find("houston", wanted="necesito un abogado")
    assert match is not None
    kinds = [s.kind for s in match.services]
    assert "legal_aid" not in kinds or kinds[0] == "legal_aid"


def test_listing_fits_an_sms(directory):
    match = directory.find("houston")
    assert match is not None
    listing = format_listing(match.services)
    assert all(s.phone in listing for s in match.services)
    assert len(listing) < 320


def test_a_spoken_listing_is_one_sentence_per_service(directory):
    match = directory.find("houston")
    assert match is not None
    spoken = format_listing(match.services, spoken=True)
    assert "\n" not in spoken and "(" not in spoken
    assert spoken.count(".") >= len(match.services)
    assert all(s.phone in spoken for s in match.services)


def test_fold():
    assert fold("  Nueva   YORK! ") == "nueva york"
    assert fold("Nuevo México") == "nuevo mexico"


def test_fold_splits_words_at_apostrophes():
    assert fold("Coeur d\u2019Alene, O'Hare") == "coeur d alene o hare"
