import json

from scripts.tune_fallback import confidences, suggest, table


def write(folder, name, confidences_):
    entries = [{"intent_prediction": {"confidence": c}} for c in confidences_]
    (folder / name).write_text(json.dumps(entries))


def test_reads_right_and_wrong_confidences(tmp_path):
    write(tmp_path, "intent_successes.json", [0.9, 0.95])
    write(tmp_path, "intent_errors.json", [0.4])
    assert confidences(tmp_path) == ([0.9, 0.95], [0.4])


def test_suggests_the_threshold_catching_most_errors_within_the_budget():
    right = [0.99] * 95 + [0.5] * 5  # 5% of right answers are unsure at 0.5
    wrong = [0.35, 0.45, 0.55, 0.9]
    rows = dict((t, (h, c)) for t, h, c in table(right, wrong))
    assert rows[0.5] == (0.0, 0.5)
    assert rows[0.55] == (0.05, 0.5)
    assert suggest(table(right, wrong), max_held_back=0.05) == 0.6
