"""The Rasa side of calls (bot/voice_channel.py)."""

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActiveLoop, ConversationPaused, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.voice_channel import TurnStates, VoiceInput, VoiceOutput, turn_state

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


class Processor:
    def __init__(self) -> None:
        self.saved: list[str] = []

    async def save_tracker(self, tracker: DialogueStateTracker) -> None:
        self.saved.append(tracker.sender_id)


async def test_the_state_is_taken_as_the_processor_saves_the_tracker_of_a_call():
    states, processor = TurnStates(), Processor()
    states.watch(processor)
    states.watch(processor)  # once only
    states.expect("call")
    call = DialogueStateTracker.from_events("call", [SlotSet("language", "es")], DOMAIN.slots)
    texter = DialogueStateTracker.from_events("texter", [], DOMAIN.slots)
    await processor.save_tracker(call)
    await processor.save_tracker(texter)
    assert processor.saved == ["call", "texter"]  # still saved, once each
    assert states.take("call")["language"] == "es"
    assert states.take("call") is None and states.take("texter") is None
