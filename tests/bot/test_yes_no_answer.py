"""A whole-message yes or no becomes affirm or deny, whatever the classifier said."""

from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from bot.components.yes_no_answer import YesNoAnswer


def understood(text, intent="nlu_fallback"):
    msg = Message(data={"text": text})
    msg.set("intent", {"name": intent, "confidence": 0.4})
    msg.set("intent_ranking", [{"name": intent, "confidence": 0.4}])
    (result,) = YesNoAnswer().process([msg])
    return result.get("intent")


@pytest.mark.parametrize("text", ["1", "yes", "Yes!", "SÍ", "si", "sí claro", "yes pls", "ok"])
def test_yes_in_any_form_is_affirm(text):
    assert understood(text, "inform") == {"name": "affirm", "confidence": 1.0}


@pytest.mark.parametrize("text", ["2", "no", "NO", "nop", "nel", "no gracias", "no thanks"])
def test_no_in_any_form_is_deny(text):
    assert understood(text, "nlu_fallback") == {"name": "deny", "confidence": 1.0}


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("I want custody alerts", "register_notifications"),
        ("no sé", "nlu_fallback"),
        ("3", "inform"),
        ("no, the phone number is wrong", "inform"),
        ("no, ya no quiero seguir con el registro", "cancel"),
    ],
)
def test_anything_else_keeps_the_classifiers_intent(text, intent):
    assert understood(text, intent)["name"] == intent


def test_an_emergency_is_never_an_answer():
    assert understood("no", "emergency")["name"] == "emergency"


def test_the_pipeline_reads_answers_before_the_emergency_guard_runs_last():
    config = yaml.safe_load(Path("config.yml").read_text(encoding="utf-8"))
    names = [component["name"] for component in config["pipeline"]]
    assert names.index("bot.components.yes_no_answer.YesNoAnswer") > names.index(
        "FallbackClassifier"
    )
    assert names[-1] == "bot.components.emergency_guard.EmergencyGuard"
