"""Stopping alerts and changing their contact, with a fake gateway client in place of the real
one (``actions.gateway.client`` monkeypatched)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Action

from actions import gateway, lifecycle
from actions.gateway import GatewayError, GatewayUnavailable, RateLimited
from actions.lifecycle import (
    ActionChangeContact,
    ActionLifecycleCancel,
    ActionWithdraw,
    AskChannel,
    AskChoice,
    AskChoiceToWithdraw,
    AskConfirm,
    AskValue,
    ValidateContactForm,
    ValidateWithdrawForm,
    parse_choice,
    parse_new_contact,
)
from tests.actions.conftest import (
    DOMAIN,
    ROOT,
    SENDER,
    as_dict,
    make_tracker,
    responses,
    slot_event,
    user_event,
)

LIFECYCLE_DOMAIN = yaml.safe_load((ROOT / "bot/domain/lifecycle.yml").read_text(encoding="utf-8"))

JD = {
    "id": "r-1",
    "status": "active",
    "offender_hint": "J. D.",
    "channel": "sms",
    "contact_hint": "***-0142",
    "expires_at": "2027-05-01T00:00:00+00:00",
    "created_at": "2026-05-01T00:00:00+00:00",
}
MR = {**JD, "id": "r-2", "offender_hint": "M. R.", "channel": "email", "contact_hint": "a***@x.org"}
SHOWN_JD = {"id": "r-1", "offender_hint": "J. D.", "channel": "sms", "contact_hint": "***-0142"}
SHOWN_MR = {"id": "r-2", "offender_hint": "M. R.", "channel": "email", "contact_hint": "a***@x.org"}


class FakeClient:
    """Records calls; ``fail`` maps an operation name to the exception it raises."""

    def __init__(self) -> None:
        self.registrations: list[dict[str, Any]] = []
        self.calls: list[tuple[Any, ...]] = []
        self.fail: dict[str, Exception] = {}
        self.fail_ids: dict[str, Exception] = {}

    def _maybe_fail(self, operation: str, registration_id: str | None = None) -> None:
        if operation in self.fail:
            raise self.fail[operation]
        if registration_id in self.fail_ids:
            raise self.fail_ids[registration_id]

    def list_registrations(self, registrant: str) -> list[dict[str, Any]]:
        self.calls.append(("list", registrant))
        self._maybe_fail("list")
        return list(self.registrations)

    def withdraw(self, registration_id: str, registrant: str) -> dict[str, Any]:
        self.calls.append(("withdraw", registration_id, registrant))
        self._maybe_fail("withdraw", registration_id)
        return {"status": "withdrawn"}

    def change_contact(
        self, registration_id: str, registrant: str, channel: str, value: str
    ) -> dict[str, Any]:
        self.calls.append(("contact", registration_id, registrant, channel, value))
        self._maybe_fail("contact")
        return {"status": "active", "pending_contact_hint": "***-0199", "code_expires_at": "x"}


@pytest.fixture
def fake(monkeypatch) -> FakeClient:
    client = FakeClient()
    monkeypatch.setattr(gateway, "client", lambda: client)
    return client


def activation(form: str, text: str, intent: str) -> list[dict[str, Any]]:
    """The events Rasa's form action shows its validation action when the form starts."""
    return [
        user_event(text, intent),
        {"event": "active_loop", "name": form},
        slot_event("requested_slot", None),
        {"event": "action", "name": form},
    ]


def answer(form: str, requested: str, text: str, intent: str = "inform") -> list[dict[str, Any]]:
    """The events for a later turn: the requested slot's candidate comes last."""
    return [
        user_event("stop my alerts", "unsubscribe"),
        {"event": "active_loop", "name": form},
        {"event": "action", "name": form},
        user_event(text, intent),
        slot_event("requested_slot", requested),
        {"event": "action", "name": form},
        slot_event(requested, text),
    ]


def turn(
    form: str,
    requested: str,
    text: str,
    slots: dict[str, Any] | None = None,
    language: str = "en",
):
    return make_tracker(
        text=text,
        intent="inform",
        slots={"language": language, "requested_slot": requested, **(slots or {})},
        events=answer(form, requested, text),
    )


