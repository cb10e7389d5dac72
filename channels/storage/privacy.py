"""Keeping personal data private: keyed hashes for identity, encryption for what is stored.

* A phone number never appears in a log, a URL or Rasa's tracker. Conversations are keyed by an
  HMAC of the number under a key derived from ``HOTLINE_SECRET_KEY``: stable, but useless without
  the key.
* Message bodies and phone numbers are stored encrypted (Fernet: AES-128-CBC + HMAC-SHA256),
  under a second key derived from the same secret, so the database alone reveals nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from cryptography.fernet import Fernet

from channels.extension import Extension


def _derive(secret: str, purpose: str) -> bytes:
    return hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).digest()


class Privacy:
    def __init__(self, secret_key: str) -> None:
        self._hash_key = _derive(secret_key, "conversation-key")
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(secret_key, "encryption-key")))

    def conversation_key(self, address: str) -> str:
        """The pseudonymous id of whoever writes from ``address`` (a phone number)."""
        digest = hmac.new(self._hash_key, normalise_address(address).encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

    def keyed(self, purpose: str, value: str) -> str:
        """A stable pseudonym of ``value`` for look-ups (e-mail contacts, offender identities)."""
        digest = hmac.new(self._hash_key, f"{purpose}\x00{value}".encode(), hashlib.sha256)
        return digest.hexdigest()

    def encrypt(self, text: str) -> bytes:
        return self._fernet.encrypt(text.encode("utf-8"))

    def decrypt(self, token: bytes) -> str:
        return self._fernet.decrypt(token).decode("utf-8")


PRIVACY: Extension[Privacy] = Extension("privacy")


def normalise_address(address: str) -> str:
    """ "+1 (713) 555-0142" and "+17135550142" are the same person."""
    address = address.strip()
    digits = re.sub(r"\D", "", address)
    return f"+{digits}" if digits else address.lower()
