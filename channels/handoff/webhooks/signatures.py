"""How a webhook request is signed, and how a receiver verifies it (the package docstring)."""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Hotline-Signature"  # "t=<unix seconds>,v1=<hex HMAC-SHA256>"
EVENT_HEADER = "X-Hotline-Event"
DELIVERY_HEADER = "X-Hotline-Delivery"
USER_AGENT = "voice-hotline-webhooks/1"
DEFAULT_TOLERANCE_SECONDS = 300


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Hotline-Signature`` value for ``body`` sent at ``timestamp`` (Unix seconds)."""
    return f"t={timestamp},v1={_digest(secret, timestamp, body)}"


def verify(
    secret: str,
    header: str,
    body: bytes,
    *,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """True if ``header`` signs ``body`` with ``secret`` within the replay window of ``now``."""
    if not secret:
        return False
    timestamp: int | None = None
    signatures: list[str] = []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isascii() and value.isdigit() and timestamp is None:
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_seconds:
        return False
    expected = _digest(secret, timestamp, body).encode()
    # Every candidate is compared, so the time taken does not say which one matched.
    matches = [hmac.compare_digest(expected, candidate.encode()) for candidate in signatures]
    return any(matches)