# -- reading answers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2", 2),
        ("number 2", 2),
        ("two", 2),
        ("el dos", 2),
        ("1)", 1),
        ("the second one", 2),
        ("la primera", 1),
        ("ALL", "all"),
    ],
)
def test_parse_choice(text, expected):
    assert parse_choice(text, 3, allow_all=True) == expected


@pytest.mark.parametrize("text", ["4", "0", "1 or 2", "which one", "", "all 3", "2 of them"])
def test_parse_choice_rejects_what_is_not_one_choice(text):
    assert parse_choice(text, 3, allow_all=True) is None


def test_parse_choice_all_in_both_languages_only_when_allowed():
    assert parse_choice("todos", 2, allow_all=True) == "all"
    assert parse_choice("Todas, por favor", 2, allow_all=True) == "all"
    assert parse_choice("both of them", 2, allow_all=True) == "all"
    assert parse_choice("all", 2, allow_all=False) is None


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


# -- starting the forms ------------------------------------------------------------------------


async def test_no_registrations_says_so_and_ends_the_form(fake, dispatcher):
    tracker = make_tracker(
        "stop the alerts", "unsubscribe", events=activation("withdraw_form", "stop", "unsubscribe")
    )
    events = await ValidateWithdrawForm().run(dispatcher, tracker, DOMAIN)
    assert fake.calls == [("list", SENDER)]
    assert responses(dispatcher) == ["utter_lc_none"]
    assert as_dict(events)["requested_slot"] is None
    assert as_dict(events)["lc_choice"] is None


async def test_nothing_to_change_has_its_own_answer(fake, dispatcher):
    tracker = make_tracker(
        "new number", "update_contact", events=activation("contact_form", "new", "update_contact")
    )
    events = await ValidateContactForm().run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher) == ["utter_lc_none_to_change"]
    assert as_dict(events)["requested_slot"] is None


async def test_one_registration_is_chosen_without_asking(fake, dispatcher):
    fake.registrations = [JD]
    tracker = make_tracker(events=activation("withdraw_form", "stop the alerts", "unsubscribe"))
    slots = as_dict(await ValidateWithdrawForm().run(dispatcher, tracker, DOMAIN))
    assert slots["lc_registrations"] == [SHOWN_JD]  # only what may be shown; no dates kept
    assert slots["lc_choice"] == "r-1"
    assert slots["lc_confirm"] is None
    assert slots["lc_failures"] == 0
    assert "requested_slot" not in slots  # Rasa asks the next missing slot: lc_confirm
    assert dispatcher.messages == []


async def test_several_registrations_leave_the_choice_to_the_person(fake, dispatcher):
    fake.registrations = [JD, MR]
    tracker = make_tracker(events=activation("withdraw_form", "stop the alerts", "unsubscribe"))
    slots = as_dict(await ValidateWithdrawForm().run(dispatcher, tracker, DOMAIN))
    assert slots["lc_registrations"] == [SHOWN_JD, SHOWN_MR]
    assert slots["lc_choice"] is None


async def test_a_new_start_forgets_an_interrupted_run(fake, dispatcher):
    fake.registrations = [JD, MR]
    stale = {"lc_choice": "r-9", "lc_confirm": True, "requested_slot": "lc_confirm"}
    tracker = make_tracker(slots=stale, events=activation("withdraw_form", "stop", "unsubscribe"))
    slots = as_dict(await ValidateWithdrawForm().run(dispatcher, tracker, DOMAIN))
    assert fake.calls == [("list", SENDER)]
    assert slots["lc_choice"] is None and slots["lc_confirm"] is None


async def test_new_email_in_the_first_message_is_kept(fake, dispatcher):
    fake.registrations = [JD]
    text = "my new email is ana@example.org please update it"
    tracker = make_tracker(text, events=activation("contact_form", text, "update_contact"))
    slots = as_dict(await ValidateContactForm().run(dispatcher, tracker, DOMAIN))
    assert slots["lc_channel"] == "email"
    assert slots["lc_value"] == "ana@example.org"


async def test_new_phone_in_the_first_message_still_asks_text_or_call(fake, dispatcher):
    fake.registrations = [JD]
    text = "cambien mi numero al 713 555 0199"
    tracker = make_tracker(text, events=activation("contact_form", text, "update_contact"))
    slots = as_dict(await ValidateContactForm().run(dispatcher, tracker, DOMAIN))
    assert slots["lc_channel"] is None
    assert slots["lc_value"] == "+17135550199"


