"""Short answers to the hotline's questions: yes/no, channel, language and relationship.

Every parser takes the raw message (or speech transcript) and returns the normalised value, or
``None`` when the text does not hold exactly one valid value: ``None`` means "ask again".
Keypad digits count as answers where the question offered them ("1 for English").
"""

from __future__ import annotations

import re

from formats.digits import spoken_digits
from formats.text import fold_phrase, has_phrase

_YES = {
    "yes", "y", "yeah", "yea", "yeh", "ye", "yep", "yup", "ok", "okay", "okey", "oki", "k",
    "sure", "correct", "right", "1", "alright", "all right", "of course", "exactly",
    "affirmative", "absolutely", "that is right", "thats right", "that is correct",
    "thats correct", "i accept", "i agree", "sure thing", "yes thanks", "yes thank you",
    "si", "sip", "sipi", "simon", "aja", "claro", "correcto", "de acuerdo", "vale", "acepto",
    "dale", "va", "sale", "andale", "orale", "por supuesto", "claro que si", "es correcto",
    "esta bien", "exacto", "estoy de acuerdo", "si gracias", "si muchas gracias",
}  # fmt: skip
_NO = {
    "no", "nope", "nop", "n", "2", "not", "nah", "na", "nel", "nones", "no thanks",
    "no thank you", "no gracias", "incorrect", "incorrecto", "wrong", "not correct", "not right",
    "thats wrong", "that is wrong", "thats not right", "that is not right", "negative",
    "negativo", "not now", "no way", "i do not agree", "i dont agree", "i do not accept",
    "i dont accept", "i disagree", "no es correcto", "esta mal", "no acepto",
    "no estoy de acuerdo", "claro que no", "para nada", "mejor no", "ahora no", "ahorita no",
    "de ninguna manera",
}  # fmt: skip
# Said around an answer without changing it: "yes pls", "si por favor", "no please".
_POLITE = re.compile(r"\b(?:please|pls|plz|plis|porfa|porfavor|por favor|xfa)\b")
# "yesss", "siii", "noooo", "okk": a letter held down is the same answer.
_HELD_LETTER = re.compile(r"([a-z])\1+")


def _squeezed(clause: str) -> str:
    return " ".join(_HELD_LETTER.sub(r"\1", _POLITE.sub(" ", clause)).split())


_YES_SQUEEZED = {_squeezed(answer) for answer in _YES}
_NO_SQUEEZED = {_squeezed(answer) for answer in _NO}
_YES_WORDS = {answer for answer in _YES_SQUEEZED if " " not in answer}
_NO_WORDS = {answer for answer in _NO_SQUEEZED if " " not in answer}


def parse_yes_no(text: str) -> bool | None:
    """True for yes, False for no, None for anything else, in English, Spanish or keypad (1/2).

    The first clause decides: "no, the birth date is wrong" is False, "yes please" is True; but
    a later clause answering the other way makes it None ("yes, no wait" is not an answer), and
    so does a sentence that only starts with an answer word ("no sé", "yes but ..."). Spelled as
    people text it: "yesss", "siii", "yes pls", "sí claro", "nop", "nel".
    """
    answers = _clause_answers(text)
    if not answers or answers[0] is None or (not answers[0]) in answers[1:]:
        return None
    return answers[0]


def parse_bare_yes_no(text: str) -> bool | None:
    """Like :func:`parse_yes_no`, but only for a message that is nothing but the answer: "Sí,
    claro." is True, "no, the phone number is wrong" (a correction) and "no, ya no quiero seguir"
    (leaving) are None. What the NLU may read as a plain affirm or deny."""
    answers = set(_clause_answers(text))
    return answers.pop() if len(answers) == 1 else None


def _clause_answers(text: str) -> list[bool | None]:
    """The answer of each clause that has words left once "please" and held letters are gone."""
    clauses = [fold_phrase(spoken_digits(part)) for part in re.split(r"[,.;:!?¡¿\n]+", text)]
    return [_clause_answer(clause) for clause in map(_squeezed, clauses) if clause]


def _clause_answer(clause: str) -> bool | None:
    words = set(clause.split())
    if clause in _YES_SQUEEZED or words <= _YES_WORDS:
        return True
    if clause in _NO_SQUEEZED or words <= _NO_WORDS:
        return False
    return None


