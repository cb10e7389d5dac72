"""A phone that texts the hotline the way Twilio does: Twilio-shaped form fields, a valid
``X-Twilio-Signature`` made with the local auth token, and the TwiML answer read back.

The simulator page, ``make chat``, the benchmark and the end-to-end tests all text through this,
so they exercise exactly the webhook Twilio calls.
"""

from __future__ import annotations

import secrets
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import requests

from channels.twilio.signature import SIGNATURE_HEADER, sign

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
class SignedClient:
    """Posts to a gateway at ``gateway_url`` as Twilio would: form fields signed with
    ``auth_token`` for the URL on ``public_url`` that Twilio called."""

    gateway_url: str
    public_url: str
    auth_token: str
    from_number: str
    timeout_seconds: float = 20.0
    session: requests.Session | None = None

    def send(self, url: str, params: dict[str, str]) -> requests.Response:
        """POSTs ``params`` signed for ``url`` (a public URL) to the gateway's same path."""
        public = self.public_url.rstrip("/")
        if not url.startswith(public):
            raise ValueError(f"{url} is not on the hotline's public URL {public}")
        http = self.session or requests
        return http.post(
            self.gateway_url.rstrip("/") + url[len(public) :],
            data=params,
            headers={SIGNATURE_HEADER: sign(self.auth_token, url, params)},
            timeout=self.timeout_seconds,
        )


@dataclass
class FakePhone(SignedClient):
    """Texts the gateway as ``from_number`` through ``/twilio/sms``."""

    def text(self, body: str) -> list[str]:
        """Send one SMS; return the texts of the answer (empty if the hotline sent none)."""
        response = self.post(sms_params(self.from_number, body))
        response.raise_for_status()
        return replies_in(response.text)

    def post(self, params: dict[str, str]) -> requests.Response:
        return self.send(self.public_url.rstrip("/") + SMS_PATH, params)


# -- calls ---------------------------------------------------------------------------------------

VOICE_PATH = "/twilio/voice"


def new_call_sid() -> str:
    return "CA" + secrets.token_hex(16)


def _flat_text(element: ET.Element) -> str:
    """A ``<Say>``'s words, its SSML children's included, without the markup."""
    return " ".join("".join(element.itertext()).split())


@dataclass(frozen=True)
class CallStep:
    """One TwiML answer of a call, read the way a caller would experience it."""

    said: tuple[tuple[str, str], ...]  # (words, language) in order, inside a Gather or not
    gather: dict[str, str] | None  # the <Gather>'s attributes
    redirect: str | None
    dial: dict[str, str] | None  # number, action, callerId, whisper url
    enqueue: dict[str, str] | None  # queue, action, waitUrl
    hangup: bool
    xml: str

    @property
    def text(self) -> str:
        return " ".join(words for words, _ in self.said)

    @property
    def languages(self) -> set[str]:
        return {language for _, language in self.said}


def read_call_step(twiml_xml: str) -> CallStep:
    root = ET.fromstring(twiml_xml)  # noqa: S314 - our own gateway's answer
    said = tuple((_flat_text(say), say.get("language", "")) for say in root.iter("Say"))
    gather = root.find("Gather")
    redirect = root.find("Redirect")
    dial = root.find("Dial")
    enqueue = root.find("Enqueue")
    dial_info = None
    if dial is not None:
        number = dial.find("Number")
        dial_info = {
            **dict(dial.attrib),
            "number": (number.text or "") if number is not None else "",
            "whisper": number.get("url", "") if number is not None else "",
        }
    return CallStep(
        said=said,
        gather=dict(gather.attrib) if gather is not None else None,
        redirect=(redirect.text or "").strip() if redirect is not None else None,
        dial=dial_info,
        enqueue={**dict(enqueue.attrib), "queue": enqueue.text or ""}
        if enqueue is not None
        else None,
        hangup=root.find("Hangup") is not None,
        xml=twiml_xml,
    )


@dataclass
class FakeCall(SignedClient):
    """Calls the gateway as ``from_number`` through ``/twilio/voice``; follows the call's
    ``<Gather>`` actions and ``<Redirect>`` s."""

    call_sid: str = ""
    last: CallStep | None = None
    max_redirects: int = 10
    # Every TwiML answer of the latest action, redirects included (fillers, then the answer).
    heard: list[CallStep] = field(default_factory=list)
    # How long each webhook took to answer, in milliseconds (every POST of the call).
    webhook_ms: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.call_sid = self.call_sid or new_call_sid()

    def params(self, **fields: str) -> dict[str, str]:
        return {
            "CallSid": self.call_sid,
            "AccountSid": "AC" + "0" * 32,
            "From": self.from_number,
            "To": "+15550100000",
            "CallStatus": "in-progress",
            "Direction": "inbound",
            "ApiVersion": "2010-04-01",
            **fields,
        }

    def start(self) -> CallStep:
        return self.post(self.public_url.rstrip("/") + VOICE_PATH, self.params())

    def say(self, speech: str, confidence: str = "0.92") -> CallStep:
        return self._answer(SpeechResult=speech, Confidence=confidence)

    def press(self, digits: str) -> CallStep:
        return self._answer(Digits=digits)

    def silence(self) -> CallStep:
        return self._answer()

    def transfer_ends(self, status: str) -> CallStep:
        """The specialists' line answered (``completed``) or not (``no-answer``, ``busy``)."""
        if self.last is None or (self.last.dial is None and self.last.enqueue is None):
            raise AssertionError("the call is not being transferred")
        transfer = self.last.dial or self.last.enqueue or {}
        field = "QueueResult" if self.last.enqueue else "DialCallStatus"
        return self.post(transfer["action"], self.params(**{field: status}))

    def hang_up(self) -> None:
        """The caller hangs up: Twilio's status callback says the call is completed."""
        url = self.public_url.rstrip("/") + VOICE_PATH + "/status"
        self._send(url, self.params(CallStatus="completed", CallDuration="60"))

    def leg(self, url: str) -> CallStep:
        """What Twilio fetches for another leg of the call (the whisper to the specialist, the
        queue's wait message): the caller's place in the call does not move."""
        return self._post_once(url, self.params())

    def _answer(self, **fields: str) -> CallStep:
        if self.last is None or self.last.gather is None:
            raise AssertionError("the call is not listening for an answer")
        return self.post(self.last.gather["action"], self.params(**fields))

    def post(self, url: str, params: dict[str, str]) -> CallStep:
        """POSTs a signed request to ``url`` (a public URL) and follows redirects that come
        without a ``<Gather>`` (a filler while the assistant thinks)."""
        step = self._post_once(url, params)
        self.heard = [step]
        for _ in range(self.max_redirects):
            if step.gather is not None or step.redirect is None:
                break
            step = self._post_once(step.redirect, self.params())
            self.heard.append(step)
        self.last = step
        return step

    def _post_once(self, url: str, params: dict[str, str]) -> CallStep:
        return read_call_step(self._send(url, params).text)

    def _send(self, url: str, params: dict[str, str]) -> requests.Response:
        started = time.perf_counter()
        response = self.send(url, params)
        self.webhook_ms.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        return response
