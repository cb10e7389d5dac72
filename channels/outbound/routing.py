"""Which provider carries each channel, from the configuration: Twilio for SMS and voice when
fully configured, SMTP for e-mail when a host is set, the local outbox for whatever is not."""

from __future__ import annotations

from channels.config.settings import Settings
from channels.errors import ConfigurationError
from channels.outbound.message import Channel, Outbound, Receipt, Sender
from channels.outbound.outbox import OutboxSender
from channels.outbound.pacing import LocalPacer, PacedSender, Pacer, RedisPacer
from channels.outbound.smtp import SmtpSender
from channels.outbound.twilio_api import TwilioSender
from channels.storage.database import Database
from channels.storage.privacy import Privacy

STATUS_CALLBACK_PATH = "/twilio/status"


class RoutingSender:
    """Sends each message through the sender configured for its channel."""

    def __init__(self, sms: Sender, voice: Sender, email: Sender) -> None:
        self.routes: dict[Channel, Sender] = {
            Channel.SMS: sms,
            Channel.VOICE: voice,
            Channel.EMAIL: email,
        }

    def send(self, message: Outbound) -> Receipt:
        return self.routes[message.channel].send(message)

    @property
    def outbox(self) -> OutboxSender | None:
        """The local outbox, when some channel uses it (for the simulator and ``/api/outbox``)."""
        return next((s for s in self.routes.values() if isinstance(s, OutboxSender)), None)


def sender_from_config(
    *,
    twilio_account_sid: str,
    twilio_auth_token: str,
    twilio_phone_number: str,
    public_url: str,
    twilio_messaging_service_sid: str = "",
    twilio_api_url: str = "",
    smtp_host: str,
    smtp_port: int,
    smtp_from: str,
    smtp_username: str,
    smtp_password: str,
    smtp_tls: bool,
    database: Database,
    privacy: Privacy,
) -> RoutingSender:
    """Twilio for SMS and voice when fully configured, SMTP for e-mail when a host is set; the
    local outbox for whatever is not."""
    outbox = OutboxSender(database, privacy)
    phone: Sender = outbox
    if twilio_account_sid and twilio_auth_token and twilio_phone_number:
        phone = TwilioSender(
            twilio_account_sid,
            twilio_auth_token,
            twilio_phone_number,
            status_callback_url=public_url.rstrip("/") + STATUS_CALLBACK_PATH,
            messaging_service_sid=twilio_messaging_service_sid,
            api_url=twilio_api_url,
        )
    email: Sender = outbox
    if smtp_host:
        if "@" not in smtp_from:
            raise ConfigurationError(
                "HOTLINE_SMTP_FROM must be the e-mail address notifications are sent from"
            )
        email = SmtpSender(
            smtp_host,
            smtp_port,
            smtp_from,
            username=smtp_username,
            password=smtp_password,
            use_tls=smtp_tls,
        )
    return RoutingSender(sms=phone, voice=phone, email=email)


def sender_from_settings(settings: Settings, database: Database, privacy: Privacy) -> RoutingSender:
    routing = sender_from_config(
        twilio_account_sid=settings.twilio_account_sid,
        twilio_auth_token=settings.twilio_auth_token,
        twilio_phone_number=settings.twilio_phone_number if settings.sender != "outbox" else "",
        public_url=settings.public_url,
        twilio_messaging_service_sid=settings.twilio_messaging_service_sid,
        twilio_api_url=settings.twilio_api_url,
        smtp_host=settings.smtp_host,
        smtp_port=settings.smtp_port,
        smtp_from=settings.smtp_from,
        smtp_username=settings.smtp_username,
        smtp_password=settings.smtp_password,
        smtp_tls=settings.smtp_tls,
        database=database,
        privacy=privacy,
    )
    for channel, per_second in (
        (Channel.SMS, settings.sms_per_second),
        (Channel.VOICE, settings.calls_per_second),
    ):
        sender = routing.routes[channel]
        if per_second and isinstance(sender, TwilioSender):
            routing.routes[channel] = PacedSender(sender, _pacer(settings, channel, per_second))
    return routing


def _pacer(settings: Settings, channel: Channel, per_second: float) -> Pacer:
    """One budget for every worker process when jobs run on Redis, else this process's."""
    if settings.job_queue == "redis":
        key = f"hotline:pace:{settings.queue_name}:{channel.value}"
        return RedisPacer(settings.redis_url, key, per_second)
    return LocalPacer(per_second)
