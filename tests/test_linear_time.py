"""Nothing a texter or caller sends can stall the hotline: every function that reads a person's
words (the parsers both sides share, the form validators' helpers, the keyword matcher, the
call's input reader, the assistant's message guard, the NLU's entity rules, the emergency
rules and the de-identifier) answers a 1,600-character message built to make patterns
backtrack within a few milliseconds, and never raises on any text.

Timings are CPU time (not wall time), the best of three, so that other processes on a busy
machine stay out of the measure. The budget is 200 ms: the slowest linear reader takes about 50 ms
on the slowest machine seen here (``deidentify`` on 1,600 "a@", 59 ms on 2026-12-06, when the
budget was 50 ms), and a super-linear pattern on these inputs takes seconds (``parse_a_number``
took 7 s on the first input before its fix).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from actions import directory, forms, language, lifecycle, read_back
from bot.components import linear_intent
from bot.nlp.build import build_pipeline
from channels.assistant.client import as_message
from channels.call_flow import caller_input
from channels.handoff import redaction
from channels.twilio import keywords, twiml
from formats import (
    answers,
    contacts,
    countries,
    danger,
    dates,
    deidentify,
    digits,
    names,
    text,
    texting,
)
from formats.gazetteer import Gazetteer

SMS_LIMIT = 1600
BUDGET_SECONDS = 0.2

ADVERSARIAL = {
    "blank runs": "a" + " " * 800 + "x" + " 1 b" * 199,
    "spaces": " " * SMS_LIMIT,
    "tabs and newlines": "\t \n" * 533,
    "digits": "1" * SMS_LIMIT,
    "digit groups": "12 " * 533,
    "dashed digits": "1-" * 800,
    "dotted digits": "1." * 800,
    "A marks": "a # " * 400,
    "a number phrases": "a number is " * 133,
    "spoken digits": "oh " * 533,
    "repeated words": "he is " * 266,
    "yes and no": "yes no " * 228,
    "at signs": "a@" * 800,
    "e-mail dots": "a." * 799 + "@",
    "plus signs": "+1 " * 533,
    "slashes": "/" * SMS_LIMIT,
    "date words": "may 1 " * 266,
    "names": "de la " * 266,
    "accents": "ñé" * 800,
    "mixed scripts": "aЖ漢ع1 " * 266,
    "emoji": "😀" * SMS_LIMIT,
    "punctuation": ".,;:!?" * 266,
    "help": "help " * 320,
    "danger words": "se metieron " * 133,
    "danger gaps": ("hes " + "right " * 3) * 72,
    "danger phrases": "no puedo hablar " * 100,
    "danger verbs": "he is hitting " * 114,
    "danger ages": "took my 3 yr " * 123,
    "danger not sure": "todavia no estoy segura " * 66,
    "danger a name": "Socorro Amparo " * 106,
    "danger seen": "lo vi en la tienda " * 84,
    "danger written": "left me a note that said " * 64,
    "stretched letters": "aaab" * 400,
    "took": "took " * 320,
    "outside of": "outside of " * 145,
    "cant get out of": "cant get out of " * 100,
    "no quiero seguir": "no quiero seguir " * 94,
    "county words": "condado de la " * 114,
    "place words": "San Antonio TX " * 106,
    "one letter": "a" * SMS_LIMIT,
    "letters typed over and over": "aaab " * 320,
}


@functools.cache
def entity_rules() -> Any:
    return build_pipeline()


@functools.cache
def linear_model() -> linear_intent.LinearModel:
    texts = ["take me off the alerts", "sign me up", "hola buenas", "hes outside right now"]
    return linear_intent.fit(texts, ["unsubscribe", "register", "greet", "emergency"], 0.5, 5.0)


@functools.cache
def gazetteer() -> Gazetteer:
    return Gazetteer.build(
        ["San Antonio", "Harris County", "El Paso", "Mesa", "New York", "San Juan"],
        ["Texas", "Carolina del Norte", "New Mexico"],
        ["TX", "NY", "IN", "ME"],
        ["mesa", "el", "paso", "de", "la", "in", "me"],
    )


READERS: dict[str, Callable[[str], object]] = {
    "formats.text.fold_phrase": text.fold_phrase,
    "formats.digits.spoken_digits": digits.spoken_digits,
    "formats.digits.parse_a_number": digits.parse_a_number,
    "formats.digits.parse_pin": digits.parse_pin,
    "formats.dates.parse_date en": lambda said: dates.parse_date(said, "en"),
    "formats.dates.parse_date es": lambda said: dates.parse_date(said, "es"),
    "formats.dates.parse_birth_date": dates.parse_birth_date,
    "formats.contacts.parse_phone": contacts.parse_phone,
    "formats.contacts.parse_email": contacts.parse_email,
    "formats.contacts.parse_contact_phone": contacts.parse_contact_phone,
    "formats.answers.parse_yes_no": answers.parse_yes_no,
    "formats.answers.parse_bare_yes_no": answers.parse_bare_yes_no,
    "formats.answers.parse_channel": answers.parse_channel,
    "formats.answers.parse_language_choice": answers.parse_language_choice,
    "formats.answers.parse_relationship": answers.parse_relationship,
    "formats.countries.parse_country": countries.parse_country,
    "formats.countries.country_code": countries.country_code,
    "formats.names.normalise_full_name": names.normalise_full_name,
    "formats.danger.danger_categories": danger.danger_categories,
    "formats.texting.normal_word": texting.normal_word,
    "formats.names.name_spans": names.name_spans,
    "formats.dates.date_spans": dates.date_spans,
    "formats.deidentify.deidentify en": lambda said: deidentify.deidentify(said, "en"),
    "formats.deidentify.deidentify es": lambda said: deidentify.deidentify(said, "es"),
    "formats.deidentify.identifying_details": deidentify.identifying_details,
    "actions.forms.doesnt_know": forms.doesnt_know,
    "actions.forms.as_country": forms.as_country,
    "actions.forms.as_a_number": forms.as_a_number,
    "actions.read_back.mentioned_field": read_back.mentioned_field,
    "actions.read_back.sounds_negative": read_back.sounds_negative,
    "actions.read_back.corrected_name": read_back.corrected_name,
    "actions.lifecycle.parse_choice": lambda said: lifecycle.parse_choice(said, 3, True),
    "actions.directory.wanted_kind": directory.wanted_kind,
    "actions.language.detect_language": language.detect_language,
    "channels.twilio.keywords.match_keyword": keywords.match_keyword,
    "channels.twilio.keywords.match_exchange_reply": keywords.match_exchange_reply,
    "channels.twilio.twiml.spoken_pieces": twiml.spoken_pieces,
    "channels.assistant.client.as_message": as_message,
    "channels.handoff.redaction.is_secret_answer": lambda said: redaction.is_secret_answer(
        said, asked=True
    ),
    "channels.handoff.redaction.redacted": lambda said: list(
        redaction.redacted(
            [{"direction": "outbound", "body": said}, {"direction": "inbound", "body": said}]
        )
    ),
    "channels.call_flow.caller_input.classify": lambda said: caller_input.classify(
        said, "", caller_input.FREE_SPEECH
    ),
    "channels.call_flow.caller_input.classify digits": lambda said: caller_input.classify(
        said, said[:64], caller_input.DIGITS
    ),
    "channels.call_flow.caller_input.yes_or_no": lambda said: caller_input.yes_or_no(said, ""),
    "bot.nlp entity rules": lambda said: entity_rules()(said),
    "formats.gazetteer.Gazetteer.find": lambda said: gazetteer().find(said),
    "bot.components.linear_intent.ngrams": linear_intent.ngrams,
    "bot.components.linear_intent.LinearModel.probabilities": lambda said: (
        linear_model().probabilities([said])
    ),
}


def cpu_seconds(reader: Callable[[str], object], said: str) -> float:
    timings = []
    for _ in range(3):
        started = time.process_time()
        reader(said)
        timings.append(time.process_time() - started)
    return min(timings)


@pytest.mark.parametrize("reader", READERS, ids=list(READERS))
@pytest.mark.parametrize("said", ADVERSARIAL.values(), ids=list(ADVERSARIAL))
def test_every_reader_is_fast_on_adversarial_messages(reader, said):
    assert len(said) <= SMS_LIMIT + 1
    READERS[reader](said)  # warm caches (country tables, the language model) out of the measure
    assert cpu_seconds(READERS[reader], said) < BUDGET_SECONDS


@pytest.mark.parametrize("reader", READERS, ids=list(READERS))
@settings(max_examples=60, deadline=None, derandomize=True)
@given(said=st.text(max_size=SMS_LIMIT) | st.text(alphabet="aA1 -./@#+\t\nñ", max_size=SMS_LIMIT))
def test_every_reader_takes_any_text(reader, said):
    READERS[reader](said)