@pytest.mark.parametrize(
    ("error", "response"),
    [
        (GatewayUnavailable("timeout"), "utter_lc_unavailable"),
        (GatewayError(401, {"error": "unauthorized"}), "utter_lc_failed"),
    ],
)
async def test_gateway_failure_at_the_start_apologises_and_ends(fake, dispatcher, error, response):
    fake.fail["list"] = error
    tracker = make_tracker(events=activation("withdraw_form", "stop", "unsubscribe"))
    events = await ValidateWithdrawForm().run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher) == [response]
    assert as_dict(events)["requested_slot"] is None


async def test_rate_limit_says_when_to_try_again_in_minutes(fake, dispatcher):
    fake.fail["list"] = RateLimited(429, {"error": "rate_limited"}, retry_after=90)
    tracker = make_tracker(events=activation("contact_form", "new phone", "update_contact"))
    await ValidateContactForm().run(dispatcher, tracker, DOMAIN)
    assert dispatcher.messages[0]["response"] == "utter_lc_rate_limited"
    assert dispatcher.messages[0]["minutes"] == 2


# -- answers during the forms ------------------------------------------------------------------


async def test_a_number_picks_a_registration(fake, dispatcher):
    tracker = turn("withdraw_form", "lc_choice", "2", {"lc_registrations": [SHOWN_JD, SHOWN_MR]})
    events = await ValidateWithdrawForm().run(dispatcher, tracker, DOMAIN)
    assert as_dict(events) == {"lc_choice": "r-2", "lc_failures": 0}
    assert fake.calls == []  # the list is fetched once, at the start


async def test_all_picks_every_registration_when_withdrawing(fake, dispatcher):
    slots = {"lc_registrations": [SHOWN_JD, SHOWN_MR]}
    tracker = turn("withdraw_form", "lc_choice", "TODOS", slots, language="es")
    events = await ValidateWithdrawForm().run(dispatcher, tracker, DOMAIN)
    assert as_dict(events)["lc_choice"] == "all"


async def test_all_is_not_a_choice_when_changing_a_contact(fake, dispatcher):
    tracker = turn("contact_form", "lc_choice", "all", {"lc_registrations": [SHOWN_JD, SHOWN_MR]})
    events = await ValidateContactForm().run(dispatcher, tracker, DOMAIN)
    assert as_dict(events) == {"lc_choice": None, "lc_failures": 1}
    assert responses(dispatcher) == ["utter_lc_invalid"]


async def test_third_invalid_answer_in_a_row_offers_a_specialist_and_ends(fake, dispatcher):
    slots = {"lc_registrations": [SHOWN_JD, SHOWN_MR], "lc_failures": 2}
    tracker = turn("withdraw_form", "lc_choice", "9", slots)
    events = await ValidateWithdrawForm().run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher) == ["utter_lc_give_up"]
    assert as_dict(events)["requested_slot"] is None


async def test_a_valid_answer_resets_the_count(fake, dispatcher):
    slots = {"lc_registrations": [SHOWN_JD], "lc_choice": "r-1", "lc_failures": 2}
    tracker = turn("withdraw_form", "lc_confirm", "si", slots, language="es")
    events = await ValidateWithdrawForm().run(dispatcher, tracker, DOMAIN)
    assert as_dict(events) == {"lc_confirm": True, "lc_failures": 0}


@pytest.mark.parametrize(("text", "expected"), [("YES", True), ("no", False), ("2", False)])
async def test_yes_or_no(fake, dispatcher, text, expected):
    slots = {"lc_registrations": [SHOWN_JD], "lc_choice": "r-1"}
    tracker = turn("withdraw_form", "lc_confirm", text, slots)
    events = await ValidateWithdrawForm().run(dispatcher, tracker, DOMAIN)
    assert as_dict(events)["lc_confirm"] is expected


async def test_unclear_yes_or_no_asks_again(fake, dispatcher):
    slots = {"lc_registrations": [SHOWN_JD], "lc_choice": "r-1"}
    tracker = turn("withdraw_form", "lc_confirm", "what do you mean", slots)
    events = await ValidateWithdrawForm().run(dispatcher, tracker, DOMAIN)
    assert as_dict(events) == {"lc_confirm": None, "lc_failures": 1}


