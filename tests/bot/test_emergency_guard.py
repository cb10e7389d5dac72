import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.components.emergency_guard import EmergencyGuard, signals_danger
from tests.bot.helpers import examples


@pytest.mark.parametrize(
    "text",
    [
        "HE'S HERE WITH A GUN",
        "he is outside my house right now",
        "somebody is breaking in",
        "he said he is going to kill me tonight",
        "my ex is hitting me",
        "call 911",
        "me va a matar",
        "está afuera de mi casa",
        "tiene una pistola",
        "auxilio",
        "me esta golpeando",
        "estoy en peligro",
        "ayudame ya",
        "I'm locked in the trunk",
        "they are kidnapping my daughter",
        "he is setting the house on fire",
        "SOS",
        "me tienen encerrada",
        "he won't let me leave",
        "no me dejan salir",
        "me tienen aqui contra mi voluntad",
        "urgent help",
        "URJENTE AYUDA",
    ],
)
def test_unmistakable_danger_is_caught(text):
    assert signals_danger(text)


def test_no_false_alarm_on_any_other_intent_example():
    for folder in ("data/nlu", "tests/nlu"):
        false_alarms = [
            (intent, text)
            for (intent, _), texts in examples(folder).items()
            if intent != "emergency"
            for text in texts
            if signals_danger(text)
        ]
        assert false_alarms == []


def message(text, intent, ranking):
    msg = Message(data={"text": text})
    msg.set("intent", {"name": intent, "confidence": 0.4})
    msg.set("intent_ranking", [{"name": n, "confidence": c} for n, c in ranking])
    return msg


def guarded(msg):
    (result,) = EmergencyGuard().process([msg])
    return result.get("intent")["name"]


def test_danger_phrase_overrides_the_classifier():
    msg = message("he has a knife", "report_victimization", [("report_victimization", 0.6)])
    assert guarded(msg) == "emergency"


def test_unsure_but_emergency_is_the_best_guess_becomes_emergency():
    ranking = [("nlu_fallback", 0.55), ("emergency", 0.4), ("report_victimization", 0.35)]
    msg = message("i dont feel ok with him around", "nlu_fallback", ranking)
    assert guarded(msg) == "emergency"


def test_unsure_with_emergency_only_second_is_left_to_the_clarifying_question():
    ranking = [("nlu_fallback", 0.55), ("ask_services", 0.4), ("emergency", 0.35)]
    assert guarded(message("help me write my resume", "nlu_fallback", ranking)) == "nlu_fallback"


def test_confident_other_intents_are_left_alone():
    ranking = [("ask_vine", 0.9), ("emergency", 0.05)]
    assert guarded(message("how do alerts work", "ask_vine", ranking)) == "ask_vine"
    ranking = [("nlu_fallback", 0.55), ("ask_vine", 0.3), ("inform", 0.2), ("emergency", 0.1)]
    assert guarded(message("blorp", "nlu_fallback", ranking)) == "nlu_fallback"


@pytest.mark.parametrize("text", ["he's here!", "HES HERE", "she is here right now"])
def test_someone_here_now_is_danger(text):
    assert signals_danger(text)


def test_someone_here_illegally_is_not_danger():
    assert not signals_danger("i want to report my sisters husband, hes here illegally")
