"""contact_form and action_change_contact: the new channel and contact, and the code sent to
the new contact, with a fake gateway client in place of the real one. The picking step both
lifecycle forms share is tested in test_lifecycle.py."""

from __future__ import annotations

import pytest

from actions.contact_change import (
    ActionChangeContact,
    AskChannel,
    AskValue,
    ValidateContactForm,
    parse_new_contact,
)
from actions.gateway import GatewayError, GatewayUnavailable, RateLimited
from tests.actions.conftest import (
    DOMAIN,
    JD,
    SENDER,
    SHOWN_JD,
    SHOWN_MR,
    activation,
    as_dict,
    make_tracker,
    responses,
    turn,
)

# -- reading answers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "channel", "expected"),
    [
        ("(713) 555-0199", "sms", "+17135550199"),
        ("my new cell is 713 555 0199", "voice", "+17135550199"),
        ("THIS", "sms", "this_number"),
        ("this number please", "voice", "this_number"),
        ("este número", "sms", "this_number"),
        ("el mismo", "sms", "this_number"),
        ("Ana.Perez@Example.org", "email", "Ana.Perez@example.org"),
        ("this", "email", None),
        ("this isn't right", "sms", None),
        ("no es este", "sms", None),
        ("i don't have one at this time sorry", "sms", None),
        ("12", "sms", None),
        ("this one 12", "sms", None),
        ("no idea", "sms", None),
    ],
)
def test_parse_new_contact(text, channel, expected):
    assert parse_new_contact(text, channel) == expected


# -- the first message -------------------------------------------------------------------------


async def test_new_email_in_the_first_message_is_kept(lifecycle_gateway, dispatcher):
    lifecycle_gateway.registrations = [JD]
    text = "my new email is ana@example.org please update it"
    tracker = make_tracker(text, events=activation("contact_form", text, "update_contact"))
    slots = as_dict(await ValidateContactForm().run(dispatcher, tracker, DOMAIN))
    assert slots["lc_channel"] == "email"
    assert slots["lc_value"] == "ana@example.org"


async def test_new_phone_in_the_first_message_still_asks_text_or_call(
    lifecycle_gateway, dispatcher
):
    lifecycle_gateway.registrations = [JD]
    text = "cambien mi numero al 713 555 0199"
    tracker = make_tracker(text, events=activation("contact_form", text, "update_contact"))
    slots = as_dict(await ValidateContactForm().run(dispatcher, tracker, DOMAIN))
    assert slots["lc_channel"] is None
    assert slots["lc_value"] == "+17135550199"


# -- answers during the form -------------------------------------------------------------------


async def test_channel_by_keypad_or_word(lifecycle_gateway, dispatcher):
    slots = {"lc_registrations": [SHOWN_JD], "lc_choice": "r-1"}
    tracker = turn("contact_form", "lc_channel", "2", slots)
    assert as_dict(await ValidateContactForm().run(dispatcher, tracker, DOMAIN)) == {
        "lc_channel": "voice",
        "lc_failures": 0,
    }
    tracker = turn("contact_form", "lc_channel", "por correo", slots, language="es")
    assert as_dict(await ValidateContactForm().run(dispatcher, tracker, DOMAIN))["lc_channel"] == (
        "email"
    )


async def test_choosing_email_drops_a_phone_given_earlier(lifecycle_gateway, dispatcher):
    slots = {"lc_registrations": [SHOWN_JD], "lc_choice": "r-1", "lc_value": "+17135550199"}
    tracker = turn("contact_form", "lc_channel", "3", slots)
    events = await ValidateContactForm().run(dispatcher, tracker, DOMAIN)
    assert as_dict(events) == {"lc_channel": "email", "lc_value": None, "lc_failures": 0}


async def test_choosing_text_keeps_a_phone_given_earlier(lifecycle_gateway, dispatcher):
    slots = {"lc_registrations": [SHOWN_JD], "lc_choice": "r-1", "lc_value": "+17135550199"}
    tracker = turn("contact_form", "lc_channel", "text", slots)
    events = await ValidateContactForm().run(dispatcher, tracker, DOMAIN)
    assert as_dict(events) == {"lc_channel": "sms", "lc_failures": 0}


