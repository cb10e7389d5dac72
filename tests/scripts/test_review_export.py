"""The review export: accepted lines written in Rasa's NLU format, merged into the day's file;
identifying, unknown, malformed and copied lines refused with the reason. Small data folders
under tmp_path stand in for the repository's."""

from __future__ import annotations

import json
import random
import string
import time
from datetime import date
from pathlib import Path

import pytest
import yaml

from channels.review.intents import domain_intents
from scripts.review_export import (
    ReviewedExample,
    Sources,
    export,
    main,
    read_items,
    render,
)

TODAY = date(2026, 12, 5)
DOMAIN = """
version: "3.1"
intents:
  - greet
  - emergency
  - register_notifications
  - inform:
      use_entities: true
  - transfer_unanswered
"""


def nlu_file(*blocks: tuple[str, str, list[str]]) -> str:
    lines = ['version: "3.1"', "nlu:"]
    for intent, language, texts in blocks:
        lines += [f"- intent: {intent}", "  metadata:", f"    language: {language}"]
        lines += ["  examples: |", *(f"    - {text}" for text in texts)]
    return "\n".join(lines) + "\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A repository in miniature: a domain, training data, test sets and a blind set."""
    files = {
        "bot/domain/main.yml": DOMAIN,
        "data/nlu/greetings.yml": nlu_file(
            ("greet", "en", ["hello there", "good morning"]),
            ("greet", "es", ["buenos dias"]),
        ),
        "data/nlu/safety/emergency.yml": nlu_file(("emergency", "en", ["he is at my door now"])),
        "tests/nlu/held_out.yml": nlu_file(("greet", "en", ["hey hotline, anyone there"])),
        "tests/nlu_dev/dev.yml": nlu_file(("emergency", "es", ["esta afuera de mi casa ahorita"])),
        "tests/nlu_blind/blind.yml": nlu_file(("greet", "en", ["a blind greeting line here"])),
    }
    for name, content in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content, encoding="utf-8")
    return tmp_path


def item(text: str, intent: str = "register_notifications", language: str = "en"):
    return ReviewedExample(text, intent, language)


def run(root: Path, items, out_dir: Path | None = None):
    out_dir = out_dir or root / "data" / "nlu" / "reviewed"
    return export(items, out_dir, TODAY, Sources.of(root))


