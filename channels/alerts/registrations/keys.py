"""Who is who without decrypting: keyed hashes of the offender (to match custody events to
registrations), and the caller IDs that are no number to reach."""

from __future__ import annotations

from datetime import date

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
        return self.privacy.keyed("a-number", a_number) if a_number else None

    def identity(self, name: str, birth_date: date | None, country: str | None) -> str | None:
        if not (name and birth_date and country):
            return None
        return self.privacy.keyed(
            "identity", f"{fold_name(name)}|{birth_date.isoformat()}|{country}"
        )


def is_hidden_number(address: str) -> bool:
    """A caller ID that is no phone number to reach: "anonymous", Twilio's stand-ins."""
    number = normalise_address(address)
    digits = number.removeprefix("+")
    return not digits.isdigit() or len(digits) < 7 or number in HIDDEN_CALLER_IDS
