"""Reading response texts from the domain, for actions that compose one response from others."""

from __future__ import annotations

from rasa_sdk.types import DomainDict


def response_text(domain: DomainDict, name: str, language: str | None) -> str:
    """The text of response ``name`` in ``language``: its variation conditioned on that language,
    else its unconditioned (English) one. Raises KeyError for an unknown response."""
    variations = domain["responses"][name]
    default = next(v["text"] for v in variations if not v.get("condition"))
    for variation in variations:
        for condition in variation.get("condition") or []:
            if condition.get("name") == "language" and condition.get("value") == language:
                return str(variation["text"])
    return str(default)
