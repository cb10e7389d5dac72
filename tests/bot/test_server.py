"""The cached action-response check accepts and refuses exactly what Rasa's own check does;
the loaded model is frozen out of the garbage collector."""

import gc

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.server import freeze_after_loading, validate_action_result

ORIGINAL = RemoteAction._validate_action_result

RESPONSES = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "language", "value": "es"}], "responses": []},
    {"events": [], "responses": [{"response": "utter_greet", "template": "utter_greet"}]},
    {},
    {"events": "not a list"},
    {"events": [{"no_event_key": 1}]},
    {"responses": "nope"},
]


@pytest.mark.parametrize("response", RESPONSES)
def test_same_verdict_and_message_as_rasa(response):
    action = RemoteAction("action_x", None)
    outcomes = []
    for check in (ORIGINAL, validate_action_result):
        try:
            outcomes.append(("valid", check(action, response)))
        except ValidationError as error:
            outcomes.append(("invalid", error.message))
    assert outcomes[0] == outcomes[1]


async def test_the_loaded_model_is_frozen_out_of_the_garbage_collector():
    async def load(*args: object) -> str:
        return "agent"

    gc.unfreeze()
    try:
        assert await freeze_after_loading(load)("model", "endpoints") == "agent"
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