async def test_a_message_that_fills_nothing_gives_no_events(fake, dispatcher):
    """An emergency or a cancel is not mapped to the slot; returning no events lets Rasa reject
    the form, so the emergency (or cancel) rule answers first."""
    tracker = make_tracker(
        "he is here with a gun",
        "emergency",
        slots={"requested_slot": "lc_choice", "lc_registrations": [SHOWN_JD, SHOWN_MR]},
        events=[
            *answer("withdraw_form", "lc_choice", "x")[:3],
            user_event("he is here with a gun", "emergency"),
            slot_event("requested_slot", "lc_choice"),
            {"event": "action", "name": "withdraw_form"},
        ],
    )
    assert await ValidateWithdrawForm().run(dispatcher, tracker, DOMAIN) == []
    assert dispatcher.messages == []
    assert fake.calls == []


async def test_channel_by_keypad_or_word(fake, dispatcher):
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


async def test_choosing_email_drops_a_phone_given_earlier(fake, dispatcher):
    slots = {"lc_registrations": [SHOWN_JD], "lc_choice": "r-1", "lc_value": "+17135550199"}
    tracker = turn("contact_form", "lc_channel", "3", slots)
    events = await ValidateContactForm().run(dispatcher, tracker, DOMAIN)
    assert as_dict(events) == {"lc_channel": "email", "lc_value": None, "lc_failures": 0}


async def test_choosing_text_keeps_a_phone_given_earlier(fake, dispatcher):
    slots = {"lc_registrations": [SHOWN_JD], "lc_choice": "r-1", "lc_value": "+17135550199"}
    tracker = turn("contact_form", "lc_channel", "text", slots)
    events = await ValidateContactForm().run(dispatcher, tracker, DOMAIN)
    assert as_dict(events) == {"lc_channel": "sms", "lc_failures": 0}


@pytest.mark.parametrize(
    ("channel", "text", "expected"),
    [("sms", "713.555.0199", "+17135550199"), ("voice", "this", "this_number")],
)
async def test_new_phone_or_this_number(fake, dispatcher, channel, text, expected):
    slots = {"lc_registrations": [SHOWN_JD], "lc_choice": "r-1", "lc_channel": channel}
    tracker = turn("contact_form", "lc_value", text, slots)
    events = await ValidateContactForm().run(dispatcher, tracker, DOMAIN)
    assert as_dict(events) == {"lc_value": expected, "lc_failures": 0}


@pytest.mark.parametrize(
    ("channel", "response"),
    [("sms", "utter_lc_invalid_phone"), ("email", "utter_lc_invalid_email")],
)
async def test_unreadable_contact_says_what_was_missing(fake, dispatcher, channel, response):
    slots = {"lc_registrations": [SHOWN_JD], "lc_choice": "r-1", "lc_channel": channel}
    tracker = turn("contact_form", "lc_value", "my cousin's", slots)
    events = await ValidateContactForm().run(dispatcher, tracker, DOMAIN)
    assert as_dict(events) == {"lc_value": None, "lc_failures": 1}
    assert responses(dispatcher) == [response]


# -- the questions -----------------------------------------------------------------------------


async def test_list_to_withdraw_in_english(dispatcher):
    tracker = make_tracker(slots={"language": "en", "lc_registrations": [SHOWN_JD, SHOWN_MR]})
    await AskChoiceToWithdraw().run(dispatcher, tracker, DOMAIN)
    message = dispatcher.messages[0]
    assert message["response"] == "utter_lc_ask_choice_withdraw"
    assert message["listing"] == "1) J. D. by text ***-0142\n2) M. R. by e-mail a***@x.org"


async def test_list_to_change_in_spanish(dispatcher):
    tracker = make_tracker(slots={"language": "es", "lc_registrations": [SHOWN_JD, SHOWN_MR]})
    await AskChoice().run(dispatcher, tracker, DOMAIN)
    message = dispatcher.messages[0]
    assert message["response"] == "utter_lc_ask_choice_change"
    assert message["listing"] == "1) J. D. por texto ***-0142\n2) M. R. por correo a***@x.org"


@pytest.mark.parametrize(
    ("language", "contact"), [("en", "by text ***-0142"), ("es", "por texto ***-0142")]
)
async def test_confirm_one(dispatcher, language, contact):
    slots = {"language": language, "lc_registrations": [SHOWN_JD, SHOWN_MR], "lc_choice": "r-1"}
    await AskConfirm().run(dispatcher, make_tracker(slots=slots), DOMAIN)
    assert dispatcher.messages[0]["response"] == "utter_lc_ask_confirm"
    assert dispatcher.messages[0]["offender"] == "J. D."
    assert dispatcher.messages[0]["contact"] == contact


