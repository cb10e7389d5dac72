"""What a notification and a reminder say, to whom and how: the outbound messages, in the
registration's language, neutral when discreet; and what a notification call speaks."""

from __future__ import annotations

from dataclasses import dataclass

from channels.alerts.notifications.models import CustodyEvent, EventType, load_details
from channels.alerts.registrations.models import Registration
from channels.alerts.registrations.service import RegistrationService
from channels.outbound.message import Channel, Outbound
from channels.storage.database import as_utc
from channels.storage.privacy import Privacy
from channels.texts.alerts import (
    DISCREET,
    EVENT_TEXT,
    QUESTIONS,
    REMINDER,
    REMINDER_EMAIL,
    REPLY_TO_CONFIRM,
    SAFETY,
    UNKNOWN_PLACE,
    format_date,
    subject,
)


@dataclass(frozen=True)
class CallScript:
    language: str
    message: str
    discreet: bool
    voicemail_ok: bool
    confirmed: bool
    voicemail: str


class NotificationMessages:
    """The wording half of ``NotificationService`` (which sets these attributes)."""

    privacy: Privacy
    registrations: RegistrationService
    public_url: str
    specialist_phone: str

    def _outbound(
        self, registration: Registration, event: CustodyEvent, attempt_id: int
    ) -> Outbound:
        channel = Channel(registration.contact_channel)
        text = self.notification_text(registration, event, channel)
        return Outbound(
            channel=channel,
            to=self.privacy.decrypt(registration.contact_encrypted),
            body=text,
            subject=subject(
                "discreet_update" if registration.discreet else "update", registration.language
            ),
            voice_url=f"{self.public_url}/twilio/calls/notification/{attempt_id}",
            reference=f"notification-attempt:{attempt_id}",
        )

    def notification_text(
        self,
        registration: Registration,
        event: CustodyEvent,
        channel: Channel,
        *,
        discreet: bool | None = None,
    ) -> str:
        """What the person is told, in their language; neutral wording when discreet.

        ``discreet=False`` gives the full update even to a discreet registration: a call says it
        once the PIN has proved who is listening.
        """
        language = registration.language
        parts = []
        if registration.discreet if discreet is None else discreet:
            parts.append(DISCREET[language].format(phone=self.specialist_phone))
        else:
            offender = self.registrations.offender(registration)
            details = load_details(self.privacy.decrypt(event.details_encrypted))
            facility = details.get("facility") or {}
            place = ", ".join(p for p in (facility.get(k) for k in ("name", "city", "state")) if p)
            parts.append(
                EVENT_TEXT[event.type][language].format(
                    name=offender.name,
                    date=format_date(as_utc(event.occurred_at).date(), language),
                    place=place or UNKNOWN_PLACE[language],
                )
            )
            parts.append(QUESTIONS[language].format(phone=self.specialist_phone))
        if event.type is EventType.ESCAPE:
            parts.append(SAFETY[language])
        if channel is Channel.SMS:
            parts.append(REPLY_TO_CONFIRM[language])
        return " ".join(parts)

    def reminder_text(self, registration: Registration) -> str:
        """RENEW works only texted from the registered phone, so e-mails offer a call instead."""
        language = registration.language
        expires = format_date(as_utc(registration.expires_at).date(), language)
        wording = (
            REMINDER_EMAIL if registration.contact_channel == Channel.EMAIL.value else REMINDER
        )
        return wording[language].format(date=expires, phone=self.specialist_phone)

    def _reminder(self, registration: Registration) -> Outbound:
        language = registration.language
        return Outbound(
            channel=Channel(registration.contact_channel),
            to=self.privacy.decrypt(registration.contact_encrypted),
            body=self.reminder_text(registration),
            subject=subject("reminder", language),
            voice_url=f"{self.public_url}/twilio/calls/reminder/{registration.id}",
            reference=f"reminder:{registration.id}",
        )
