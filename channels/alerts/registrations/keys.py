"""Who is who without decrypting: keyed hashes of the offender (to match custody events to
registrations), and the caller IDs that are no number to reach."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from channels.outbound.message import Channel
from channels.storage.privacy import Privacy, normalise_address
from formats.text import strip_accents

# What Twilio puts in From when a caller hides their number: anonymous, restricted, blocked,
# unknown, unavailable.
HIDDEN_CALLER_IDS = frozenset({"+266696687", "+7378742833", "+2562533", "+8656696", "+86282452253"})


def fold_name(name: str) -> str:
    """Accents, case and punctuation do not make a different person."""
    stripped = strip_accents(name)
    return " ".join("".join(ch if ch.isalnum() else " " for ch in stripped.casefold()).split())


class OffenderKeys:
    """Keyed hashes that match custody events to registrations without decrypting them."""

    def __init__(self, privacy: Privacy) -> None:
        self.privacy = privacy

    def a_number(self, a_number: str | None) -> str | None:
        """What is stored: the key under the current hashing key (None without an A-number)."""
        return next(iter(self.a_numbers(a_number)), None)

    def identity(self, name: str, birth_date: date | None, country: str | None) -> str | None:
        return next(iter(self.identities(name, birth_date, country)), None)

    def a_numbers(self, a_number: str | None) -> tuple[str, ...]:
        """What a match looks for: the key under every hashing key, the current one first."""
        return self.privacy.keyed_all("a-number", a_number) if a_number else ()

    def identities(
        self, name: str, birth_date: date | None, country: str | None
    ) -> tuple[str, ...]:
        """Name, date of birth and country together, when all three are known."""
        if not (name and birth_date and country):
            return ()
        folded = f"{fold_name(name)}|{birth_date.isoformat()}|{country}"
        return self.privacy.keyed_all("identity", folded)


def contact_keys(privacy: Privacy, channel: str, value: str) -> tuple[str, ...]:
    """A contact's keyed hashes under every hashing key, the current one first. A phone's are
    its texts' (``Privacy.conversation_keys``): replies and STOP find its registrations."""
    if channel == Channel.EMAIL.value:
        return privacy.keyed_all("email", value.casefold())
    return privacy.conversation_keys(value)


def offender_in(details: Mapping[str, Any]) -> tuple[str | None, str, date | None, str | None]:
    """A custody event's offender as its stored details give it: A-number, name, date of birth
    and country (events stored before the details held them give the name only)."""
    birth_date = details.get("birth_date")
    return (
        details.get("a_number") or None,
        details.get("name") or "",
        date.fromisoformat(birth_date) if birth_date else None,
        details.get("country") or None,
    )


def is_hidden_number(address: str) -> bool:
    """A caller ID that is no phone number to reach: "anonymous", Twilio's stand-ins."""
    number = normalise_address(address)
    digits = number.removeprefix("+")
    return not digits.isdigit() or len(digits) < 7 or number in HIDDEN_CALLER_IDS