async def test_confirm_all(dispatcher):
    slots = {"lc_registrations": [SHOWN_JD, SHOWN_MR], "lc_choice": "all"}
    await AskConfirm().run(dispatcher, make_tracker(slots=slots), DOMAIN)
    assert dispatcher.messages[0]["response"] == "utter_lc_ask_confirm_all"
    assert dispatcher.messages[0]["offender"] == "J. D., M. R."


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


# -- withdrawing -------------------------------------------------------------------------------


def confirmed(choice: str, confirm: bool | None = True):
    return make_tracker(
        slots={"lc_registrations": [SHOWN_JD, SHOWN_MR], "lc_choice": choice, "lc_confirm": confirm}
    )


async def test_withdraws_the_one_confirmed(fake, dispatcher):
    events = await ActionWithdraw().run(dispatcher, confirmed("r-2"), DOMAIN)
    assert fake.calls == [("withdraw", "r-2", SENDER)]
    assert dispatcher.messages[0]["response"] == "utter_lc_withdrawn"
    assert dispatcher.messages[0]["offender"] == "M. R."
    assert as_dict(events) == dict.fromkeys(lifecycle.LIFECYCLE_SLOTS)


async def test_withdraws_all(fake, dispatcher):
    await ActionWithdraw().run(dispatcher, confirmed("all"), DOMAIN)
    assert [call[1] for call in fake.calls] == ["r-1", "r-2"]
    assert dispatcher.messages[0]["offender"] == "J. D., M. R."


async def test_no_keeps_everything(fake, dispatcher):
    events = await ActionWithdraw().run(dispatcher, confirmed("r-1", False), DOMAIN)
    assert fake.calls == []
    assert responses(dispatcher) == ["utter_lc_kept"]
    assert as_dict(events)["lc_choice"] is None


async def test_a_form_that_ended_early_changes_nothing_and_says_nothing(fake, dispatcher):
    events = await ActionWithdraw().run(dispatcher, confirmed("r-1", None), DOMAIN)
    assert fake.calls == [] and dispatcher.messages == []
    assert as_dict(events) == dict.fromkeys(lifecycle.LIFECYCLE_SLOTS)


async def test_already_gone_counts_as_withdrawn(fake, dispatcher):
    fake.fail_ids["r-1"] = GatewayError(404, {"error": "not_found"})
    await ActionWithdraw().run(dispatcher, confirmed("all"), DOMAIN)
    assert dispatcher.messages[0]["offender"] == "J. D., M. R."


async def test_gateway_down_midway_reports_what_was_done(fake, dispatcher):
    fake.fail_ids["r-2"] = GatewayUnavailable("timeout")
    await ActionWithdraw().run(dispatcher, confirmed("all"), DOMAIN)
    assert responses(dispatcher) == ["utter_lc_withdrawn", "utter_lc_unavailable"]
    assert dispatcher.messages[0]["offender"] == "J. D."


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


async def test_change_contact_sends_a_code_and_hands_over_to_verification(fake, dispatcher):
    events = await ActionChangeContact().run(dispatcher, contact_given(), DOMAIN)
    assert fake.calls == [("contact", "r-1", SENDER, "sms", "+17135550199")]
    assert dispatcher.messages[0]["response"] == "utter_lc_code_sent"
    assert dispatcher.messages[0]["hint"] == "***-0199"
    slots = as_dict(events)
    assert slots["reg_registration_id"] == "r-1"
    assert slots["lc_value"] is None  # the new contact is not kept in the conversation


async def test_this_number_goes_to_the_gateway_as_is(fake, dispatcher):
    await ActionChangeContact().run(dispatcher, contact_given("this_number", "voice"), DOMAIN)
    assert fake.calls == [("contact", "r-1", SENDER, "voice", "this_number")]


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
async def test_change_contact_failures_skip_the_verification(fake, dispatcher, error, response):
    fake.fail["contact"] = error
    events = await ActionChangeContact().run(dispatcher, contact_given(), DOMAIN)
    assert responses(dispatcher) == [response]
    assert as_dict(events)["reg_registration_id"] is None  # so verification_form does not start


