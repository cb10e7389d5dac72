"""Custody-notification registrations: create, verify the contact, withdraw, change contact, expire.

A registration says "tell this contact, in this language, when this offender's custody changes".
It becomes active only after a one-time code sent to the contact is entered in the conversation.

Personal fields (the offender's name, A-number and birth date; the contact) are stored encrypted.
Matching a custody event to registrations must not decrypt every row, so each registration also
keeps keyed hashes (HMAC under the secret key) of the offender's A-number and of name + birth
date + country, and of the contact (for rate limits and for STOP).
"""
