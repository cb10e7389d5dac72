"""custody_form and action_custody_lookup: which details are asked, the answer for each record
status, several matches, failures, and the offer to sign up."""

from __future__ import annotations

from typing import Any

import pytest

from actions.custody import ActionCustodyLookup, ValidateCustodyForm
from actions.gateway import GatewayUnavailable, RateLimited
from tests.actions.conftest import DOMAIN, as_dict, asking, make_tracker, responses

FORM = ValidateCustodyForm()
CUSTODY_SLOTS = DOMAIN["forms"]["custody_form"]["required_slots"]
PORT_ISABEL = {
    "status": "in_custody",
    "facility": "Port Isabel Service Processing Center",
    "city": "Los Fresnos",
    "state": "TX",
    "updated_at": "2026-11-28T08:00:00Z",
}


async def test_with_an_a_number_the_name_is_not_asked():
    tracker = make_tracker(slots={"reg_a_number": "A204555781"})
    assert await FORM.required_slots(CUSTODY_SLOTS, None, tracker, DOMAIN) == [
        "reg_a_number",
        "reg_country",
    ]
    tracker = make_tracker(slots={"reg_a_number": "unknown"})
    assert await FORM.required_slots(CUSTODY_SLOTS, None, tracker, DOMAIN) == CUSTODY_SLOTS


async def test_no_a_number_then_the_name_is_asked(dispatcher):
    events = await FORM.run(dispatcher, asking("reg_a_number", "no, I don't have it"), DOMAIN)
    slots = as_dict(events)
    assert slots["reg_a_number"] == "unknown"
    assert slots["requested_slot"] == "reg_offender_name"


async def test_the_a_number_in_the_question_is_used(dispatcher):
    tracker = make_tracker(text="is A204555781 still detained?", intent="check_custody_status")
    slots = as_dict(await FORM.run(dispatcher, tracker, DOMAIN))
    assert slots["reg_a_number"] == "A204555781"
    assert slots["requested_slot"] == "reg_country"


async def test_a_wrong_country_is_asked_again_in_spanish_too(dispatcher):
    result = FORM.validate_reg_country("Atlántida", dispatcher, asking("reg_country", "x"), DOMAIN)
    assert result == {"reg_country": None, "reg_failures": 1, "reg_prompted": True}
    assert responses(dispatcher) == ["utter_invalid_reg_country"]


async def test_cancel_stops_the_look_up(dispatcher):
    tracker = make_tracker(
        text="forget the search", intent="cancel", slots={"requested_slot": "reg_country"}
    )
    assert as_dict(await FORM.run(dispatcher, tracker, DOMAIN))["reg_outcome"] == "cancelled"


async def lookup(dispatcher, **slots: Any):
    tracker = make_tracker(slots={"reg_country": "MX", **slots})
    return await ActionCustodyLookup().run(dispatcher, tracker, DOMAIN)


async def test_in_custody_by_a_number(fake_gateway, dispatcher):
    fake_gateway.answers["lookup_custody"] = [PORT_ISABEL]
    events = await lookup(dispatcher, reg_a_number="A204555781")
    assert fake_gateway.calls == [
        ("lookup_custody", (), {"country": "MX", "a_number": "A204555781"})
    ]
    located, more = dispatcher.messages
    assert located["response"] == "utter_custody_in_custody_at"
    assert located["who"] == "A204555781"
    assert located["where"] == "Port Isabel Service Processing Center, Los Fresnos, TX"
    assert more["response"] == "utter_custody_more"
    slots = as_dict(events)
    assert slots["custody_offer"] is True
    # The offender stays known, so that YES to the offer does not ask again.
    assert "reg_a_number" not in slots and "reg_country" not in slots


async def test_by_name_when_the_a_number_is_unknown(fake_gateway, dispatcher):
    fake_gateway.answers["lookup_custody"] = [{"status": "released"}]
    await lookup(dispatcher, reg_a_number="unknown", reg_offender_name="Carlos Mendoza Ruiz")
    assert fake_gateway.calls[0][2] == {"country": "MX", "name": "Carlos Mendoza Ruiz"}
    assert responses(dispatcher) == ["utter_custody_released", "utter_custody_more"]
    assert dispatcher.messages[0]["who"] == "Carlos Mendoza Ruiz"


