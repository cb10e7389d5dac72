from rasa.shared.nlu.training_data.message import Message

from bot.components.emergency_guard import GUARD_KEY, EmergencyGuard


def message(text, intent, ranking):
    msg = Message(data={"text": text})
    msg.set("intent", {"name": intent, "confidence": 0.4})
    msg.set("intent_ranking", [{"name": n, "confidence": c} for n, c in ranking])
    return msg


def guarded(msg):
    (result,) = EmergencyGuard().process([msg])
    return result.get("intent")["name"]


def test_danger_phrase_overrides_the_classifier_and_says_why():
    msg = message("he has a knife", "report_victimization", [("report_victimization", 0.6)])
    assert guarded(msg) == "emergency"
    assert msg.get(GUARD_KEY) == {
        "categories": ["weapon"],
        "classifier_intent": "report_victimization",
    }
    assert GUARD_KEY in msg.as_dict(only_output_properties=True)


def test_the_classifiers_emergency_is_kept_without_a_guard_note():
    msg = message("blorp", "emergency", [("emergency", 0.9)])
    assert guarded(msg) == "emergency"
    assert msg.get(GUARD_KEY) is None


def test_unsure_but_emergency_is_the_best_guess_becomes_emergency():
    ranking = [("nlu_fallback", 0.55), ("emergency", 0.4), ("report_victimization", 0.35)]
    msg = message("i dont feel ok with him around", "nlu_fallback", ranking)
    assert guarded(msg) == "emergency"
    assert msg.get(GUARD_KEY)["categories"] == ["unsure_classifier"]


def test_unsure_with_emergency_only_second_is_left_to_the_clarifying_question():
    ranking = [("nlu_fallback", 0.55), ("ask_services", 0.4), ("emergency", 0.35)]
    assert guarded(message("help me write my resume", "nlu_fallback", ranking)) == "nlu_fallback"


def test_confident_other_intents_are_left_alone():
    ranking = [("ask_vine", 0.9), ("emergency", 0.05)]
    assert guarded(message("how do alerts work", "ask_vine", ranking)) == "ask_vine"
    ranking = [("nlu_fallback", 0.55), ("ask_vine", 0.3), ("inform", 0.2), ("emergency", 0.1)]
    assert guarded(message("blorp", "nlu_fallback", ranking)) == "nlu_fallback"
