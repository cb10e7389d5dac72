"""What the gateway itself says on a hotline call, in both languages side by side.

Everything the *assistant* says comes from the domain's ``channel: voice`` variations; these are
the few lines the call needs around it: the welcome and language menu, silence, waiting,
transferring, and the answers given when the assistant cannot answer.
"""

from __future__ import annotations

from collections.abc import Mapping

from channels.texts.languages import LANGUAGE_NAMES, supported

PROMPTS: Mapping[str, Mapping[str, str]] = {
    "welcome": {
        "en": "Thank you for calling the VOICE hotline for victims of crime. If you are in danger, "
        "hang up and dial 911. For English, press 1 or say English.",
        "es": "Gracias por llamar a la línea VOICE para víctimas de delitos. Si está en peligro, "
        "cuelgue y marque el 911. Para español, oprima 2 o diga español.",
    },
    "how_can_i_help": {
        "en": "How can I help you? You can ask me a question, or ask for custody alerts. To talk "
        "to a specialist, press 0 at any time.",
        "es": "¿En qué le puedo ayudar? Puede hacerme una pregunta o pedir avisos de custodia. "
        "Para hablar con un especialista, oprima 0 en cualquier momento.",
    },
    "menu_again": {
        "en": "Sorry, I did not get that. For English, press 1.",
        "es": "Perdón, no le entendí. Para español, oprima 2.",
    },
    "no_input": {
        "en": "Sorry, I didn't hear anything.",
        "es": "Perdón, no escuché nada.",
    },
    "offer_specialist": {
        "en": "I still can't hear you. Would you like to talk to a specialist? Say yes or press 1. "
        "Say no or press 2.",
        "es": "Todavía no le escucho. ¿Quiere hablar con un especialista? Diga sí o marque 1. Diga "
        "no o marque 2.",
    },
    "goodbye_silence": {
        "en": "I'll end this call now. You can call back any time. If you are in danger, hang up "
        "and dial 911. Goodbye.",
        "es": "Voy a terminar esta llamada. Puede volver a llamar cuando quiera. Si está en "
        "peligro, cuelgue y marque el 911. Adiós.",
    },
    "goodbye": {
        "en": "Thank you for calling. If you are in danger, hang up and dial 911. Goodbye.",
        "es": "Gracias por llamar. Si está en peligro, cuelgue y marque el 911. Adiós.",
    },
    "filler": {
        "en": "One moment, please.",
        "es": "Un momento, por favor.",
    },
    "filler_again": {
        "en": "I'm still working on it. Please stay on the line.",
        "es": "Sigo trabajando en ello. Por favor, no cuelgue.",
    },
    "unavailable": {
        "en": "I'm sorry, I can't answer your question right now.",
        "es": "Lo siento, ahora no puedo responder a su pregunta.",
    },
    "connecting": {
        "en": "Please stay on the line. I'm connecting you with a specialist.",
        "es": "Por favor, no cuelgue. Le estoy comunicando con un especialista.",
    },
    "hold": {
        "en": "Thank you for waiting. A specialist will be with you as soon as possible. If you "
        "are in danger, hang up and dial 911.",
        "es": "Gracias por esperar. Un especialista le atenderá lo antes posible. Si está en "
        "peligro, cuelgue y marque el 911.",
    },
    "after_specialist": {
        "en": "Thank you for calling the VOICE hotline. Goodbye.",
        "es": "Gracias por llamar a la línea VOICE. Adiós.",
    },
    "heard": {
        "en": "I heard: {text}. Is that right? Say yes or press 1. Say no or press 2.",
        "es": "Entendí: {text}. ¿Es correcto? Diga sí o marque 1. Diga no o marque 2.",
    },
    "say_again": {
        "en": "Sorry about that. Please say it again.",
        "es": "Perdón. Por favor, dígalo otra vez.",
    },
    "transfer_declined": {
        "en": "All right. If you are in danger, hang up and dial 911. You can call us back any "
        "time. Goodbye.",
        "es": "Está bien. Si está en peligro, cuelgue y marque el 911. Puede volver a llamarnos "
        "cuando quiera. Adiós.",
    },
    "technical_problem": {
        "en": "I'm sorry, something went wrong on our side. If you are in danger, hang up and "
        "dial 911. Connecting you to a specialist.",
        "es": "Lo siento, tuvimos un problema técnico. Si está en peligro, cuelgue y marque el "
        "911. Le comunico con un especialista.",
    },
    "no_specialist_line": {
        "en": "I'm sorry, I can't transfer this call. You can reach a specialist at {phone}.",
        "es": "Lo siento, no puedo transferir esta llamada. Puede hablar con un especialista en el "
        "{phone}.",
    },
}


# Read to the specialist who answers a transfer, before the caller is connected (English: the
# specialists' working language).
WHISPER = "VOICE hotline call. {reason}. The caller speaks {language}. {urgency}"
REASONS = {
    "request_human": "The caller asked for a specialist",
    "emergency": "The caller may be in danger",
    "fallback": "The assistant could not understand the caller",
    "frustration": "The caller is frustrated with the assistant",
    "victimization": "The caller wants to talk about what happened",
    "threat": "The caller is being threatened or is afraid",
    "callback": "The caller asked to be called back",
    "silence": "The caller did not speak to the assistant",
    "unavailable": "The assistant could not answer",
}


def prompt(language: str, key: str, **values: str) -> str:
    text = PROMPTS[key][supported(language)]
    return text.format(**values) if values else text


def whisper(reason: str, language: str, *, urgent: bool) -> str:
    return WHISPER.format(
        reason=REASONS.get(reason, REASONS["request_human"]),
        language=LANGUAGE_NAMES.get(language, "English"),
        urgency="This is urgent." if urgent else "",
    ).strip()
