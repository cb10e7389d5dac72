"""The few things the gateway texts itself, without the assistant: keyword answers and the
answers given when the assistant cannot answer. Each has both languages; those that may be read
before the person's language is known say everything in both.
"""

from __future__ import annotations


def keyword_reply(keyword: str, language: str, specialist_phone: str) -> str:
    """The answer to a carrier keyword (``channels.twilio.keywords.Keyword``'s value)."""
    replies = {
        "opt_out": {
            "en": "You will get no more texts from the VOICE Hotline. Reply START to use it "
            "again. If you are in danger, call 911.",
            "es": "Ya no recibirá mensajes de la línea VOICE. Responda INICIAR para volver a "
            "usarla. Si está en peligro, llame al 911.",
        },
        "opt_in": {
            "en": "Welcome back to the VOICE Hotline. Text your question any time. "
            "Reply STOP to opt out.",
            "es": "Bienvenido de nuevo a la línea VOICE. Escriba su pregunta cuando quiera. "
            "Responda PARAR para dejar de recibir mensajes.",
        },
        "help": {
            "en": f"If you are in danger, call 911. VOICE Hotline for victims of crime: "
            f"specialists at {specialist_phone}. Text your question here. "
            "Reply STOP to opt out. Msg&data rates may apply.",
            "es": f"Si está en peligro, llame al 911. Línea VOICE para víctimas de delitos: "
            f"especialistas en el {specialist_phone}. Escriba su pregunta aquí. "
            "Responda PARAR para no recibir mensajes.",
        },
    }
    return replies[keyword][language]


def hotline_unreachable(specialist_phone: str) -> str:
    """What Twilio answers from its Fallback URL when the gateway itself is down: nothing here
    saw the message, so nothing is promised about it."""
    return (
        f"If you are in danger, call 911. We can't answer texts right now. A specialist can "
        f"help: {specialist_phone}.\n"
        f"Si está en peligro, llame al 911. Ahora no podemos responder mensajes. Un especialista "
        f"puede ayudarle: {specialist_phone}."
    )


def assistant_unavailable(specialist_phone: str) -> str:
    return (
        f"If you are in danger, call 911. Our assistant can't answer right now; your message "
        f"is saved. A specialist can help: {specialist_phone}.\n"
        f"Si está en peligro, llame al 911. Ahora no podemos responder; guardamos su mensaje. "
        f"Un especialista puede ayudarle: {specialist_phone}."
    )


def slow_down() -> str:
    return (
        "We got many messages from you in a short time. We keep them all; a specialist can read "
        "them. If you are in danger, call 911.\n"
        "Recibimos muchos mensajes suyos en poco tiempo. Los guardamos todos; un especialista "
        "puede leerlos. Si está en peligro, llame al 911."
    )


def text_only() -> str:
    return (
        "Thank you. I can only read text, not photos or files. Please type your question. "
        "If you are in danger, call 911.\n"
        "Gracias. Solo puedo leer texto, no fotos ni archivos. Escriba su pregunta, por favor. "
        "Si está en peligro, llame al 911."
    )


def alerts_stopped(language: str) -> str:
    return {
        "en": "Your custody alerts to this number are stopped too.",
        "es": "También se detuvieron sus avisos de custodia a este número.",
    }[language]


def exchange_reply(reply: str, language: str, count: int) -> str:
    """Thanks for a confirmation ("confirm"), or the renewal done ("renew": ``count``
    registrations)."""
    if reply == "confirm":
        return {
            "en": "Thank you. We recorded that you received the alert.",
            "es": "Gracias. Registramos que recibió el aviso.",
        }[language]
    return {
        "en": f"Done: {count} alert registration(s) renewed for another year.",
        "es": f"Listo: se renovaron {count} inscripción(es) de avisos por un año más.",
    }[language]


def with_specialists(language: str) -> str:
    """While a handed-off conversation waits for a specialist to pick it up."""
    return {
        "en": "Your message is with our specialists; one will text you here soon. "
        "If you are in danger, call 911.",
        "es": "Su mensaje está con nuestros especialistas; uno le escribirá aquí pronto. "
        "Si está en peligro, llame al 911.",
    }.get(language, "Your message is with our specialists. If you are in danger, call 911.")


def emergency_while_handed_off(language: str) -> str:
    return {
        "en": "If you are in danger, call 911 now. A specialist has been told this is urgent "
        "and will text you here.",
        "es": "Si está en peligro, llame al 911 ahora. Avisamos a un especialista de que es "
        "urgente y le escribirá aquí.",
    }.get(language, "If you are in danger, call 911 now.")


def back_with_assistant(language: str) -> str:
    """Sent when a specialist closes a handoff: the assistant answers again from now on."""
    english = (
        "A specialist has finished helping you. You're back with the automated assistant; "
        "text HELP or your question any time. If you are in danger, call 911."
    )
    return {
        "en": english,
        "es": "Un especialista terminó de ayudarle. Ahora le atiende de nuevo el asistente "
        "automático; escriba AYUDA o su pregunta cuando quiera. Si está en peligro, llame al 911.",
    }.get(language, english)
