"""EmergencyGuard: a deterministic safety net over the learned intent classifier.

Emergency recall must be 100%: a person in danger must never be told "I didn't understand". After
DIET and the FallbackClassifier, this component sets the intent to ``emergency`` when

* the message signals one of the categories of present danger in ``formats.danger`` (the offender
  near the person now, held, a weapon, violence in progress, a child taken, self-harm, ...), in
  English or Spanish: deterministic, the same on every machine whatever the model's last digits, or
* the classifier was unsure (``nlu_fallback``) and ``emergency`` was still its best guess.

The classifier is the second net: what it calls an emergency stays one.

A false alarm costs a 911 reminder and a specialist's number; a miss can cost a life.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.rewriter import IntentRewriter
from formats.danger import danger_categories

EMERGENCY = "emergency"
FALLBACK = "nlu_fallback"
# Where the guard says why it overrode the classifier: the danger categories it saw and what the
# classifier had said, so that evaluation can report the classifier's own recall beside the guard's.
GUARD_KEY = "emergency_guard"


def uncertain_about_emergency(intent: dict[str, Any], ranking: list[dict[str, Any]]) -> bool:
    """The classifier gave up, but ``emergency`` was its best real guess."""
    if intent.get("name") != FALLBACK:
        return False
    guesses = [r.get("name") for r in ranking if r.get("name") != FALLBACK]
    return bool(guesses) and guesses[0] == EMERGENCY


def guard(message: Message) -> None:
    """Set the intent to ``emergency`` when the text or the unsure classifier says so."""
    intent = message.get(INTENT) or {}
    if intent.get("name") == EMERGENCY:
        return
    categories = danger_categories(message.get(TEXT) or "")
    if not categories and not uncertain_about_emergency(
        intent, message.get(INTENT_RANKING_KEY) or []
    ):
        return
    message.set(INTENT, {"name": EMERGENCY, "confidence": 1.0}, add_to_output=True)
    message.set(
        GUARD_KEY,
        {
            "categories": categories or ["unsure_classifier"],
            "classifier_intent": intent.get("name"),
        },
        add_to_output=True,
    )


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EmergencyGuard(IntentRewriter):
    @staticmethod
    def rewrite(message: Message) -> None:
        guard(message)
