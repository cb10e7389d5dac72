from scripts.nlu_gate import check, summary


def report(macro_f1: float, emergency_recall: float) -> dict:
    return {
        "accuracy": 0.9,
        "macro avg": {"f1-score": macro_f1, "support": 100},
        "emergency": {"recall": emergency_recall, "f1-score": 0.9, "support": 20},
        "greet": {"recall": 1.0, "f1-score": 0.8, "support": 10},
    }


def test_passes_at_the_bar():
    assert check(report(0.90, 1.0)) == []


def test_fails_below_macro_f1():
    assert check(report(0.899, 1.0)) == ["intent macro-F1 0.899 < 0.9"]


def test_one_missed_emergency_fails_the_build():
    failures = check(report(0.95, 0.95))
    assert len(failures) == 1 and failures[0].startswith("emergency recall 0.950")


def test_summary_names_the_weakest_intents():
    assert "lowest F1: greet 0.80" in summary(report(0.9, 1.0))
