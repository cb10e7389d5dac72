"""YesNoAnswer: a short yes or no is read the same way whatever the assistant asked.

The assistant asks yes/no questions outside its forms too ("Did you mean ...? Reply YES (1) or
NO (2)", the call-back offer, "Reply YES to sign up"), and its rules answer them by intent:
``affirm`` or ``deny``. The classifier learned those intents from words, so a keypad "1", "sí
claro" or "nop" could come out as something else, or be asked back. After the classifier and the
FallbackClassifier, this component sets the intent to ``affirm`` or ``deny`` when the whole
message is nothing but a yes or a no to :func:`formats.answers.parse_bare_yes_no`, which reads
clauses as the forms' ``parse_yes_no`` does, so one list of yeses and noes (keypad 1/2, SÍ/NO,
English and Spanish) serves every question. A message that says more ("no, the phone number is
wrong", "no, ya no quiero seguir") keeps the classifier's intent: a correction, or leaving.

An emergency is never turned into an answer (the EmergencyGuard runs after this, too).
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.rewriter import IntentRewriter
from formats.answers import parse_bare_yes_no

AFFIRM = "affirm"
DENY = "deny"
EMERGENCY = "emergency"


def read_answer(message: Message) -> None:
    """Set the intent to ``affirm`` or ``deny`` when the whole message is a yes or a no."""
    if (message.get(INTENT) or {}).get("name") == EMERGENCY:
        return
    answer = parse_bare_yes_no(message.get(TEXT) or "")
    if answer is not None:
        message.set(
            INTENT, {"name": AFFIRM if answer else DENY, "confidence": 1.0}, add_to_output=True
        )


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class YesNoAnswer(IntentRewriter):
    @staticmethod
    def rewrite(message: Message) -> None:
        read_answer(message)
