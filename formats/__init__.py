"""Shared value parsers for what victims tell the hotline, in English or Spanish, by SMS (free
text) or speech-to-text (digits often arrive as words): A-numbers, dates, phone numbers, e-mail
addresses, PINs, yes/no, menu choices, countries and names. The Rasa form validators and the
gateway API both use ``formats.values`` so that one answer means the same thing everywhere; the
functions are pure (no I/O, no Rasa) and return the normalised value or ``None``.
"""
