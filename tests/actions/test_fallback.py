"""The two-stage fallback over SMS, and the specialist after a second unsure message."""

import pytest
from rasa_sdk.events import ConversationPaused

from actions.fallback import ActionClarify, ActionResolveGuess
from formats.answers import parse_bare_yes_no
from tests.actions.conftest import make_tracker, responses, user_event

DOMAIN = {
    "responses": {
        "utter_topic_ask_vine": [
            {"text": "how custody notifications work"},
            {
                "text": "cómo funcionan las notificaciones",
                "condition": [{"type": "slot", "name": "language", "value": "es"}],
            },
        ]
    }
}


RANKING = [
    {"name": "nlu_fallback", "confidence": 0.55},
    {"name": "ask_vine", "confidence": 0.41},
    {"name": "inform", "confidence": 0.2},
]


async def test_asks_about_the_best_guess_in_the_persons_language(tracker_factory, dispatcher):
    tracker = tracker_factory(
        text="como va lo de los avisos",
        intent="nlu_fallback",
        slots={"language": "es"},
        intent_ranking=RANKING,
        events=[user_event("como va lo de los avisos", "nlu_fallback")],
    )
    events = await ActionClarify().run(dispatcher, tracker, DOMAIN)
    assert dispatcher.messages[0]["response"] == "utter_did_you_mean"
    assert dispatcher.messages[0]["topic"] == "cómo funcionan las notificaciones"
    assert events == [
        {"event": "slot", "timestamp": None, "name": "pending_intent", "value": "ask_vine"}
    ]


async def test_no_usable_guess_asks_to_rephrase(tracker_factory, dispatcher):
    tracker = tracker_factory(
        text="asdf",
        intent="nlu_fallback",
        intent_ranking=[{"name": "nlu_fallback"}, {"name": "inform"}],
        events=[user_event("asdf", "nlu_fallback")],
    )
    await ActionClarify().run(dispatcher, tracker, DOMAIN)
    assert dispatcher.messages[0]["response"] == "utter_ask_rephrase"


async def clarify_a_second_unsure_message(dispatcher):
    """ActionClarify after the second unsure message in a row: what it said, and its events."""
    tracker = make_tracker(
        text="qwerty",
        intent="nlu_fallback",
        intent_ranking=RANKING,
        events=[user_event("asdf", "nlu_fallback"), user_event("qwerty", "nlu_fallback")],
    )
    events = await ActionClarify().run(dispatcher, tracker, DOMAIN)
    return responses(dispatcher), events


async def test_second_unsure_message_in_a_row_hands_over_to_a_specialist(
    dispatcher, handoff_gateway
):
    said, events = await clarify_a_second_unsure_message(dispatcher)
    assert said == ["utter_still_not_understood", "utter_handoff_requested"]
    assert handoff_gateway.requests[0]["reason"] == "fallback"
    assert handoff_gateway.requests[0]["priority"] == "normal"
    assert ConversationPaused() in events


async def test_with_the_gateway_down_the_second_unsure_message_gives_the_number(
    dispatcher, handoff_gateway
):
    handoff_gateway.up = False
    said, events = await clarify_a_second_unsure_message(dispatcher)
    assert said == ["utter_still_not_understood", "utter_request_human"]
    assert ConversationPaused() not in events


async def test_yes_replays_the_original_message_as_the_guess(tracker_factory, dispatcher):
    tracker = tracker_factory(
        text="yes",
        intent="affirm",
        slots={"pending_intent": "ask_vine"},
        events=[
            user_event("how do the alert things go", "nlu_fallback"),
            user_event("yes", "affirm"),
        ],
    )
    events = await ActionResolveGuess().run(dispatcher, tracker, DOMAIN)
    assert dispatcher.messages == []
    replayed = events[-1]
    assert replayed["event"] == "user"
    assert replayed["text"] == "how do the alert things go"
    assert replayed["parse_data"]["intent"] == {"name": "ask_vine", "confidence": 1.0}


async def test_no_asks_to_rephrase(tracker_factory, dispatcher):
    tracker = tracker_factory(
        text="no",
        intent="deny",
        slots={"pending_intent": "ask_vine"},
        events=[user_event("how do the alert things go", "nlu_fallback"), user_event("no", "deny")],
    )
    events = await ActionResolveGuess().run(dispatcher, tracker, DOMAIN)
    assert dispatcher.messages[0]["response"] == "utter_ask_rephrase"
    assert events[0]["value"] is None


async def test_second_unsure_message_outside_hours_gives_the_hours_and_the_number(
    dispatcher, handoff_gateway
):
    handoff_gateway.open_now = False
    said, events = await clarify_a_second_unsure_message(dispatcher)
    assert said == ["utter_still_not_understood", "utter_specialists_closed"]
    assert handoff_gateway.requests == []
    assert ConversationPaused() not in events


@pytest.mark.parametrize(
    ("answer", "replayed"),
    [("1", True), ("SÍ", True), ("si claro", True), ("yes pls", True), ("2", False),
     ("NO", False), ("nop", False)],
)  # fmt: skip
async def test_keypad_and_spanish_answers_resolve_the_guess(
    tracker_factory, dispatcher, answer, replayed
):
    """The NLU reads a bare answer as affirm or deny (bot/components/yes_no_answer.py)."""
    intent = "affirm" if parse_bare_yes_no(answer) else "deny"
    tracker = tracker_factory(
        text=answer,
        intent=intent,
        slots={"pending_intent": "ask_vine"},
        events=[
            user_event("how do the alert things go", "nlu_fallback"),
            user_event(answer, intent),
        ],
    )
    events = await ActionResolveGuess().run(dispatcher, tracker, DOMAIN)
    assert (events[-1]["event"] == "user") is replayed
    assert (dispatcher.messages == []) is replayed
