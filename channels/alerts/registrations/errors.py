"""What the registration operations refuse with."""

from __future__ import annotations


class RegistrationError(Exception):
    """Invalid input: ``fields`` maps each bad field to what is wrong with it."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


class NotFound(LookupError):
    """No such registration for this registrant (never says whether it exists for another)."""


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after
