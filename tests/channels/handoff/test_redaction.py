"""PINs and codes a person typed are hidden in every transcript view."""

from __future__ import annotations

import pytest

from channels.handoff.redaction import HIDDEN, is_secret_answer, redacted
from channels.handoff.service import HANDOFFS
from channels.handoff.states import Priority, Reason
from channels.storage.privacy import PRIVACY
from channels.twilio.fake_phone import sms_params

PHONE = "+17135550142"


@pytest.mark.parametrize(
    "answer",
    ["4821", "4 8 2 1", "my pin is 4821", "four eight two one", "482-913", "mi pin es 4821"],
)
def test_an_answer_to_a_pin_or_code_question_is_secret(answer):
    assert is_secret_answer(answer, asked=True)


@pytest.mark.parametrize("answer", ["4821", "482913", " 4821. "])
def test_a_bare_pin_or_code_is_secret_even_unasked(answer):
    assert is_secret_answer(answer, asked=False)


@pytest.mark.parametrize(
    ("answer", "asked"),
    [
        ("yes", True),
        ("I forgot my PIN", True),
        ("713-555-0142", True),  # a phone number is not a PIN
        ("born in 1985, my son is 12", False),
        ("A204555781", False),
        ("what is a PIN for?", False),
    ],
)
def test_other_answers_are_shown(answer, asked):
    assert not is_secret_answer(answer, asked)


def test_only_the_answer_after_the_question_is_hidden():
    transcript = [
        {"direction": "inbound", "body": "sign me up"},
        {"direction": "outbound", "body": "Última pregunta: elija un PIN de 4 dígitos."},
        {"direction": "inbound", "body": "cuatro ocho dos uno"},
        {"direction": "outbound", "body": "Gracias. ¿Algo más?"},
        {"direction": "inbound", "body": "my daughter is 4 and she is 1 of 2 kids"},
    ]
    bodies = [m["body"] for m in redacted(transcript)]
    assert bodies == [
        "sign me up",
        "Última pregunta: elija un PIN de 4 dígitos.",
        HIDDEN,
        "Gracias. ¿Algo más?",
        "my daughter is 4 and she is 1 of 2 kids",
    ]


def test_the_service_transcript_hides_them(app, signed_post, assistant):
    for question, answer in [
        ("Choose a 4-digit PIN you will remember.", "4821"),
        ("Reply with the 6-digit code we texted you.", "my code is 482 913"),
        ("Thank you. Anything else?", "I need to talk to a person"),
    ]:
        assistant.answer = [question]
        signed_post(params=sms_params(PHONE, "go on"))
        assistant.answer = ["ok"]
        signed_post(params=sms_params(PHONE, answer))
    handoffs = HANDOFFS.get(app)
    view, _ = handoffs.request(
        PRIVACY.get(app).conversation_key(PHONE),
        channel="sms",
        language="en",
        reason=Reason.REQUEST_HUMAN,
        priority=Priority.NORMAL,
        summary={},
    )
    bodies = [m["body"] for m in handoffs.transcript(view.id)]
    assert "4821" not in str(bodies) and "482 913" not in str(bodies)
    assert bodies.count(HIDDEN) == 2
    assert "I need to talk to a person" in bodies
