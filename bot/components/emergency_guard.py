"""EmergencyGuard: a deterministic safety net over the learned intent classifier.

Emergency recall must be 100%: a person in danger must never be told "I didn't understand". After
DIET and the FallbackClassifier, this component sets the intent to ``emergency`` when

* the message matches a short list of unmistakable danger phrases, in English or Spanish, or
* the classifier was unsure (``nlu_fallback``) and ``emergency`` was still its best guess.

A false alarm costs a 911 reminder and a specialist's number; a miss can cost a life.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

EMERGENCY = "emergency"
FALLBACK = "nlu_fallback"

# Patterns run on folded text: lower case, accents removed, apostrophes dropped ("he's" -> "hes").
DANGER_PATTERNS = [
    r"\b911\b",
    r"\b(gonna|going to|want(s)? to|will|trying to|tried to|threaten(ed|ing)? to) kill (me|us|my)",
    r"\b(is|are|hes|shes|theyre|keeps) (hitting|beating|hurting|attacking|choking|strangling|"
    r"stabbing|shooting|chasing|following|stalking) (me|us|my|her|him|them)\b",
    r"\b(has|have|got|with|pulled|holding) (a|his|her) (gun|knife|pistol|weapon|machete)\b",
    r"\b(hes|shes|theyre|he is|she is|they are|someone is|somebody is) "
    r"(here (now|right now|with|at|in my)|here(?=\W*$)|outside|at my (door|house|home|window)|"
    r"in my (house|home|yard)|breaking in|coming)\b",
    r"\bbreaking (in|into)\b",
    r"\b(bleeding|cant breathe|not breathing|overdos(e|ing))\b",
    r"\b(im|i am|we are|were) (in danger|not safe|scared for my life|being followed|trapped)\b",
    r"\b(help|help me) (now|please now|right now|asap)\b",
    # Suicidal intent, in the phrasings crisis lines are trained to hear.
    r"\b(kill myself|end my life|end it all|suicid|jump off|better off dead|"
    r"(going to|gonna|want to|wanna|will|about to) end it\b|wrote (a|the|my) (suicide )?note|"
    r"(dont|don't|do not) want to (live|be alive)|take all (the|my) pills)",
    r"\b(im|i am|we are|were|shes|hes|she is|he is) (being held|held|locked|trapped|tied up) "
    r"(against|in)\b",
    r"\b(is|are|being|been) (kidnapp|abduct)|\b(kidnapping|abducting) (me|us|my|her|him)\b",
    r"\b(wont|won't|will not|doesnt|doesn't|dont|don't) let (me|us|her|him|them) "
    r"(go|leave|out)\b",
    r"\b(urgent|urgente|urjente) (help|ayuda)\b|\bhelp (urgent|urgently)\b",
    r"\b(set|setting|lit) (my|our|the) (house|home|apartment|car) on fire\b",
    r"\b(sos|mayday)\b",
    # Spanish
    r"\b(me|nos|la|lo|te) (va|van|quiere|quieren|amenazo con|amenaza con) (a )?matar\b",
    r"\b(me|nos|la|lo) (esta|estan) (pegando|golpeando|siguiendo|persiguiendo|amenazando|"
    r"lastimando|ahorcando|atacando|apunalando|disparando)\b",
    r"\b(tiene|trae|saco|con) (un|una) (pistola|arma|cuchillo|navaja|machete)\b",
    r"\b(esta|estan) (afuera de|afuera|fuera de|en la puerta de|en la puerta|dentro de|adentro de) "
    r"(mi|la|nuestra) (casa|puerta|ventana|trabajo)\b",
    r"\b(esta|estan) (aqui|adentro|afuera) (ahorita|ahora|en mi casa|conmigo)\b",
    r"\b(auxilio|socorro)\b",
    r"\bayuda(me|nos)? (ya|rapido|ahora|urgente|urjente)\b",
    r"\bcontra (mi|su|nuestra) voluntad\b",
    r"\bno (me|nos|la|lo) (suelta|sueltan|deja salir|dejan salir|deja ir|dejan ir)\b",
    r"\b(estoy|estamos) en peligro\b",
    r"\b(esta|estoy) sangrando\b",
    r"\b(me quiero matar|quitarme la vida|suicid|aventar del puente|tirar del puente|"
    r"me quiero morir|no quiero vivir|acabar con todo|acabar con mi vida|"
    r"tomar(me)? todas las pastillas|ya escribi (la|una) carta)",
    r"\b(me|nos|la|lo) (esta|estan) secuestrando|\b(me|nos) tiene(n)? "
    r"(encerrad|secuestrad|amarrad)",
    r"\b(prendio|prendieron|esta prendiendo|le esta prendiendo) fuego\b",
]
_DANGER = re.compile("|".join(f"(?:{p})" for p in DANGER_PATTERNS))


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(without_accents.replace("'", "").replace("\u2019", "").split())


def signals_danger(text: str) -> bool:
    """True when the text contains one of the unmistakable danger phrases."""
    return bool(_DANGER.search(fold(text)))


def uncertain_about_emergency(intent: dict[str, Any], ranking: list[dict[str, Any]]) -> bool:
    """The classifier gave up, but ``emergency`` was its best real guess."""
    if intent.get("name") != FALLBACK:
        return False
    guesses = [r.get("name") for r in ranking if r.get("name") != FALLBACK]
    return bool(guesses) and guesses[0] == EMERGENCY


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EmergencyGuard(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EmergencyGuard:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get("name") == EMERGENCY:
                continue
            ranking = message.get(INTENT_RANKING_KEY) or []
            text = message.get(TEXT) or ""
            if signals_danger(text) or uncertain_about_emergency(intent, ranking):
                message.set(INTENT, {"name": EMERGENCY, "confidence": 1.0}, add_to_output=True)
        return messages
