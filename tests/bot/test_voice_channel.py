"""The Rasa side of calls (bot/voice_channel.py)."""

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActiveLoop, ConversationPaused, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.voice_channel import VoiceInput, VoiceOutput, turn_state

DOMAIN = Domain.from_yaml(
    """
slots:
  language: {type: categorical, values: [en, es], mappings: [{type: custom}]}
forms:
  registration_form: {required_slots: []}
"""
)


def test_answers_on_calls_come_from_a_channel_named_voice():
    # Rasa picks `channel: voice` response variations by the output channel's name.
    assert VoiceOutput.name() == VoiceInput.name() == "voice"


def test_the_turn_state_says_language_question_and_pause():
    tracker = DialogueStateTracker.from_events(
        "caller",
        [
            SlotSet("language", "es"),
            ActiveLoop("registration_form"),
            SlotSet("requested_slot", "reg_pin"),
            ConversationPaused(),
        ],
        slots=DOMAIN.slots,
    )
    assert turn_state(tracker) == {
        "language": "es",
        "requested_slot": "reg_pin",
        "active_loop": "registration_form",
        "paused": True,
    }


def test_no_tracker_is_an_empty_state():
    assert turn_state(None)["paused"] is False
