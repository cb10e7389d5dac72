"""The two-stage fallback over SMS, and the specialist after a second unsure message."""

from rasa_sdk.events import ConversationPaused

from actions import gateway
from actions.fallback import ActionClarify, ActionResolveGuess

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


def user(text, intent):
    return {
        "event": "user",
        "text": text,
        "parse_data": {"intent": {"name": intent}, "entities": []},
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
        events=[user("como va lo de los avisos", "nlu_fallback")],
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
        events=[user("asdf", "nlu_fallback")],
    )
    await ActionClarify().run(dispatcher, tracker, DOMAIN)
    assert dispatcher.messages[0]["response"] == "utter_ask_rephrase"


class HandoffGateway:
    """Stands in for the gateway client: records handoff requests, or fails like a dead one."""

    def __init__(self, up: bool = True, open_now: bool = True) -> None:
        self.up = up
        self.open_now = open_now
        self.requests: list[dict] = []

    def availability(self, language: str) -> dict:
        if not self.up:
            raise gateway.GatewayUnavailable("down")
        hours = "Monday to Friday 8:00 to 20:00, Eastern Time"
        return {"open": self.open_now, "hours": hours, "next_open": None}

    def request_handoff(self, payload: dict) -> dict:
        if not self.up:
            raise gateway.GatewayUnavailable("down")
        self.requests.append(payload)
        return {"id": "h1", "status": "waiting", "created": True}


def second_unsure(tracker_factory):
    return tracker_factory(
        text="qwerty",
        intent="nlu_fallback",
        intent_ranking=RANKING,
        events=[user("asdf", "nlu_fallback"), user("qwerty", "nlu_fallback")],
    )


async def test_second_unsure_message_in_a_row_hands_over_to_a_specialist(
    tracker_factory, dispatcher, monkeypatch
):
    fake = HandoffGateway()
    monkeypatch.setattr(gateway, "client", lambda: fake)
    events = await ActionClarify().run(dispatcher, second_unsure(tracker_factory), DOMAIN)
    responses = [m["response"] for m in dispatcher.messages]
    assert responses == ["utter_still_not_understood", "utter_handoff_requested"]
    assert fake.requests[0]["reason"] == "fallback"
    assert fake.requests[0]["priority"] == "normal"
    assert ConversationPaused() in events


async def test_with_the_gateway_down_the_second_unsure_message_gives_the_number(
    tracker_factory, dispatcher, monkeypatch
):
    monkeypatch.setattr(gateway, "client", lambda: HandoffGateway(up=False))
    events = await ActionClarify().run(dispatcher, second_unsure(tracker_factory), DOMAIN)
    responses = [m["response"] for m in dispatcher.messages]
    assert responses == ["utter_still_not_understood", "utter_request_human"]
    assert ConversationPaused() not in events


async def test_yes_replays_the_original_message_as_the_guess(tracker_factory, dispatcher):
    tracker = tracker_factory(
        text="yes",
        intent="affirm",
        slots={"pending_intent": "ask_vine"},
        events=[user("how do the alert things go", "nlu_fallback"), user("yes", "affirm")],
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
        events=[user("how do the alert things go", "nlu_fallback"), user("no", "deny")],
    )
    events = await ActionResolveGuess().run(dispatcher, tracker, DOMAIN)
    assert dispatcher.messages[0]["response"] == "utter_ask_rephrase"
    assert events[0]["value"] is None


async def test_second_unsure_message_outside_hours_gives_the_hours_and_the_number(
    tracker_factory, dispatcher, monkeypatch
):
    fake = HandoffGateway(open_now=False)
    monkeypatch.setattr(gateway, "client", lambda: fake)
    events = await ActionClarify().run(dispatcher, second_unsure(tracker_factory), DOMAIN)
    responses = [m["response"] for m in dispatcher.messages]
    assert responses == ["utter_still_not_understood", "utter_specialists_closed"]
    assert fake.requests == []
    assert ConversationPaused() not in events
