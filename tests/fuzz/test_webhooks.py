"""A Hypothesis-driven fuzzer for the Twilio webhooks: correctly signed requests with generated
fields (any text, digits, control characters, huge and malformed numbers, odd SIDs) to
``/twilio/sms`` and every call route. No answer is a 5xx, and every 200 is well-formed TwiML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlencode

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channels.twilio.signature import SIGNATURE_HEADER, sign
from tests.fuzz.conftest import AUTH_TOKEN, PUBLIC_URL

ROUTES = [
    "/twilio/sms",
    "/twilio/voice",
    "/twilio/voice/language",
    "/twilio/voice/turn",
    "/twilio/voice/wait",
    "/twilio/voice/transfer",
    "/twilio/voice/hold",
    "/twilio/voice/status",
    "/twilio/status",
]
EXAMPLES = 300

any_text = st.text(max_size=300) | st.text(alphabet="0123456789²٣ -+.#*", max_size=40)
sid = st.one_of(
    st.from_regex(r"\A(SM|CA|MM)[0-9a-f]{32}\Z"),
    st.text(max_size=80),
    st.just(""),
)
number = st.one_of(
    st.integers(min_value=-5, max_value=10**6).map(str),
    st.just("9" * 5000),
    st.text(alphabet="0123456789²e.-", max_size=12),
)
phone = st.one_of(st.just("+17135550142"), st.from_regex(r"\A\+1[2-9]\d{9}\Z"), any_text)
real_sid = st.from_regex(r"\A(SM|CA)[0-9a-f]{32}\Z")
real_phone = st.from_regex(r"\A\+1[2-9]\d{9}\Z")
# Mostly real-looking SIDs and numbers, so that requests get past the first checks and reach
# the flows; sometimes anything at all.
fields = st.fixed_dictionaries(
    {
        "From": st.one_of(real_phone, real_phone, real_phone, phone),
        "MessageSid": st.one_of(real_sid, real_sid, real_sid, sid),
        "CallSid": st.one_of(real_sid, real_sid, real_sid, sid),
        "Body": any_text,
    },
    optional={
        "To": phone,
        "NumMedia": number,
        "SpeechResult": any_text,
        "Digits": st.text(alphabet="0123456789*#w", max_size=30) | any_text,
        "Confidence": st.floats(allow_nan=True).map(str) | any_text,
        "CallStatus": st.sampled_from(["completed", "in-progress", "busy"]) | any_text,
        "MessageStatus": st.sampled_from(["delivered", "failed"]) | any_text,
        "DialCallStatus": st.sampled_from(["completed", "no-answer"]) | any_text,
        "ErrorCode": number,
    },
)
query = st.fixed_dictionaries(
    {},
    optional={
        "turn": number,
        "attempt": number,
        "waited": number,
        "handoff": any_text,
        "language": st.sampled_from(["en", "es", "xx"]) | any_text,
    },
)


def without_surrogates(values: dict[str, str]) -> dict[str, str]:
    """What a form post can carry: text that encodes to UTF-8."""
    return {k: v.encode("utf-8", "replace").decode() for k, v in values.items()}


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@given(route=st.sampled_from(ROUTES), form=fields, params=query)
def test_signed_webhooks_never_fail_and_answer_twiml(
    fuzzed_app: Flask, route: str, form: dict[str, str], params: dict[str, str]
) -> None:
    form, params = without_surrogates(form), without_surrogates(params)
    path = route + (f"?{urlencode(params)}" if params else "")
    signature = sign(AUTH_TOKEN, PUBLIC_URL + path, form)
    response = fuzzed_app.test_client().post(path, data=form, headers={SIGNATURE_HEADER: signature})
    assert response.status_code < 500, (path, form, response.get_data(as_text=True)[:300])
    if response.status_code == 200:
        root = ET.fromstring(response.get_data())
        assert root.tag == "Response"
