"""The languages the hotline speaks: the one list every part of the gateway checks against."""

from __future__ import annotations

LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"
# How the specialists (who work in English) see and hear each language named.
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}


def supported(language: str | None) -> str:
    """``language`` if the hotline speaks it, else the default (English)."""
    return language if language is not None and language in LANGUAGES else DEFAULT_LANGUAGE