def rasa_examples(path: Path) -> list[tuple[str, str, str]]:
    """(intent, language, text) of each example, as Rasa 3.6 reads the file."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    data = RasaYAMLReader().read(path)
    return [
        (message.get("intent"), message.get("metadata")["intent"]["language"], message.get("text"))
        for message in data.training_examples
    ]


# --- writing ----------------------------------------------------------------------------------


def test_accepted_lines_are_written_by_intent_and_language_in_rasa_format(root):
    result = run(
        root,
        [
            item("quiero que me avisen si lo mueven de carcel", language="es"),
            item("sign me up for the custody alerts on my case please"),
            item("hola, hay alguien que me pueda ayudar", "greet", "es-MX"),
            item("  my name is [NAME] and I  want\nthe alerts  "),
        ],
    )
    path = root / "data" / "nlu" / "reviewed" / "2026-12-05.yml"
    assert result.path == path and len(result.written) == 4 and result.refused == ()
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["version"] == "3.1"
    assert sorted(rasa_examples(path)) == [
        ("greet", "es", "hola, hay alguien que me pueda ayudar"),
        ("register_notifications", "en", "my name is [NAME] and I want the alerts"),
        ("register_notifications", "en", "sign me up for the custody alerts on my case please"),
        ("register_notifications", "es", "quiero que me avisen si lo mueven de carcel"),
    ]


def test_the_file_of_the_day_is_merged_without_duplicates(root):
    out_dir = root / "elsewhere"  # not under data/nlu: the day's file is read for itself
    run(root, [item("sign me up for the custody alerts on my case please")], out_dir)
    second = run(
        root,
        [
            item("Sign me up for the custody alerts on my case, please!"),  # the same, folded
            item("can you text me when they transfer him to another jail"),
        ],
        out_dir,
    )
    assert [refusal.reason for refusal in second.refused] == ["duplicate"]
    assert "the day's file" in second.refused[0].detail
    assert [text for _, _, text in rasa_examples(out_dir / "2026-12-05.yml")] == [
        "sign me up for the custody alerts on my case please",
        "can you text me when they transfer him to another jail",
    ]


def test_nothing_new_leaves_the_day_as_it_was(root):
    out_dir = root / "data" / "nlu" / "reviewed"
    assert run(root, [item("my name is Ana Perez")]).written == ()
    assert not out_dir.exists()
    run(root, [item("can you text me when they transfer him to another jail")])
    before = (out_dir / "2026-12-05.yml").read_bytes()
    result = run(root, [item("can you text me when they transfer him to another jail")])
    assert result.written == () and (out_dir / "2026-12-05.yml").read_bytes() == before


def test_render_writes_each_example_once_under_its_block():
    examples = [item("a line"), item("a line"), item("una linea", language="es")]
    assert render(examples, TODAY).splitlines()[2:] == [
        'version: "3.1"',
        "nlu:",
        "- intent: register_notifications",
        "  metadata:",
        "    language: en",
        "  examples: |",
        "    - a line",
        "- intent: register_notifications",
        "  metadata:",
        "    language: es",
        "  examples: |",
        "    - una linea",
    ]


# --- refusing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("refused", "reason", "detail"),
    [
        (item("my name is Ana Perez, call 713-555-0142"), "identifying", "PHONE, NAME"),
        (item("my pin is 4821"), "identifying", "PIN"),
        (item("quiero avisos, nacio el 4 de mayo de 1985", language="es"), "identifying", "DATE"),
        (item("bonjour, je voudrais de l'aide", "greet", "fr"), "language", "fr"),
        (item("what is the weather on mars", "weather"), "intent", "weather"),
        (item("the call to the line rang out", "transfer_unanswered"), "intent", ""),
        (item("see [this](link) and tell me"), "markup", ""),
        (item("[NAME][PHONE] wants alerts"), "markup", ""),
        (item("   \n  "), "empty", ""),
        (item("alerts\x00 please"), "unprintable", ""),
    ],
)
def test_lines_that_cannot_be_training_data_are_refused_with_the_reason(
    root, refused, reason, detail
):
    result = run(root, [refused])
    assert result.written == ()
    (refusal,) = result.refused
    assert refusal.reason == reason and detail in refusal.detail


@pytest.mark.parametrize(
    ("copy", "where"),
    [
        (item("hello there", "greet"), "a training line: 'hello there'"),
        (item("He is at my door NOW!", "emergency"), "a training line"),  # in a sub-folder
        (item("hey hotline anyone there?", "greet"), "a test line"),
        (item("está afuera de mi casa ahorita", "emergency", "es"), "a test line"),
        (item("a blind greeting line here!", "greet"), "a line of the blind set"),
        (item("good mornin", "greet"), "a training line"),  # near: ratio 0.96
    ],
)
def test_copies_of_known_lines_are_refused(root, copy, where):
    (refusal,) = run(root, [copy]).refused
    assert refusal.reason == "duplicate" and refusal.detail.startswith(where)


def test_the_blind_line_copied_is_never_shown(root):
    result = run(root, [item("A blind greeting line, here.", "greet")])
    assert result.refused[0].detail == "a line of the blind set"
    assert "a blind greeting line here" not in result.summary()  # the folded blind line


def test_two_copies_in_one_export_give_one_line(root):
    result = run(
        root,
        [
            item("can you text me when they transfer him to another jail"),
            item("can you text me when they transfer him to another jail."),
        ],
    )
    assert len(result.written) == 1 and [r.reason for r in result.refused] == ["duplicate"]


def test_the_summary_counts_by_reason_and_hides_identifying_text(root):
    result = run(
        root,
        [
            item("can you text me when they transfer him to another jail"),
            item("my name is Ana Perez"),
            item("hello there", "greet"),
            item("what is the weather", "weather"),
        ],
    )
    summary = result.summary()
    assert result.refused_by_reason() == {"identifying": 1, "duplicate": 1, "intent": 1}
    assert summary.startswith("written 1 to ")
    assert "refused 3 (duplicate or near copy 1, identifying details 1, not an intent" in summary
    assert "Ana" not in summary and "(text not shown)" in summary


def test_a_hundred_lines_against_five_thousand_take_seconds_at_most(root):
    rng = random.Random(15)  # noqa: S311 - test data, not secrets

    def sentence() -> str:
        words = [
            "".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 8))) for _ in range(8)
        ]
        return " ".join(words)

    big = nlu_file(("greet", "en", [sentence() for _ in range(5000)]))
    (root / "data" / "nlu" / "big.yml").write_text(big, encoding="utf-8")
    started = time.process_time()
    result = run(root, [item(sentence()) for _ in range(100)])
    assert time.process_time() - started < 5
    assert len(result.written) + len(result.refused) == 100


# --- the domain and the command ---------------------------------------------------------------


def test_domain_intents_reads_names_and_names_with_options_but_not_the_gateways(root):
    assert domain_intents(root / "bot" / "domain") == (
        "emergency", "greet", "inform", "register_notifications",
    )  # fmt: skip


def test_the_repository_domain_and_data_are_the_default(tmp_path):
    result = export(
        [ReviewedExample("zebra quartz kiwi tell me a joke about otters", "out_of_scope", "en")],
        tmp_path,
        TODAY,
    )
    assert len(result.written) == 1, result.summary()


def test_the_command_reads_a_json_list_and_prints_the_summary(root, tmp_path, capsys):
    source = tmp_path / "accepted.json"
    source.write_text(
        json.dumps(
            [
                {
                    "text": "can you text me when they transfer him",
                    "intent": "greet",
                    "language": "en",
                },
                {"text": "my name is Ana Perez", "intent": "greet", "language": "en"},
            ]
        ),
        encoding="utf-8",
    )
    assert read_items(source)[1] == ReviewedExample("my name is Ana Perez", "greet", "en")
    out_dir = tmp_path / "reviewed"
    assert main(["--from", str(source), "--out", str(out_dir), "--date", "2026-12-05"]) == 0
    printed = capsys.readouterr().out
    assert "written 1" in printed and "refused 1 (identifying details 1)" in printed
    assert (out_dir / "2026-12-05.yml").is_file()


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        '{"text": "a", "intent": "greet", "language": "en"}',  # not a list
        '[{"text": "a", "intent": "greet"}]',  # no language
        '[{"text": 1, "intent": "greet", "language": "en"}]',
        '["a line"]',
    ],
)
def test_bad_input_exits_1(tmp_path, capsys, content):
    source = tmp_path / "accepted.json"
    source.write_text(content, encoding="utf-8")
    assert main(["--from", str(source), "--out", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_missing_file_exits_1(tmp_path):
    assert main(["--from", str(tmp_path / "nowhere.json")]) == 1


# -- from the review inbox's database ------------------------------------------------------------


@pytest.fixture
def inbox(tmp_path: Path):
    from channels.review.service import ReviewInbox
    from channels.storage.privacy import Privacy
    from tests.channels.conftest import migrated

    database = migrated(f"sqlite:///{tmp_path}/inbox.db")
    yield ReviewInbox(database, Privacy("test-secret-key"), ["greet", "register_notifications"])
    database.dispose()


def labelled(inbox, text: str, intent: str, conversation: str = "c1", language: str = "en") -> int:
    from channels.review.models import ReviewReason
    from channels.review.service import NewItem

    item_id, _ = inbox.record(NewItem(conversation, ReviewReason.UNSURE, language, text))
    inbox.label(item_id, intent, None, "mia")
    return item_id


def test_the_inboxs_labelled_items_are_exported_and_marked(root, inbox):
    from scripts.review_export import export_from_database

    wanted = labelled(inbox, "can I get texts when he moves", "register_notifications")
    copy = labelled(inbox, "hello there", "greet")  # a training line
    twice = labelled(inbox, "can I get texts when he moves", "register_notifications", "c2")
    out_dir = root / "data" / "nlu" / "reviewed"
    result = export_from_database(inbox, out_dir, TODAY, Sources.of(root))
    assert [example.text for example in result.written] == ["can I get texts when he moves"]
    assert rasa_examples(out_dir / f"{TODAY}.yml") == [
        ("register_notifications", "en", "can I get texts when he moves")
    ]
    assert inbox.get(wanted).status == "exported"
    for refused, why in ((copy, "a training line"), (twice, "the day's file or this export")):
        item = inbox.get(refused)
        assert item.status == "labelled"
        assert item.export_refusal is not None and why in item.export_refusal
    assert [item.id for item in inbox.labelled()] == [copy, twice]


def test_the_command_without_from_reads_the_database(root, tmp_path, monkeypatch, capsys):
    from channels.review.intents import domain_intents
    from channels.review.service import ReviewInbox
    from channels.storage.privacy import Privacy
    from tests.channels.conftest import migrated

    url = f"sqlite:///{tmp_path}/gateway.db"
    database = migrated(url)
    inbox = ReviewInbox(database, Privacy("command-secret"), domain_intents())
    line = "quisiera avisos cuando lo muevan de carcel"
    labelled(inbox, line, "register_notifications", language="es")
    database.dispose()
    monkeypatch.setenv("HOTLINE_DATABASE_URL", url)
    monkeypatch.setenv("HOTLINE_SECRET_KEY", "command-secret")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "command-twilio-token")
    monkeypatch.setenv("HOTLINE_ENV", "development")
    out = tmp_path / "reviewed"
    assert main(["--out", str(out), "--date", TODAY.isoformat()]) == 0
    printed = capsys.readouterr().out
    assert "written 1" in printed and "marked 1 exported" in printed
    assert "quisiera avisos" in (out / f"{TODAY}.yml").read_text(encoding="utf-8")


def test_the_command_without_settings_exits_2(monkeypatch, capsys):
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    assert main([]) == 2
    assert "review-export" in capsys.readouterr().err
