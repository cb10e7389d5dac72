"""A phone that texts the hotline the way Twilio does: Twilio-shaped form fields, a valid
``X-Twilio-Signature`` made with the local auth token, and the TwiML answer read back.

The simulator page, ``make chat``, the benchmark and the end-to-end tests all text through this,
so they exercise exactly the webhook Twilio calls.
"""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import requests

from channels.twilio_auth import SIGNATURE_HEADER, sign

SMS_PATH = "/twilio/sms"


def random_number() -> str:
    """A random number in the 555 range, which no real phone has."""
    return f"+1555{secrets.randbelow(10**7):07d}"


def new_message_sid() -> str:
    return "SM" + secrets.token_hex(16)


def sms_params(from_number: str, body: str, to_number: str = "+15550100000") -> dict[str, str]:
    """The form fields Twilio posts for an inbound SMS (the ones the gateway reads, and a few)."""
    return {
        "MessageSid": new_message_sid(),
        "SmsSid": "",
        "AccountSid": "AC" + "0" * 32,
        "From": from_number,
        "To": to_number,
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
    }


def replies_in(twiml_xml: str) -> list[str]:
    """The text of every ``<Message>`` in a TwiML answer."""
    root = ET.fromstring(twiml_xml)  # noqa: S314 - our own gateway's answer
    return [(m.text or "") for m in root.iter("Message")]


@dataclass
class FakePhone:
    """Texts a gateway at ``gateway_url`` as ``from_number``; signs for ``public_url``."""

    gateway_url: str
    public_url: str
    auth_token: str
    from_number: str
    timeout_seconds: float = 20.0
    session: requests.Session | None = None

    def text(self, body: str) -> list[str]:
        """Send one SMS; return the texts of the answer (empty if the hotline sent none)."""
        response = self.post(sms_params(self.from_number, body))
        response.raise_for_status()
        return replies_in(response.text)

    def post(self, params: dict[str, str]) -> requests.Response:
        signature = sign(self.auth_token, self.public_url.rstrip("/") + SMS_PATH, params)
        http = self.session or requests
        return http.post(
            self.gateway_url.rstrip("/") + SMS_PATH,
            data=params,
            headers={SIGNATURE_HEADER: signature},
            timeout=self.timeout_seconds,
        )
