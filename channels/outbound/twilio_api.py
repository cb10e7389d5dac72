"""SMS and calls through Twilio's REST API.

A voice notification is a call whose content Twilio fetches, when answered, from a TwiML URL on
the gateway (``Outbound.voice_url``); answering-machine detection tells that URL whether a
person or a voicemail answered (``AnsweredBy``).
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from channels.outbound.message import Channel, Outbound, Receipt, SendFailed

logger = logging.getLogger(__name__)

CALL_STATUS_EVENTS = ["initiated", "ringing", "answered", "completed"]
CALL_RING_SECONDS = 30
# Twilio then tells the call's TwiML URL who answered (``AnsweredBy``: human, machine_end_beep,
# ...), so a voicemail gets the neutral message only when the person allowed it. Waiting for the
# greeting to end means the message is recorded after the beep, not spoken over the greeting.
CALL_MACHINE_DETECTION = "DetectMessageEnd"


class TwilioSender:
    """SMS through Twilio's Messages API, voice calls through its Calls API."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str,
        status_callback_url: str,
        client: Client | None = None,
        timeout: float = 10.0,
        messaging_service_sid: str = "",
        api_url: str = "",
    ) -> None:
        self.from_number = from_number
        # Texts through a Messaging Service (its sender pool, opt-out handling and A2P 10DLC
        # campaign); calls always from the number.
        self.messaging_service_sid = messaging_service_sid
        self.status_callback_url = status_callback_url
        # Twilio's default HTTP client has no timeout: a stalled connection would hang a worker.
        self.client = client or Client(
            account_sid, auth_token, http_client=TwilioHttpClient(timeout=timeout)
        )
        if api_url:  # a stand-in (load tests); the client's own URL otherwise
            self.client.api.base_url = api_url

    def send(self, message: Outbound) -> Receipt:
        try:
            instance = self._create(message)
        except TwilioRestException as error:
            raise _twilio_failure(error) from None
        except requests.RequestException as error:
            raise SendFailed(
                f"twilio unreachable: {type(error).__name__}", retryable=True
            ) from None
        logger.info("outbound %s handed to Twilio as %s", message.channel.value, instance.sid)
        return Receipt(provider_sid=str(instance.sid), status=str(instance.status or "queued"))

    def _create(self, message: Outbound) -> Any:
        # A text and a call are addressed alike, and report their status to the same URL.
        addressed = {
            "to": message.to,
            "from_": self.from_number,
            "status_callback": self.status_callback_url,
        }
        if message.channel is Channel.SMS:
            if self.messaging_service_sid:
                del addressed["from_"]
                addressed["messaging_service_sid"] = self.messaging_service_sid
            return self.client.messages.create(body=message.body, **addressed)
        if message.channel is Channel.VOICE:
            return self.client.calls.create(
                url=message.voice_url,
                status_callback_event=CALL_STATUS_EVENTS,
                timeout=CALL_RING_SECONDS,
                machine_detection=CALL_MACHINE_DETECTION,
                **addressed,
            )
        raise ValueError(f"Twilio does not send {message.channel.value}")


def _twilio_failure(error: TwilioRestException) -> SendFailed:
    """Twilio's error text can quote the recipient's number, so only codes are kept.

    Retried: server errors, rate limits (429) and authentication failures (401/403: our
    credentials, which an operator can fix). Other 4xx (21211 invalid number, 21610 recipient
    unsubscribed, 21614 not a mobile number...) fail the same way every time.
    """
    status = int(error.status)
    retryable = status >= 500 or status in (401, 403)
    reason = f"twilio HTTP {status} error {error.code}"
    return SendFailed(reason, retryable=retryable, throttled=status == 429)