@pytest.mark.parametrize(
    ("channel", "text", "expected"),
    [("sms", "713.555.0199", "+17135550199"), ("voice", "this", "this_number")],
)
async def test_new_phone_or_this_number(lifecycle_gateway, dispatcher, channel, text, expected):
    slots = {"lc_registrations": [SHOWN_JD], "lc_choice": "r-1", "lc_channel": channel}
    tracker = turn("contact_form", "lc_value", text, slots)
    events = await ValidateContactForm().run(dispatcher, tracker, DOMAIN)
    assert as_dict(events) == {"lc_value": expected, "lc_failures": 0}


@pytest.mark.parametrize(
    ("channel", "response"),
    [("sms", "utter_lc_invalid_phone"), ("email", "utter_lc_invalid_email")],
)
async def test_unreadable_contact_says_what_was_missing(
    lifecycle_gateway, dispatcher, channel, response
):
    slots = {"lc_registrations": [SHOWN_JD], "lc_choice": "r-1", "lc_channel": channel}
    tracker = turn("contact_form", "lc_value", "my cousin's", slots)
    events = await ValidateContactForm().run(dispatcher, tracker, DOMAIN)
    assert as_dict(events) == {"lc_value": None, "lc_failures": 1}
    assert responses(dispatcher) == [response]


# -- the questions -----------------------------------------------------------------------------


async def test_channel_and_value_questions(dispatcher):
    slots = {"lc_registrations": [SHOWN_JD, SHOWN_MR], "lc_choice": "r-2"}
    await AskChannel().run(dispatcher, make_tracker(slots=slots), DOMAIN)
    await AskValue().run(dispatcher, make_tracker(slots={**slots, "lc_channel": "voice"}), DOMAIN)
    await AskValue().run(dispatcher, make_tracker(slots={**slots, "lc_channel": "email"}), DOMAIN)
    assert responses(dispatcher) == [
        "utter_lc_ask_channel",
        "utter_lc_ask_phone",
        "utter_lc_ask_email",
    ]
    assert dispatcher.messages[0]["offender"] == "M. R."


# -- changing the contact ----------------------------------------------------------------------


def contact_given(value: str | None = "+17135550199", channel: str = "sms"):
    return make_tracker(
        slots={
            "lc_registrations": [SHOWN_JD, SHOWN_MR],
            "lc_choice": "r-1",
            "lc_channel": channel,
            "lc_value": value,
        }
    )


async def test_change_contact_sends_a_code_and_hands_over_to_verification(
    lifecycle_gateway, dispatcher
):
    events = await ActionChangeContact().run(dispatcher, contact_given(), DOMAIN)
    assert lifecycle_gateway.calls == [("contact", "r-1", SENDER, "sms", "+17135550199")]
    assert dispatcher.messages[0]["response"] == "utter_lc_code_sent"
    assert dispatcher.messages[0]["hint"] == "***-0199"
    slots = as_dict(events)
    assert slots["reg_registration_id"] == "r-1"
    assert slots["lc_value"] is None  # the new contact is not kept in the conversation


async def test_this_number_goes_to_the_gateway_as_is(lifecycle_gateway, dispatcher):
    await ActionChangeContact().run(dispatcher, contact_given("this_number", "voice"), DOMAIN)
    assert lifecycle_gateway.calls == [("contact", "r-1", SENDER, "voice", "this_number")]


@pytest.mark.parametrize(
    ("error", "response"),
    [
        (GatewayError(422, {"error": "invalid", "fields": {"contact.value": "?"}}),
         "utter_lc_contact_rejected"),
        (RateLimited(429, {"error": "rate_limited"}, retry_after=600), "utter_lc_rate_limited"),
        (GatewayError(404, {"error": "not_found"}), "utter_lc_failed"),
        (GatewayUnavailable("ConnectionError"), "utter_lc_unavailable"),
    ],
)  # fmt: skip
async def test_change_contact_failures_skip_the_verification(
    lifecycle_gateway, dispatcher, error, response
):
    lifecycle_gateway.fail["contact"] = error
    events = await ActionChangeContact().run(dispatcher, contact_given(), DOMAIN)
    assert responses(dispatcher) == [response]
    assert as_dict(events)["reg_registration_id"] is None  # so verification_form does not start


async def test_incomplete_contact_form_changes_nothing(lifecycle_gateway, dispatcher):
    events = await ActionChangeContact().run(dispatcher, contact_given(None), DOMAIN)
    assert lifecycle_gateway.calls == [] and dispatcher.messages == []
    assert as_dict(events)["reg_registration_id"] is None
