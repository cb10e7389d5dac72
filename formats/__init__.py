"""What people tell the hotline, understood the same way on both sides (the Rasa actions and the
gateway), in English or Spanish, typed by SMS or heard by speech-to-text. Pure functions: no I/O,
no Rasa, no Flask. Each parser returns the normalised value or ``None`` ("ask again").

* ``text``: accent and case folding, the one definition of "the same words"
* ``digits``: spoken digits ("two oh four"), A-numbers, PINs
* ``dates``: dates and birth dates in English or Spanish order
* ``contacts``: phone numbers and e-mail addresses, and their masked forms
* ``answers``: yes/no, channel, language and relationship answers (keypad digits too)
* ``countries``: countries by name, demonym or code, in both languages
* ``names``: full names and initials, and names inside a message (``name_words``, ``places``)
* ``deidentify``: identifying details replaced by their kind ("[NAME]", "[PHONE]", ...)
* ``danger`` / ``danger_words``: present danger recognised by rule (the emergency guard's half)
"""
