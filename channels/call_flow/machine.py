"""The call's states: the language menu, each turn (keys the whole call understands, silences,
unsure speech read back, the gateway's own yes/no questions), and what follows a transfer."""

from __future__ import annotations

from werkzeug.exceptions import NotFound

from channels.assistant.client import AssistantUnavailable, Intent
from channels.call_flow import caller_input
from channels.call_flow.asking import ask, hang_up
from channels.call_flow.caller_input import CallerInput, Kind
from channels.call_flow.context import (
    CONFIRM_HEARD,
    EMERGENCY_TRANSFER,
    OFFER_SPECIALIST,
    REPROMPTS,
    Parts,
    Webhook,
)
from channels.call_flow.store import CallView
from channels.call_flow.transfer import transfer
from channels.call_flow.turns import assistant_turn
from channels.texts import calls as said
from channels.twilio import twiml
from channels.twilio.signature import public_url_for
from formats.answers import parse_language_choice

MENU_TRIES = 3
# Speech the recogniser is less sure of than this is read back before the assistant acts on it
# (free speech only: a form's answers are validated and read back before anything is saved).
LOW_CONFIDENCE = 0.45
A_NUMBER_SLOTS = ("reg_a_number",)
LINE_ACTOR = "specialist line"
TRANSFER_UNANSWERED = Intent("transfer_unanswered")
ANSWERED = ("completed", "answered", "bridged")
# The statuses of a call that is over (Twilio's ``CallStatus``).
ENDED = ("completed", "busy", "failed", "no-answer", "canceled")
YES_WORDS = {"en": "yes", "es": "sí"}
NO_WORDS = {"en": "no", "es": "no"}


# -- the call's start: greeting and language ---------------------------------------------------


def start(parts: Parts, hook: Webhook) -> str:
    parts.calls.start(hook.call_sid, hook.caller)
    return twiml.language_menu(public_url_for("voice.choose_language", attempt=1))


def choose_language(parts: Parts, hook: Webhook, answer: str, attempt: int) -> str:
    """``answer``: the key or the language's name the caller said; ``attempt``: the menu's."""
    call = hook.call(parts)
    language = parse_language_choice(answer) if answer.strip() else None
    if language is None and attempt < MENU_TRIES:
        menu_url = public_url_for("voice.choose_language", attempt=attempt + 1)
        return twiml.language_menu(menu_url, again=True)
    if language is None:
        # Nothing chosen three times: carry on in English, as the third silence of the call.
        parts.calls.update(call.conversation_id, language="en", silences=REPROMPTS)
        return after_silence(parts, hook.call(parts))
    greeting = said.prompt(language, "how_can_i_help")
    parts.calls.update(
        call.conversation_id, language=language, silences=0, expecting=None, prompt=greeting
    )
    return ask(parts, call.conversation_id, [greeting], language, None)


# -- turns -------------------------------------------------------------------------------------


def turn(parts: Parts, hook: Webhook, speech: str, digits: str, confidence: str) -> str:
    call = hook.call(parts)
    if call.expecting == CONFIRM_HEARD:
        confirmed = _confirm_heard(parts, hook, call, speech, digits)
        if confirmed is not None:
            return confirmed
        call = hook.call(parts)
    if call.expecting in (OFFER_SPECIALIST, EMERGENCY_TRANSFER):
        answered = _own_question(parts, hook, call, speech, digits)
        if answered is not None:
            return answered
    caller = caller_input.classify(speech, digits, caller_input.expectation(call.expecting))
    if caller.kind is Kind.SILENCE:
        return after_silence(parts, call)
    if call.silences:
        parts.calls.update(call.conversation_id, silences=0)
    if caller.kind is Kind.REPEAT:
        return ask(parts, call.conversation_id, [call.prompt], call.language, call.expecting)
    text = _assistant_text(caller, call)
    if isinstance(text, str) and _unsure(parts, caller, call, confidence):
        return _ask_to_confirm(parts, call, text)
    return assistant_turn(parts, hook, call, text, keyed=caller.keyed, turn_number=hook.turn())


def _unsure(parts: Parts, caller: CallerInput, call: CallView, confidence: str) -> bool:
    """Free speech the recogniser was unsure of, unless it may be an emergency (never delayed)."""
    if caller.keyed or call.expecting is not None:
        return False
    try:
        if float(confidence) >= LOW_CONFIDENCE:
            return False
    except ValueError:
        return False
    return parts.rasa.intent(caller.text) != "emergency"


def _ask_to_confirm(parts: Parts, call: CallView, text: str) -> str:
    parts.calls.update(call.conversation_id, heard={"text": text, "expecting": call.expecting})
    question = said.prompt(call.language, "heard", text=text)
    return ask(
        parts, call.conversation_id, [question], call.language, CONFIRM_HEARD, keep_prompt=True
    )


