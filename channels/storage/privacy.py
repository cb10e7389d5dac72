"""Keeping personal data private: keyed hashes for identity, encryption for what is stored.

* A phone number never appears in a log, a URL or Rasa's tracker. Conversations are found by an
  HMAC of the number under the hashing keys (``HOTLINE_HASH_KEYS``, ``id:secret`` pairs, the
  first current): stable, but useless without the keys. Look-ups try every configured key, so a
  new key can go first while stored values are still under the old one; ``python -m
  channels.storage.rotate`` then re-computes every stored hash under the current key, after
  which the old key can go. A conversation's id is fixed when it starts and never re-keyed: Rasa,
  handoffs and registrations keep pointing at it.
* Message bodies and phone numbers are stored encrypted (Fernet: AES-128-CBC + HMAC-SHA256)
  under the encryption keys (``HOTLINE_ENCRYPTION_KEYS``, ``id:secret`` pairs, the first one
  current): values written under an older key still read, and ``python -m
  channels.storage.rotate`` re-encrypts everything under the current one, after which the old
  key can go.

Each key is derived from its secret and its purpose, so a deployment that had only
``HOTLINE_SECRET_KEY`` (from which all keys used to be derived) keeps its data by giving that
value as the last hashing key and the last encryption key.
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


def _hmac(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def fernet_for(secret: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(secret, "encryption-key")))


class Privacy:
    def __init__(
        self,
        secret_key: str = "",
        *,
        hash_keys: Sequence[tuple[str, str]] = (),
        encryption_keys: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Keys from their own secrets, or (when not given) from ``secret_key``."""
        hashing = _keyring(hash_keys, secret_key)
        self.hash_key_ids = tuple(key_id for key_id, _ in hashing)
        self._hash_keys = tuple(_derive(secret, "conversation-key") for _, secret in hashing)
        encryption = _keyring(encryption_keys, secret_key)
        self.encryption_key_ids = tuple(key_id for key_id, _ in encryption)
        self._fernet = MultiFernet([fernet_for(secret) for _, secret in encryption])

    @classmethod
    def from_settings(cls, settings: Settings) -> Privacy:
        return cls(
            settings.secret_key,
            hash_keys=settings.hash_keys,
            encryption_keys=settings.encryption_keys,
        )

    def conversation_key(self, address: str) -> str:
        """The pseudonym of ``address`` (a phone number) under the current hashing key: what is
        stored, and the id of a conversation that starts now."""
        return self.conversation_keys(address)[0]

    def conversation_keys(self, address: str) -> tuple[str, ...]:
        """Its pseudonym under every configured hashing key, the current one first: what a
        look-up matches, since stored values may still be under an older key."""
        number = normalise_address(address).encode()
        return tuple(_hmac(key, number)[:32] for key in self._hash_keys)

    def keyed(self, purpose: str, value: str) -> str:
        """A stable pseudonym of ``value`` for look-ups (e-mail contacts, offender identities),
        under the current hashing key."""
        return self.keyed_all(purpose, value)[0]

    def keyed_all(self, purpose: str, value: str) -> tuple[str, ...]:
        """``keyed`` under every configured hashing key, the current one first."""
        message = f"{purpose}\x00{value}".encode()
        return tuple(_hmac(key, message) for key in self._hash_keys)

    def encrypt(self, text: str) -> bytes:
        return self._fernet.encrypt(text.encode("utf-8"))

    def decrypt(self, token: bytes) -> str:
        return self._fernet.decrypt(token).decode("utf-8")

    def reencrypt(self, token: bytes) -> bytes:
        """The same plaintext under the current key (from any of the configured keys)."""
        return self._fernet.rotate(token)


PRIVACY: Extension[Privacy] = Extension("privacy")


def _keyring(keys: Sequence[tuple[str, str]], secret_key: str) -> list[tuple[str, str]]:
    """The configured ``(id, secret)`` pairs, or one derived from ``secret_key``."""
    ring = list(keys) or [("derived", secret_key)]
    if not all(secret for _, secret in ring):
        raise ValueError("a key needs a secret")
    return ring


def normalise_address(address: str) -> str:
    """ "+1 (713) 555-0142" and "+17135550142" are the same person."""
    address = address.strip()
    digits = re.sub(r"\D", "", address)
    return f"+{digits}" if digits else address.lower()
