import pytest

from actions.language import ValidatePredefinedSlots, detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("my brother was killed by a drunk driver last year", "en"),
        ("what is this hotline for", "en"),
        ("a mi hermana la asaltaron el año pasado", "es"),
        ("necesito un abogado en houston", "es"),
        ("no tengo papeles me van a reportar", "es"),
        ("ayuda", "es"),
    ],
)
def test_confident_detection(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["hola", "Hola!", "buenas", "gracias"])
def test_short_unmistakably_spanish_words(text):
    assert detect_language(text) == "es"


@pytest.mark.parametrize("text", ["ok", "911", "A 204-555-781", "", "thx", "hello?"])
def test_too_short_or_no_words_is_undecided(text):
    assert detect_language(text) is None


async def run_extract(tracker_factory, dispatcher, **kwargs):
    tracker = tracker_factory(**kwargs)
    return await ValidatePredefinedSlots().extract_language(dispatcher, tracker, {})


@pytest.mark.parametrize(
    ("text", "intent", "slots", "metadata", "expected"),
    [
        # The first confident message sets the language,
        ("necesito ayuda con mi caso", "request_human", {}, {}, {"language": "es"}),
        # which is then kept,
        ("what services do you have", "ask_services", {"language": "es"}, {}, {}),
        # but the channel's metadata wins over detection.
        ("what is this", "ask_about_office", {}, {"language": "es"}, {"language": "es"}),
    ],
)
async def test_the_language_of_a_message(
    tracker_factory, dispatcher, text, intent, slots, metadata, expected
):
    result = await run_extract(
        tracker_factory, dispatcher, text=text, intent=intent, slots=slots, metadata=metadata
    )
    assert result == expected


@pytest.mark.parametrize(
    ("text", "entities", "current", "expected"),
    [
        ("en español por favor", [{"entity": "language", "value": "es"}], "en", "es"),
        ("English please", [{"entity": "language", "value": "en"}], "es", "en"),
        ("english", [], "es", "en"),
        ("castellano porfa", [], "en", "es"),
        ("no entiendo ingles", [{"entity": "language", "value": "en"}], "en", "es"),
        ("sorry my english is not good", [], "en", "es"),
        ("i don't speak spanish", [], "es", "en"),
        ("other language please", [], "en", "es"),
        ("otro idioma", [], "es", "en"),
    ],
)
async def test_change_language(tracker_factory, dispatcher, text, entities, current, expected):
    result = await run_extract(
        tracker_factory,
        dispatcher,
        text=text,
        intent="change_language",
        entities=entities,
        slots={"language": current},
    )
    assert result == {"language": expected}


async def test_answering_the_alert_language_question_keeps_the_conversation_language(
    tracker_factory, dispatcher
):
    result = await run_extract(
        tracker_factory,
        dispatcher,
        text="Spanish",
        intent="change_language",
        entities=[{"entity": "language", "value": "es"}],
        slots={"language": "en", "requested_slot": "reg_language"},
    )
    assert result == {}
