"""Stopping alerts and changing their contact: the picking step both lifecycle forms share
(actions/lifecycle.py), the domain agreeing with the three lifecycle modules, and whole
conversations through Rasa's own form action, with a fake gateway client in place of the real
one (``actions.gateway.client`` monkeypatched). Each form's own questions are tested in
test_withdraw.py and test_contact_change.py."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Action

from actions import contact_change, lifecycle, withdraw
from actions.contact_change import ValidateContactForm
from actions.gateway import GatewayError, GatewayUnavailable, RateLimited
from actions.lifecycle import ActionLifecycleCancel, AskChoice, parse_choice
from actions.withdraw import ValidateWithdrawForm
from tests.actions.conftest import (
    DOMAIN,
    JD,
    MR,
    ROOT,
    SENDER,
    SHOWN_JD,
    SHOWN_MR,
    activation,
    answer,
    as_dict,
    ask,
    make_tracker,
    responses,
    slot_event,
    turn,
    user_event,
)

LIFECYCLE_DOMAIN = yaml.safe_load((ROOT / "bot/domain/lifecycle.yml").read_text(encoding="utf-8"))
# The lifecycle forms' actions live in these modules.
MODULES = (lifecycle, withdraw, contact_change)


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


# -- starting the forms ------------------------------------------------------------------------


async def test_no_registrations_says_so_and_ends_the_form(lifecycle_gateway, dispatcher):
    tracker = make_tracker(
        "stop the alerts", "unsubscribe", events=activation("withdraw_form", "stop", "unsubscribe")
    )
    events = await ValidateWithdrawForm().run(dispatcher, tracker, DOMAIN)
    assert lifecycle_gateway.calls == [("list", SENDER)]
    assert responses(dispatcher) == ["utter_lc_none"]
    assert as_dict(events)["requested_slot"] is None
    assert as_dict(events)["lc_choice"] is None


async def test_nothing_to_change_has_its_own_answer(lifecycle_gateway, dispatcher):
    tracker = make_tracker(
        "new number", "update_contact", events=activation("contact_form", "new", "update_contact")
    )
    events = await ValidateContactForm().run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher) == ["utter_lc_none_to_change"]
    assert as_dict(events)["requested_slot"] is None


async def test_one_registration_is_chosen_without_asking(lifecycle_gateway, dispatcher):
    lifecycle_gateway.registrations = [JD]
    tracker = make_tracker(events=activation("withdraw_form", "stop the alerts", "unsubscribe"))
    slots = as_dict(await ValidateWithdrawForm().run(dispatcher, tracker, DOMAIN))
    assert slots["lc_registrations"] == [SHOWN_JD]  # only what may be shown; no dates kept
    assert slots["lc_choice"] == "r-1"
    assert slots["lc_confirm"] is None
    assert slots["lc_failures"] == 0
    assert "requested_slot" not in slots  # Rasa asks the next missing slot: lc_confirm
    assert dispatcher.messages == []


async def test_several_registrations_leave_the_choice_to_the_person(lifecycle_gateway, dispatcher):
    lifecycle_gateway.registrations = [JD, MR]
    tracker = make_tracker(events=activation("withdraw_form", "stop the alerts", "unsubscribe"))
    slots = as_dict(await ValidateWithdrawForm().run(dispatcher, tracker, DOMAIN))
    assert slots["lc_registrations"] == [SHOWN_JD, SHOWN_MR]
    assert slots["lc_choice"] is None


async def test_a_new_start_forgets_an_interrupted_run(lifecycle_gateway, dispatcher):
    lifecycle_gateway.registrations = [JD, MR]
    stale = {"lc_choice": "r-9", "lc_confirm": True, "requested_slot": "lc_confirm"}
    tracker = make_tracker(slots=stale, events=activation("withdraw_form", "stop", "unsubscribe"))
    slots = as_dict(await ValidateWithdrawForm().run(dispatcher, tracker, DOMAIN))
    assert lifecycle_gateway.calls == [("list", SENDER)]
    assert slots["lc_choice"] is None and slots["lc_confirm"] is None


@pytest.mark.parametrize(
    ("error", "response"),
    [
        (GatewayUnavailable("timeout"), "utter_lc_unavailable"),
        (GatewayError(401, {"error": "unauthorized"}), "utter_lc_failed"),
    ],
)
async def test_gateway_failure_at_the_start_apologises_and_ends(
    lifecycle_gateway, dispatcher, error, response
):
    lifecycle_gateway.fail["list"] = error
    tracker = make_tracker(events=activation("withdraw_form", "stop", "unsubscribe"))
    events = await ValidateWithdrawForm().run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher) == [response]
    assert as_dict(events)["requested_slot"] is None


async def test_rate_limit_says_when_to_try_again_in_minutes(lifecycle_gateway, dispatcher):
    lifecycle_gateway.fail["list"] = RateLimited(429, {"error": "rate_limited"}, retry_after=90)
    tracker = make_tracker(events=activation("contact_form", "new phone", "update_contact"))
    await ValidateContactForm().run(dispatcher, tracker, DOMAIN)
    assert dispatcher.messages[0]["response"] == "utter_lc_rate_limited"
    assert dispatcher.messages[0]["minutes"] == 2


# -- answers during the forms ------------------------------------------------------------------


async def test_a_number_picks_a_registration(lifecycle_gateway, dispatcher):
    tracker = turn("withdraw_form", "lc_choice", "2", {"lc_registrations": [SHOWN_JD, SHOWN_MR]})
    events = await ValidateWithdrawForm().run(dispatcher, tracker, DOMAIN)
    assert as_dict(events) == {"lc_choice": "r-2", "lc_failures": 0}
    assert lifecycle_gateway.calls == []  # the list is fetched once, at the start


async def test_all_picks_every_registration_when_withdrawing(lifecycle_gateway, dispatcher):
    slots = {"lc_registrations": [SHOWN_JD, SHOWN_MR]}
    tracker = turn("withdraw_form", "lc_choice", "TODOS", slots, language="es")
    events = await ValidateWithdrawForm().run(dispatcher, tracker, DOMAIN)
    assert as_dict(events)["lc_choice"] == "all"


async def test_all_is_not_a_choice_when_changing_a_contact(lifecycle_gateway, dispatcher):
    tracker = turn("contact_form", "lc_choice", "all", {"lc_registrations": [SHOWN_JD, SHOWN_MR]})
    events = await ValidateContactForm().run(dispatcher, tracker, DOMAIN)
    assert as_dict(events) == {"lc_choice": None, "lc_failures": 1}
    assert responses(dispatcher) == ["utter_lc_invalid"]


async def test_third_invalid_answer_in_a_row_offers_a_specialist_and_ends(
    lifecycle_gateway, dispatcher
):
    slots = {"lc_registrations": [SHOWN_JD, SHOWN_MR], "lc_failures": 2}
    tracker = turn("withdraw_form", "lc_choice", "9", slots)
    events = await ValidateWithdrawForm().run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher) == ["utter_lc_give_up"]
    assert as_dict(events)["requested_slot"] is None


async def test_a_valid_answer_resets_the_count(lifecycle_gateway, dispatcher):
    slots = {"lc_registrations": [SHOWN_JD], "lc_choice": "r-1", "lc_failures": 2}
    tracker = turn("withdraw_form", "lc_confirm", "si", slots, language="es")
    events = await ValidateWithdrawForm().run(dispatcher, tracker, DOMAIN)
    assert as_dict(events) == {"lc_confirm": True, "lc_failures": 0}


async def test_a_message_that_fills_nothing_gives_no_events(lifecycle_gateway, dispatcher):
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
    assert lifecycle_gateway.calls == []


# -- the questions -----------------------------------------------------------------------------


async def test_list_to_change_in_spanish(dispatcher):
    await ask(AskChoice(), dispatcher, "es", lc_registrations=[SHOWN_JD, SHOWN_MR])
    message = dispatcher.messages[0]
    assert message["response"] == "utter_lc_ask_choice_change"
    assert message["listing"] == "1) J. D. por texto ***-0142\n2) M. R. por correo a***@x.org"


# -- cancelling --------------------------------------------------------------------------------


async def test_cancel_says_nothing_changed_and_forgets(dispatcher):
    events = await ActionLifecycleCancel().run(dispatcher, make_tracker(), DOMAIN)
    assert responses(dispatcher) == ["utter_lc_cancelled"]
    assert as_dict(events) == dict.fromkeys(lifecycle.LIFECYCLE_SLOTS)


# -- the modules and the domain agree ----------------------------------------------------------


def test_every_action_is_declared_in_the_domain_and_every_declared_action_exists():
    classes = [
        cls
        for module in MODULES
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, Action) and cls.__module__ == module.__name__
    ]
    names = {cls().name() for cls in classes if not inspect.isabstract(cls)}
    assert names == set(LIFECYCLE_DOMAIN["actions"])


def test_every_response_the_module_uses_is_in_the_domain():
    source = "".join(Path(module.__file__).read_text(encoding="utf-8") for module in MODULES)
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
        for module in MODULES
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, Action)
        and cls.__module__ == module.__name__
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


async def test_spanish_withdraw_all_with_an_emergency_on_the_way(lifecycle_gateway):
    lifecycle_gateway.registrations = [JD, MR]
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
    assert confirm == [
        "¿Cancelar todos sus avisos de custodia (J. D., M. R.)? Responda SÍ (1) o NO (2)."
    ]
    done = await chat.say("sí", "affirm", "withdraw_form", "action_withdraw")
    assert done == [
        "Listo. Los avisos sobre J. D., M. R. quedaron cancelados y ya no los recibirá."
    ]
    assert lifecycle_gateway.calls == [
        ("list", SENDER),
        ("withdraw", "r-1", SENDER),
        ("withdraw", "r-2", SENDER),
    ]
    assert chat.tracker.active_loop_name is None
    assert chat.tracker.get_slot("lc_registrations") is None


async def test_cancel_ends_the_form_without_an_answer_being_taken(lifecycle_gateway):
    lifecycle_gateway.registrations = [JD]
    chat = Conversation("en")
    assert await chat.say("stop the alerts", "unsubscribe", "withdraw_form") == [
        "Stop custody alerts about J. D. (by text ***-0142)? Reply YES (1) or NO (2)."
    ]
    said = await chat.say(
        "forget it", "cancel", "withdraw_form", "action_deactivate_loop", "action_lc_cancel"
    )
    assert said == ["[rejected]", "OK, we'll leave it there. Nothing was changed."]
    assert lifecycle_gateway.calls == [("list", SENDER)]


async def test_three_unclear_answers_end_the_form_and_change_nothing(lifecycle_gateway):
    lifecycle_gateway.registrations = [JD, MR]
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
    assert lifecycle_gateway.calls == [("list", SENDER)]


async def test_new_email_in_the_first_message_goes_straight_to_the_code(lifecycle_gateway):
    lifecycle_gateway.registrations = [JD]
    chat = Conversation("en")
    said = await chat.say(
        "my new email is ana@example.org", "update_contact", "contact_form", "action_change_contact"
    )
    assert said == [
        "I sent a 6-digit code to ***-0199. Reply with it to confirm the new contact. "
        "Until then, alerts keep going to the old one."
    ]
    assert lifecycle_gateway.calls[-1] == ("contact", "r-1", SENDER, "email", "ana@example.org")
    assert chat.tracker.get_slot("reg_registration_id") == "r-1"
    assert chat.tracker.active_loop_name is None
