import pytest

from scripts import nlu_gate
from scripts.nlu_data import Example
from scripts.nlu_gate import Prediction, check, describe, prediction_from_parse, report


def example(text, intent, language="en"):
    return Example(text=text, intent=intent, language=language, source="test.yml")


def predicted(text, truth, said, classifier=None, language="en"):
    return Prediction(example(text, truth, language), said, classifier or said, 0.9)


def sample(emergency_said="emergency", classifier="emergency"):
    return [
        predicted("he has a gun", "emergency", emergency_said, classifier),
        predicted("hola", "greet", "greet", language="es"),
        predicted("hi", "greet", "greet"),
        predicted("bye", "goodbye", "greet"),
        predicted("adios", "goodbye", "goodbye", language="es"),
    ]


def test_scores_per_intent_and_macro_f1():
    summary = report(sample())
    assert summary["intents"]["greet"]["precision"] == pytest.approx(2 / 3)
    assert summary["intents"]["greet"]["recall"] == 1.0
    assert summary["intents"]["goodbye"]["recall"] == 0.5
    assert summary["accuracy"] == pytest.approx(0.8)
    expected = (1.0 + 0.8 + 2 / 3) / 3
    assert summary["macro_f1"] == pytest.approx(expected)
    assert set(summary["macro_f1_by_language"]) == {"en", "es"}


def test_classifier_and_guard_recall_are_reported_beside_the_gates():
    summary = report(sample(classifier="report_victimization"))
    emergency = summary["emergency"]
    assert emergency["recall"] == 1.0
    assert emergency["classifier_recall"] == 0.0
    assert emergency["guard_recall"] == 1.0  # "he has a gun" is a weapon for the rules alone
    assert "classifier alone 0.000, guard alone 1.000" in describe(summary)


def test_a_missed_emergency_fails_the_gate_and_is_named():
    summary = report(sample(emergency_said="greet"))
    failures = check(summary)
    assert any("emergency recall 0.000" in f and "he has a gun" in f for f in failures)


def test_macro_f1_below_the_bar_fails():
    summary = report(sample())
    summary["macro_f1"] = 0.899
    assert check(summary) == ["intent macro-F1 0.899 < 0.9"]


def test_passes_at_the_bar():
    summary = report(sample())
    summary["macro_f1"] = 0.90
    assert check(summary) == []


def test_the_classifiers_intent_comes_from_the_guards_note():
    parsed = {
        "intent": {"name": "emergency", "confidence": 1.0},
        "emergency_guard": {"categories": ["weapon"], "classifier_intent": "inform"},
    }
    prediction = prediction_from_parse(example("x", "emergency"), parsed)
    assert (prediction.intent, prediction.classifier_intent) == ("emergency", "inform")
    unguarded = prediction_from_parse(example("x", "greet"), {"intent": {"name": "greet"}})
    assert unguarded.classifier_intent == "greet"


def test_guard_key_matches_the_component():
    from bot.components.emergency_guard import GUARD_KEY

    assert nlu_gate.GUARD_KEY == GUARD_KEY


def test_main_without_a_model_says_so(tmp_path, capsys):
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "a.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hi\n', encoding="utf-8"
    )
    code = nlu_gate.main([str(folder), "--model", str(tmp_path / "none.tar.gz")])
    assert code == 2
    assert "make train" in capsys.readouterr().err
    assert not (tmp_path / "report.json").exists()


def test_an_unsure_answer_counts_as_its_guess_and_as_asked_back():
    parsed = {
        "intent": {"name": "nlu_fallback", "confidence": 0.65},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.65},
            {"name": "register_notifications", "confidence": 0.6},
            {"name": "ask_vine", "confidence": 0.3},
        ],
    }
    prediction = prediction_from_parse(example("i want custody alerts", "x"), parsed)
    assert prediction.intent == prediction.classifier_intent == "register_notifications"
    assert prediction.asked_back
    summary = report([Prediction(example("a", "greet"), "greet", "greet", 0.6, asked_back=True)])
    assert summary["asked_back_when_right"] == 1.0


def test_a_threat_read_as_immigration_status_fails_the_gate_and_is_named():
    scared = predicted("mi ex me amenaza y tengo miedo", "report_threat", "ask_immigration_status")
    summary = report([*sample(), scared])
    assert summary["threat"]["as_immigration_status"] == ["mi ex me amenaza y tengo miedo"]
    assert any("answered as immigration status" in failure for failure in check(summary))
    assert "read as immigration status: 1" in describe(summary)


def test_one_threat_line_in_twenty_read_as_status_is_tolerated_two_are_not():
    threats = [
        predicted(f"he keeps texting me {n}", "report_threat", "report_threat") for n in range(19)
    ]
    one = predicted(
        "he calls my work pretending to be family", "report_threat", "ask_immigration_status"
    )
    assert not [f for f in check(report([*sample(), *threats, one])) if "immigration" in f]
    two = predicted("he watches me", "report_threat", "ask_immigration_status")
    assert any("immigration" in f for f in check(report([*sample(), *threats[1:], one, two])))


def test_a_flagship_request_asked_back_or_misread_fails():
    sure = predicted("I want custody alerts", "register_notifications", "register_notifications")
    unsure = Prediction(
        example("quiero recibir avisos", "register_notifications", "es"),
        "register_notifications",
        "register_notifications",
        0.6,
        asked_back=True,
    )
    misread = predicted("stop my alerts", "unsubscribe", "cancel")
    failures = nlu_gate.flagship_failures([sure, unsure, misread])
    assert failures == [
        "flagship 'quiero recibir avisos': asked back about register_notifications (0.60), "
        "not register_notifications",
        "flagship 'stop my alerts': read as cancel (0.90), not unsubscribe",
    ]


def test_the_flagship_file_names_only_intents_of_the_domain():
    from scripts.nlu_data import read_examples
    from tests.bot.helpers import domain

    flagship = read_examples("tests/nlu_flagship.yml")
    assert len(flagship) >= 10
    assert {e.intent for e in flagship} <= set(domain()["intents"])


def test_threats_pushed_into_a_form_are_counted_and_more_than_one_in_twenty_fail():
    threats = [
        predicted(f"he keeps texting me {n}", "report_threat", "report_threat") for n in range(19)
    ]
    signs_up = predicted(
        "scared he gets out, sign me up", "report_threat", "register_notifications"
    )
    summary = report([*sample(), *threats, signs_up])
    assert summary["threat"]["into_a_form"] == ["scared he gets out, sign me up"]
    assert "pushed into a form: 1" in describe(summary)
    assert not [f for f in check(summary) if "form" in f]
    looks_up = predicted("tengo miedo, sigue preso?", "report_threat", "check_custody_status")
    assert any(
        "pushed into a form" in f for f in check(report([*sample(), *threats, signs_up, looks_up]))
    )
