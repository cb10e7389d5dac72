"""Everything the gateway itself says or shows, English and Spanish side by side.

The assistant's own answers are in the domain (``bot/domain``); these are the sentences the
gateway sends or says without it: keyword answers and fallbacks by SMS (``sms``), the lines of a
hotline call (``calls``), custody alerts, codes and reminders (``alerts``), business hours in
words (``hours``) and the specialist console's labels and messages (``console``, with the canned
replies in ``canned_replies.yml``). ``languages`` is the one list of languages.
"""