async def test_incomplete_contact_form_changes_nothing(fake, dispatcher):
    events = await ActionChangeContact().run(dispatcher, contact_given(None), DOMAIN)
    assert fake.calls == [] and dispatcher.messages == []
    assert as_dict(events)["reg_registration_id"] is None


async def test_cancel_says_nothing_changed_and_forgets(dispatcher):
    events = await ActionLifecycleCancel().run(dispatcher, make_tracker(), DOMAIN)
    assert responses(dispatcher) == ["utter_lc_cancelled"]
    assert as_dict(events) == dict.fromkeys(lifecycle.LIFECYCLE_SLOTS)


# -- the module and the domain agree -----------------------------------------------------------


def test_every_action_is_declared_in_the_domain_and_every_declared_action_exists():
    classes = [
        cls
        for _, cls in inspect.getmembers(lifecycle, inspect.isclass)
        if issubclass(cls, Action) and cls.__module__ == lifecycle.__name__
    ]
    names = {cls().name() for cls in classes if not inspect.isabstract(cls)}
    assert names == set(LIFECYCLE_DOMAIN["actions"])


def test_every_response_the_module_uses_is_in_the_domain():
    source = Path(lifecycle.__file__).read_text(encoding="utf-8")
    used = set(re.findall(r'"(utter_lc_[a-z_]+)"', source))
    used |= {f"utter_lc_by_{channel}" for channel in ("sms", "voice", "email")}
    assert used <= set(LIFECYCLE_DOMAIN["responses"])
    assert set(LIFECYCLE_DOMAIN["responses"]) <= used


# -- with Rasa's own form action ---------------------------------------------------------------
# Rasa's FormAction decides when the validation action runs, what it sees, and when the form is
# rejected (so that the emergency rule answers first); these tests drive it for real, with the
# actions run in-process instead of over HTTP. Nothing is trained.


class InProcessActionServer:
    """Stands in for the action server's endpoint: Rasa's RemoteAction posts its call here.
    Only this feature's actions (and the language slot's) run; others answer with no events."""

    url = "in-process"
    kwargs: dict[str, Any] = {}

    def __init__(self) -> None:
        from rasa_sdk.executor import ActionExecutor

        from actions.language import ValidatePredefinedSlots

        self.executor = ActionExecutor()
        for cls in (ValidatePredefinedSlots, *_lifecycle_action_classes()):
            self.executor.register_action(cls)

    async def request(self, json: dict[str, Any], **_: Any) -> dict[str, Any] | None:
        if json["next_action"] not in self.executor.actions:
            return {"events": [], "responses": []}  # other features' slot extraction
        return await self.executor.run(json)


def _lifecycle_action_classes() -> list[type[Action]]:
    return [
        cls
        for _, cls in inspect.getmembers(lifecycle, inspect.isclass)
        if issubclass(cls, Action)
        and cls.__module__ == lifecycle.__name__
        and not inspect.isabstract(cls)
    ]


class Conversation:
    """One conversation turn by turn, running the actions the rules would predict."""

    def __init__(self, language: str) -> None:
        from rasa.core.nlg import TemplatedNaturalLanguageGenerator
        from rasa.shared.core.domain import Domain
        from rasa.shared.core.events import SlotSet
        from rasa.shared.core.trackers import DialogueStateTracker

        self.domain = Domain.load(str(ROOT / "bot/domain"))
        self.nlg = TemplatedNaturalLanguageGenerator(self.domain.responses)
        self.endpoint = InProcessActionServer()
        self.tracker = DialogueStateTracker(SENDER, self.domain.slots)
        self.tracker.update(SlotSet("language", language))

    async def say(self, text: str, intent: str, *actions: str) -> list[str]:
        """The person's message, then ``actions`` in order; returns the bot's texts. A rejected
        form action is shown as "[rejected]" and the next actions still run, as after Rasa's
        rejection the rules predict the next ones."""
        from rasa.shared.core.events import ActionExecuted, UserUttered

        parse = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}
        self.tracker.update(ActionExecuted("action_listen"))
        self.tracker.update(UserUttered(text, parse["intent"], [], parse))
        said = await self._run("action_extract_slots", log=False)
        for name in actions:
            said += await self._run(name)
        return said

    async def _run(self, name: str, log: bool = True) -> list[str]:
        from rasa.core.actions.action import ActionExecutionRejection, action_for_name_or_text
        from rasa.core.channels import CollectingOutputChannel
        from rasa.shared.core.events import ActionExecuted, ActionExecutionRejected, BotUttered

        action = action_for_name_or_text(name, self.domain, self.endpoint)
        try:
            events = await action.run(
                CollectingOutputChannel(), self.nlg, self.tracker, self.domain
            )
        except ActionExecutionRejection:
            self.tracker.update(ActionExecutionRejected(name))
            return ["[rejected]"]
        if log:
            self.tracker.update(ActionExecuted(name))
        for event in events:
            self.tracker.update(event, self.domain)
        return [str(event.text) for event in events if isinstance(event, BotUttered)]


