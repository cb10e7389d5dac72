"""Keeping personal data private: keyed hashes for identity, encryption for what is stored.

* A phone number never appears in a log, a URL or Rasa's tracker. Conversations are keyed by an
  HMAC of the number under the hashing key (``HOTLINE_HASH_KEY``): stable, but useless without
  the key.
* Message bodies and phone numbers are stored encrypted (Fernet: AES-128-CBC + HMAC-SHA256)
  under the encryption keys (``HOTLINE_ENCRYPTION_KEYS``, ``id:secret`` pairs, the first one
  current): values written under an older key still read, and ``python -m
  channels.storage.rotate`` re-encrypts everything under the current one, after which the old
  key can go.

Each key is derived from its secret and its purpose, so a deployment that had only
``HOTLINE_SECRET_KEY`` (from which all keys used to be derived) keeps its data by giving that
value as the hashing key and as the last encryption key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet, MultiFernet

from channels.extension import Extension

if TYPE_CHECKING:
    from channels.config.settings import Settings


def _derive(secret: str, purpose: str) -> bytes:
    return hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).digest()


def fernet_for(secret: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(secret, "encryption-key")))


class Privacy:
    def __init__(
        self,
        secret_key: str = "",
        *,
        hash_key: str = "",
        encryption_keys: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Keys from their own secrets, or (when not given) from ``secret_key``."""
        self._hash_key = _derive(hash_key or secret_key, "conversation-key")
        keys = list(encryption_keys) or [("derived", secret_key)]
        if not all(secret for _, secret in keys):
            raise ValueError("an encryption key needs a secret")
        self.encryption_key_ids = tuple(key_id for key_id, _ in keys)
        self._fernet = MultiFernet([fernet_for(secret) for _, secret in keys])

    @classmethod
    def from_settings(cls, settings: Settings) -> Privacy:
        return cls(
            settings.secret_key,
            hash_key=settings.hash_key,
            encryption_keys=settings.encryption_keys,
        )

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

    def reencrypt(self, token: bytes) -> bytes:
        """The same plaintext under the current key (from any of the configured keys)."""
        return self._fernet.rotate(token)


PRIVACY: Extension[Privacy] = Extension("privacy")


def normalise_address(address: str) -> str:
    """ "+1 (713) 555-0142" and "+17135550142" are the same person."""
    address = address.strip()
    digits = re.sub(r"\D", "", address)
    return f"+{digits}" if digits else address.lower()