@pytest.mark.parametrize(
    ("record", "answer", "offer"),
    [
        ({"status": "in_custody"}, "utter_custody_in_custody", True),
        ({"status": "transferred", "facility": "Otero County Processing Center",
          "state": "NM"}, "utter_custody_transferred_to", True),
        ({"status": "transferred"}, "utter_custody_transferred", True),
        ({"status": "removed"}, "utter_custody_removed", True),
        ({"status": "escaped"}, "utter_custody_escaped", True),
        ({"status": "deceased"}, "utter_custody_deceased", False),
    ],
)  # fmt: skip
async def test_every_status_has_its_answer(record, answer, offer, fake_gateway, dispatcher):
    fake_gateway.answers["lookup_custody"] = [record]
    events = await lookup(dispatcher, reg_a_number="A204555781")
    expected = [answer, "utter_custody_more"] if offer else [answer]
    assert responses(dispatcher) == expected
    assert as_dict(events)["custody_offer"] is (True if offer else None)


def test_the_answer_says_why_it_says_no_more_and_offers_alerts():
    english, spanish, *spoken = DOMAIN["responses"]["utter_custody_more"]
    assert [variation.get("channel") for variation in spoken] == ["voice", "voice"]
    assert "For safety reasons" in english["text"] and "1-855-488-6423" in english["text"]
    assert "Reply YES (1) to sign up" in english["text"]
    assert "SÍ" in spanish["text"]
    assert "911" in DOMAIN["responses"]["utter_custody_escaped"][0]["text"]


@pytest.mark.parametrize("records", [[], [{"status": "not_found"}], [{"status": "on_mars"}]])
async def test_no_record_says_so_and_forgets_the_details(records, fake_gateway, dispatcher):
    fake_gateway.answers["lookup_custody"] = records
    events = await lookup(dispatcher, reg_a_number="A204555781")
    assert responses(dispatcher) == ["utter_custody_not_found"]
    slots = as_dict(events)
    assert slots["reg_a_number"] is None and slots["reg_country"] is None
    assert slots["custody_offer"] is None


async def test_several_matches_ask_once_for_the_a_number(fake_gateway, dispatcher):
    fake_gateway.answers["lookup_custody"] = [PORT_ISABEL, {"status": "released"}]
    events = await lookup(dispatcher, reg_a_number="unknown", reg_offender_name="Jose Garcia")
    assert responses(dispatcher) == ["utter_custody_several"]
    assert [event["name"] for event in events if event["event"] == "followup"] == ["custody_form"]
    slots = as_dict(events)
    assert slots["reg_a_number"] is None
    assert slots["reg_prompted"] is True and slots["custody_several"] is True


async def test_several_matches_again_go_to_a_specialist(fake_gateway, dispatcher):
    fake_gateway.answers["lookup_custody"] = [PORT_ISABEL, {"status": "released"}]
    events = await lookup(
        dispatcher, reg_a_number="unknown", reg_offender_name="Jose Garcia", custody_several=True
    )
    assert responses(dispatcher) == ["utter_custody_several_specialist"]
    assert all(event["event"] != "followup" for event in events)
    assert as_dict(events)["custody_several"] is None


@pytest.mark.parametrize(
    ("error", "response"),
    [
        (GatewayUnavailable("timeout"), "utter_custody_unavailable"),
        (RateLimited(429, {"error": "rate_limited"}, 30), "utter_custody_rate_limited"),
    ],
)
async def test_gateway_trouble_apologises_with_a_specialist(
    error, response, fake_gateway, dispatcher
):
    fake_gateway.errors["lookup_custody"] = error
    await lookup(dispatcher, reg_a_number="A204555781")
    assert responses(dispatcher) == [response]
    assert "1-855-488-6423" in DOMAIN["responses"][response][0]["text"]
    if isinstance(error, RateLimited):
        assert dispatcher.messages[0]["minutes"] == 1


@pytest.mark.parametrize(
    ("slots", "response"),
    [
        ({"reg_outcome": "cancelled", "reg_a_number": "A204555781"}, "utter_custody_stopped"),
        ({"reg_outcome": "gave_up"}, "utter_custody_gave_up"),
        ({"reg_a_number": "unknown"}, "utter_custody_gave_up"),
    ],
)
async def test_a_form_that_stopped_early_is_not_looked_up(
    slots, response, fake_gateway, dispatcher
):
    events = await lookup(dispatcher, **slots)
    assert responses(dispatcher) == [response]
    assert fake_gateway.calls == []
    assert as_dict(events)["reg_a_number"] is None