async def test_spanish_withdraw_all_with_an_emergency_on_the_way(fake):
    fake.registrations = [JD, MR]
    chat = Conversation("es")
    first = await chat.say("ya no quiero avisos", "unsubscribe", "withdraw_form")
    assert first == [
        "¿Qué avisos quiere cancelar?\n1) J. D. por texto ***-0142\n"
        "2) M. R. por correo a***@x.org\nResponda con el número, o TODOS."
    ]
    danger = await chat.say(
        "esta afuera con un cuchillo",
        "emergency",
        "withdraw_form",
        "utter_emergency",
        "utter_emergency_followup",
        "withdraw_form",
    )
    assert danger[0] == "[rejected]"
    assert danger[1].startswith("Llame al 911")
    assert danger[-1] == first[0]  # the form resumes with the same question
    confirm = await chat.say("todos", "inform", "withdraw_form")
    assert confirm == ["¿Cancelar todos sus avisos de custodia (J. D., M. R.)? Responda SÍ o NO."]
    done = await chat.say("sí", "affirm", "withdraw_form", "action_withdraw")
    assert done == [
        "Listo. Los avisos sobre J. D., M. R. quedaron cancelados y ya no los recibirá."
    ]
    assert fake.calls == [
        ("list", SENDER),
        ("withdraw", "r-1", SENDER),
        ("withdraw", "r-2", SENDER),
    ]
    assert chat.tracker.active_loop_name is None
    assert chat.tracker.get_slot("lc_registrations") is None


async def test_cancel_ends_the_form_without_an_answer_being_taken(fake):
    fake.registrations = [JD]
    chat = Conversation("en")
    assert await chat.say("stop the alerts", "unsubscribe", "withdraw_form") == [
        "Stop custody alerts about J. D. (by text ***-0142)? Reply YES or NO."
    ]
    said = await chat.say(
        "forget it", "cancel", "withdraw_form", "action_deactivate_loop", "action_lc_cancel"
    )
    assert said == ["[rejected]", "OK, we'll leave it there. Nothing was changed."]
    assert fake.calls == [("list", SENDER)]


async def test_three_unclear_answers_end_the_form_and_change_nothing(fake):
    fake.registrations = [JD, MR]
    chat = Conversation("en")
    await chat.say("stop the alerts", "unsubscribe", "withdraw_form")
    assert (await chat.say("7", "inform", "withdraw_form"))[0] == "Sorry, I didn't get that."
    await chat.say("hmm", "nlu_fallback", "withdraw_form")
    said = await chat.say("the blue one", "inform", "withdraw_form", "action_withdraw")
    assert said == [
        "Sorry, I'm having trouble understanding. Nothing was changed. A specialist can help you "
        "at 1-855-488-6423, or text SPECIALIST."
    ]
    assert chat.tracker.active_loop_name is None
    assert fake.calls == [("list", SENDER)]


async def test_new_email_in_the_first_message_goes_straight_to_the_code(fake):
    fake.registrations = [JD]
    chat = Conversation("en")
    said = await chat.say(
        "my new email is ana@example.org", "update_contact", "contact_form", "action_change_contact"
    )
    assert said == [
        "I sent a 6-digit code to ***-0199. Reply with it to confirm the new contact. "
        "Until then, alerts keep going to the old one."
    ]
    assert fake.calls[-1] == ("contact", "r-1", SENDER, "email", "ana@example.org")
    assert chat.tracker.get_slot("reg_registration_id") == "r-1"
    assert chat.tracker.active_loop_name is None