def _confirm_heard(
    parts: Parts, hook: Webhook, call: CallView, speech: str, digits: str
) -> str | None:
    """Yes: the assistant gets what was heard. No or silence: the caller says it again. Anything
    else is a new answer (None: handled as one)."""
    heard = call.heard or {}
    previous = heard.get("expecting")
    parts.calls.update(call.conversation_id, heard=None, expecting=previous)
    answer = caller_input.yes_or_no(speech, digits)
    if answer is True and heard.get("text"):
        return assistant_turn(
            parts, hook, call, str(heard["text"]), keyed=False, turn_number=hook.turn()
        )
    if answer is False or not (speech.strip() or digits.strip()):
        again = said.prompt(call.language, "say_again")
        return ask(
            parts,
            call.conversation_id,
            [again, call.prompt],
            call.language,
            previous,
            keep_prompt=True,
        )
    return None


def _assistant_text(caller: CallerInput, call: CallView) -> str | Intent:
    """What the assistant reads: 0 is a request for a person; keyed digits are made into what
    the question's validator expects (an A-number's letter; 1/2 outside a form: yes/no)."""
    if caller.kind is Kind.SPECIALIST:
        return caller_input.REQUEST_HUMAN
    if caller.keyed and call.expecting in A_NUMBER_SLOTS and caller.text.isdigit():
        return f"A{caller.text}"
    if caller.keyed and call.expecting is None and caller.text in ("1", "2"):
        words = YES_WORDS if caller.text == "1" else NO_WORDS
        return words.get(call.language, words["en"])
    return caller.text


def _own_question(
    parts: Parts, hook: Webhook, call: CallView, speech: str, digits: str
) -> str | None:
    """The gateway's own yes/no questions. After an emergency, only "no" keeps the caller from
    the transfer: yes, silence, or anything else said puts them through (the assistant is
    paused by then). After silences, yes asks the assistant for a person, no ends the call, and
    anything else is for the assistant (None)."""
    answer = caller_input.yes_or_no(speech, digits)
    silent = not speech.strip() and not digits.strip()
    parts.calls.update(call.conversation_id, expecting=None)
    if call.expecting == EMERGENCY_TRANSFER:
        if answer is False:
            return hang_up(parts, call, [said.prompt(call.language, "transfer_declined")])
        if call.handoff_id:
            return transfer(parts, call, call.handoff_id, [])
    if answer is True:
        return assistant_turn(
            parts, hook, call, caller_input.REQUEST_HUMAN, keyed=True, turn_number=hook.turn()
        )
    if answer is False:
        return hang_up(parts, call, [said.prompt(call.language, "goodbye")])
    if silent:
        return hang_up(parts, call, [said.prompt(call.language, "goodbye_silence")])
    return None


def after_silence(parts: Parts, call: CallView) -> str:
    """Twice the question again, then the offer of a specialist, then goodbye."""
    silences = call.silences + 1
    parts.calls.update(call.conversation_id, silences=silences)
    language = call.language
    if silences <= REPROMPTS:
        texts = [said.prompt(language, "no_input"), call.prompt]
        return ask(parts, call.conversation_id, texts, language, call.expecting, keep_prompt=True)
    if silences == REPROMPTS + 1:
        offer = said.prompt(language, "offer_specialist")
        return ask(parts, call.conversation_id, [offer], language, OFFER_SPECIALIST)
    return hang_up(parts, call, [said.prompt(language, "goodbye_silence")])


# -- after a transfer, and the end of the call -------------------------------------------------


def transfer_ended(parts: Parts, hook: Webhook, handoff_id: str, outcome: str) -> str:
    """How the ``<Dial>`` or ``<Enqueue>`` ended. Answered: the call is done. Not: the caller is
    back with the assistant, which offers a callback (its ``callback_form``)."""
    call = hook.call(parts)
    try:
        parts.handoffs.record_call(handoff_id, outcome)
    except LookupError:
        raise NotFound(description="no such handoff") from None
    if outcome in ANSWERED:
        parts.handoffs.answered_by_phone(handoff_id, LINE_ACTOR)
        return hang_up(parts, call, [said.prompt(call.language, "after_specialist")])
    if outcome == "hangup":  # the caller hung up while waiting in the queue
        parts.calls.end(call.conversation_id)
        return twiml.hang_up()
    parts.calls.update(call.conversation_id, status="active")
    try:
        parts.rasa.resume(call.conversation_id)
    except AssistantUnavailable:
        line = said.prompt(
            call.language, "no_specialist_line", phone=parts.settings.specialist_phone
        )
        return hang_up(parts, call, [line])
    # The assistant offers the callback (and takes it with its callback form).
    turn_number = parts.calls.next_turn(call.conversation_id)
    return assistant_turn(
        parts, hook, call, TRANSFER_UNANSWERED, keyed=True, turn_number=turn_number
    )


def ended(parts: Parts, hook: Webhook) -> None:
    """The number's status callback said the call is over (``ENDED``): it is marked ended."""
    call = parts.calls.get(hook.call_sid)
    if call is not None and call.status != "ended":
        parts.calls.end(call.conversation_id)
