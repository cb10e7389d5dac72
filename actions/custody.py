"""Is the offender still in custody? ``custody_form`` and ``action_custody_lookup``.

The person is identified as on ICE's public locator: the A-number and country of birth, or the
full name and country of birth. The form asks for the A-number first ("or NO"), then the name
only when there is no A-number, then the country. It fills the registration's own slots, so a
"Reply YES to sign up" after the answer starts registration_form without asking about the
offender again.

The answer says what the record says, that a specialist can tell more than a text can, and
offers alerts. When several people share the name, the form asks once more for the A-number.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import CANCELLED, CONTROL_SLOTS, OffenderQuestions, known_a_number
from actions.gateway import (
    GatewayError,
    GatewayUnavailable,
    RateLimited,
    call_gateway,
    minutes_until,
)
from actions.slots import (
    CUSTODY_OFFER,
    CUSTODY_SEVERAL,
    REG_A_NUMBER,
    REG_COUNTRY,
    REG_OFFENDER_NAME,
    REG_OUTCOME,
    REG_PROMPTED,
)

FORM = "custody_form"
# Statuses with an answer of their own; anything else reads as "no record found".
_ANSWERS = {
    "in_custody": ("utter_custody_in_custody_at", "utter_custody_in_custody"),
    "transferred": ("utter_custody_transferred_to", "utter_custody_transferred"),
    "released": ("utter_custody_released", "utter_custody_released"),
    "removed": ("utter_custody_removed", "utter_custody_removed"),
    "escaped": ("utter_custody_escaped", "utter_custody_escaped"),
    "deceased": ("utter_custody_deceased", "utter_custody_deceased"),
}
# Statuses after which "Want to be told if this changes?" makes sense.
_OFFER_ALERTS = frozenset(set(_ANSWERS) - {"deceased"})


class ValidateCustodyForm(OffenderQuestions):
    def name(self) -> str:
        return "validate_custody_form"

    def needed_slots(self, slots: list[str], tracker: Tracker) -> list[str]:
        """With an A-number the name is not needed."""
        if known_a_number(tracker):
            return [slot for slot in slots if slot != REG_OFFENDER_NAME]
        return slots


def where(record: dict[str, Any]) -> str:
    """ "Port Isabel Service Processing Center, Los Fresnos, TX" from what the record has."""
    parts = (record.get("facility"), record.get("city"), record.get("state"))
    return ", ".join(str(part) for part in parts if part)


def forget() -> list[EventType]:
    """Clears the look-up: the offender's details are not kept without a reason."""
    slots = (
        REG_A_NUMBER,
        REG_OFFENDER_NAME,
        REG_COUNTRY,
        CUSTODY_SEVERAL,
        CUSTODY_OFFER,
        *CONTROL_SLOTS,
    )
    return [SlotSet(slot, None) for slot in slots]


class ActionCustodyLookup(Action):
    """Answers from the gateway's custody records once custody_form has ended."""

    def name(self) -> str:
        return "action_custody_lookup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        outcome = tracker.get_slot(REG_OUTCOME)
        a_number = known_a_number(tracker)
        name = tracker.get_slot(REG_OFFENDER_NAME)
        country = tracker.get_slot(REG_COUNTRY)
        if outcome == CANCELLED:
            dispatcher.utter_message(response="utter_custody_stopped")
            return forget()
        if outcome or not country or not (a_number or name):
            dispatcher.utter_message(response="utter_custody_gave_up")
            return forget()
        try:
            records = await call_gateway(
                lambda api: (
                    api.lookup_custody(country=str(country), a_number=a_number)
                    if a_number
                    else api.lookup_custody(country=str(country), name=str(name))
                )
            )
        except RateLimited as error:
            dispatcher.utter_message(
                response="utter_custody_rate_limited", minutes=minutes_until(error)
            )
            return forget()
        except (GatewayError, GatewayUnavailable):
            dispatcher.utter_message(response="utter_custody_unavailable")
            return forget()
        found = [record for record in records if record.get("status") in _ANSWERS]
        if not found:
            dispatcher.utter_message(response="utter_custody_not_found")
            return forget()
        if len(found) > 1:
            return self._several(dispatcher, tracker, by_a_number=a_number is not None)
        return self._answer(found[0], str(name or a_number), dispatcher)

    @staticmethod
    def _several(
        dispatcher: CollectingDispatcher, tracker: Tracker, by_a_number: bool
    ) -> list[EventType]:
        """Asks once for the A-number (the form starts again, its question already asked);
        a second time, or if even the A-number matched several, a specialist takes over."""
        if by_a_number or tracker.get_slot(CUSTODY_SEVERAL):
            dispatcher.utter_message(response="utter_custody_several_specialist")
            return forget()
        dispatcher.utter_message(response="utter_custody_several")
        return [
            SlotSet(REG_A_NUMBER, None),
            SlotSet(CUSTODY_SEVERAL, True),
            SlotSet(REG_OUTCOME, None),
            SlotSet(REG_PROMPTED, True),
            FollowupAction(FORM),
        ]

    @staticmethod
    def _answer(
        record: dict[str, Any], who: str, dispatcher: CollectingDispatcher
    ) -> list[EventType]:
        status = str(record["status"])
        located, unlocated = _ANSWERS[status]
        place = where(record)
        if place and located != unlocated:
            dispatcher.utter_message(response=located, who=who, where=place)
        else:
            dispatcher.utter_message(response=unlocated, who=who)
        offer = status in _OFFER_ALERTS
        if offer:
            dispatcher.utter_message(response="utter_custody_more")
        # The offender's details stay, so that YES to the offer does not ask for them again.
        return [
            SlotSet(CUSTODY_SEVERAL, None),
            *(SlotSet(slot, None) for slot in CONTROL_SLOTS),
            SlotSet(CUSTODY_OFFER, True if offer else None),
        ]
