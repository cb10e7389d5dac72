"""What custody alerts, verification codes and reminders say, by text, e-mail and call, in
both languages side by side.

Alerts name the office and the offender only when the registration allows it (otherwise the
``DISCREET`` wording); codes never do.
"""

from __future__ import annotations

from datetime import date

from channels.texts.languages import supported

MONTHS = {
    "en": "January February March April May June July August September October November December",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
}


def format_date(day: date, language: str) -> str:
    month = MONTHS[language].split()[day.month - 1]
    if language == "es":
        return f"{day.day} de {month} de {day.year}"
    return f"{month} {day.day}, {day.year}"


# Keyed by the event type's value (``EventType`` is a str enum: its members find these too).
EVENT_TEXT: dict[str, dict[str, str]] = {
    "release": {
        "en": "Custody alert: {name} was released from immigration custody on {date}.",
        "es": "Aviso de custodia: {name} salió de la custodia migratoria el {date}.",
    },
    "transfer": {
        "en": "Custody alert: {name} was transferred on {date} to {place}.",
        "es": "Aviso de custodia: {name} fue trasladado el {date} a {place}.",
    },
    "removal": {
        "en": "Custody alert: {name} was removed (deported) from the United States on {date}.",
        "es": "Aviso de custodia: {name} fue deportado de los Estados Unidos el {date}.",
    },
    "escape": {
        "en": "Custody alert: {name} escaped from custody on {date}.",
        "es": "Aviso de custodia: {name} se escapó de la custodia el {date}.",
    },
    "death": {
        "en": "Custody alert: {name} died on {date}.",
        "es": "Aviso de custodia: {name} falleció el {date}.",
    },
    "return_to_custody": {
        "en": "Custody alert: {name} is back in immigration custody since {date}, at {place}.",
        "es": "Aviso de custodia: {name} volvió a la custodia migratoria el {date}, en {place}.",
    },
}
UNKNOWN_PLACE = {
    "en": "a facility we cannot name yet",
    "es": "un centro que aún no podemos nombrar",
}
QUESTIONS = {
    "en": "Questions: {phone}.",
    "es": "Preguntas: {phone}.",
}
DISCREET = {
    "en": "You have a new update. Please call {phone} when it is safe to talk.",
    "es": "Tiene una nueva actualización. Llame al {phone} cuando pueda hablar con seguridad.",
}
SAFETY = {
    "en": "If you feel unsafe, call 911.",
    "es": "Si se siente en peligro, llame al 911.",
}
REPLY_TO_CONFIRM = {
    "en": "Reply OK to confirm you got this.",
    "es": "Responda OK para confirmar que lo recibió.",
}
VOICEMAIL = {
    "en": "This is an automated message with an update for you. Please call {phone}.",
    "es": "Este es un mensaje automático con una actualización para usted. Llame al {phone}.",
}
REMINDER_EMAIL = {
    "en": "Your alert registration ends on {date}. To keep it, call {phone}.",
    "es": "Su inscripción de avisos vence el {date}. Para mantenerla, llame al {phone}.",
}
REMINDER = {
    "en": "Your alert registration ends on {date}. Text RENEW to this number to keep it, "
    "or call {phone}.",
    "es": "Su inscripción de avisos vence el {date}. Envíe RENOVAR por texto a este número "
    "para mantenerla, o llame al {phone}.",
}

# E-mail subjects; a discreet alert's says nothing of custody.
SUBJECTS = {
    "update": {"en": "Custody update", "es": "Actualización de custodia"},
    "discreet_update": {"en": "Update", "es": "Actualización"},
    "reminder": {"en": "Reminder", "es": "Recordatorio"},
    "code": {"en": "Verification code", "es": "Código de verificación"},
}


def subject(kind: str, language: str) -> str:
    """An e-mail subject: English for "en", Spanish otherwise."""
    return SUBJECTS[kind]["en" if language == "en" else "es"]


def code_message(code: str, minutes: int, language: str) -> str:
    """Neutral on purpose: the code text names neither the office nor the offender."""
    if language == "es":
        return f"Su código de verificación es {code}. Vence en {minutes} minutos. No lo comparta."
    return f"Your verification code is {code}. It expires in {minutes} minutes. Don't share it."


# -- calls: a custody alert (with its PIN) and a verification code -------------------------------

CALL_TEXT = {
    "ask_pin_to_hear": {
        "en": "Hello. This is an automated message with an update for you. To hear it, enter your "
        "4-digit PIN now.",
        "es": "Hola. Este es un mensaje automático con una actualización para usted. Para "
        "escucharlo, marque ahora su PIN de 4 dígitos.",
    },
    "ask_pin_to_confirm": {
        "en": "To confirm you received this message, enter your 4-digit PIN now.",
        "es": "Para confirmar que recibió este mensaje, marque ahora su PIN de 4 dígitos.",
    },
    "no_pin": {
        "en": "We did not get your PIN. We will call again later. Goodbye.",
        "es": "No recibimos su PIN. Volveremos a llamar más tarde. Adiós.",
    },
    "wrong_pin": {
        "en": "That PIN is not right. Please try again.",
        "es": "Ese PIN no es correcto. Inténtelo de nuevo.",
    },
    "confirmed": {
        "en": "Thank you. Your confirmation is recorded. Goodbye.",
        "es": "Gracias. Su confirmación quedó registrada. Adiós.",
    },
    "code": {
        "en": "Your verification code is",
        "es": "Su código de verificación es",
    },
    "again": {
        "en": "Again, your code is",
        "es": "Otra vez, su código es",
    },
    "code_expired": {
        "en": "This code is no longer valid. Please ask for a new one. Goodbye.",
        "es": "Este código ya no es válido. Por favor pida uno nuevo. Adiós.",
    },
}


def call_text(language: str, key: str) -> str:
    return CALL_TEXT[key][supported(language)]