# --- menu choices -----------------------------------------------------------------------------

_CHANNEL_KEYPAD = {"1": "sms", "2": "voice", "3": "email"}
_CHANNEL_PHRASES = {
    "sms": ("text", "texts", "texting", "txt", "sms", "message", "messages", "texto", "textos",
            "mensaje", "mensajes"),
    "voice": ("call", "calls", "calling", "phone call", "voice", "llamada", "llamadas", "llamar",
              "llamame", "llamenme", "voz"),
    "email": ("email", "emails", "e mail", "mail", "correo", "correos", "correo electronico"),
}  # fmt: skip
_LANGUAGE_KEYPAD = {"1": "en", "2": "es"}
_LANGUAGE_PHRASES = {
    "en": ("english", "ingles"),
    "es": ("spanish", "espanol", "castellano"),
}
# Whole messages only: "I am" answers "are you the victim?", but "I am not sure" does not.
_RELATIONSHIP_WHOLE = {
    "1": "victim", "2": "family", "3": "guardian", "i": "victim", "i am": "victim",
    "im": "victim", "i was": "victim",
}  # fmt: skip
# Checked in this order: "I am the victim's mother" is family, "his legal guardian" guardian.
_RELATIONSHIP_PHRASES = {
    "guardian": ("guardian", "guardiana", "legal guardian", "tutor", "tutora", "tutor legal",
                 "custodian", "conservator", "representante legal"),
    "family": (
        "family", "family member", "relative", "relatives", "mother", "father", "mom", "mum",
        "dad", "parent", "parents", "son", "daughter", "child", "brother", "sister", "husband",
        "wife", "spouse", "partner", "grandmother", "grandfather", "grandma", "grandpa",
        "grandson", "granddaughter", "aunt", "uncle", "cousin", "niece", "nephew", "stepmother",
        "stepfather", "stepson", "stepdaughter", "fiance", "fiancee", "boyfriend", "girlfriend",
        "widow", "widower", "familia", "familiar", "familiares", "pariente", "madre", "padre",
        "padres", "mama", "papa", "hijo", "hija", "hijos", "hijas", "hermano", "hermana",
        "esposo", "esposa", "marido", "abuelo", "abuela", "nieto", "nieta", "tio", "tia", "primo",
        "prima", "sobrino", "sobrina", "suegro", "suegra", "cunado", "cunada", "padrastro",
        "madrastra", "hijastro", "hijastra", "pareja", "novio", "novia", "viudo", "viuda",
    ),
    "victim": ("victim", "victima", "me", "myself", "self", "yo", "a mi", "mi mismo",
               "mi misma"),
}  # fmt: skip


def parse_channel(text: str) -> str | None:
    """How to be notified, "sms", "voice" or "email": "text me" -> "sms", "2" -> "voice".

    None when the message names two channels ("text or call").
    """
    return _single_choice(text, _CHANNEL_KEYPAD, _CHANNEL_PHRASES)


def parse_language_choice(text: str) -> str | None:
    """ "en" or "es": "English", "inglés", "1" -> "en"; "Spanish", "español", "2" -> "es"."""
    return _single_choice(text, _LANGUAGE_KEYPAD, _LANGUAGE_PHRASES)


def parse_relationship(text: str) -> str | None:
    """Who is registering, "victim", "family" or "guardian": "I am the victim", "mi hijo", "3".

    Guardian words win over family words, which win over words meaning "me": the victim's
    mother saying "I am his mother" is family.
    """
    words = fold_phrase(spoken_digits(text))
    if words in _RELATIONSHIP_WHOLE:
        return _RELATIONSHIP_WHOLE[words]
    for relationship, phrases in _RELATIONSHIP_PHRASES.items():
        if has_phrase(words, phrases):
            return relationship
    return None


def _single_choice(
    text: str, keypad: dict[str, str], phrases_by_choice: dict[str, tuple[str, ...]]
) -> str | None:
    words = fold_phrase(spoken_digits(text))
    if words in keypad:
        return keypad[words]
    found = {choice for choice, phrases in phrases_by_choice.items() if has_phrase(words, phrases)}
    return found.pop() if len(found) == 1 else None
