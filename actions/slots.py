"""The name of every slot the actions read or set, in one place.

Each constant is its slot's name in upper case. The slots are declared in ``bot/domain/*.yml``
and steer the rules and stories, so a name changes there too (tests/actions/test_slots.py checks
that the two lists agree). Rasa's own ``requested_slot`` is ``rasa_sdk.forms.REQUESTED_SLOT``.
"""

from __future__ import annotations

# The conversation (session.yml).
LANGUAGE = "language"  # the conversation's language, "en" or "es"
PENDING_INTENT = "pending_intent"  # the guess "Did you mean ...?" asks about (fallback.py)

# Local help (local_help.yml).
HELP_LOCATION = "help_location"

# A specialist's callback (handoff.yml).
CALLBACK_OFFERED = "callback_offered"
CALLBACK_WINDOW = "callback_window"
CALLBACK_VOICEMAIL_OK = "callback_voicemail_ok"

# Signing up for alerts (registration.yml): registration_form's answers ...
REG_RELATIONSHIP = "reg_relationship"
REG_TERMS = "reg_terms"
REG_OFFENDER_NAME = "reg_offender_name"
REG_A_NUMBER = "reg_a_number"
REG_BIRTH_DATE = "reg_birth_date"
REG_COUNTRY = "reg_country"
REG_CHANNEL = "reg_channel"
REG_CONTACT = "reg_contact"
REG_VOICEMAIL_OK = "reg_voicemail_ok"
REG_DISCREET = "reg_discreet"
REG_LANGUAGE = "reg_language"  # the alerts' language, not the conversation's
REG_PIN = "reg_pin"
REG_CONFIRMED = "reg_confirmed"
# ... verification_form's code, the registration the code is for (set: the rules start
# verification_form), and the state every guided form keeps (actions/forms.py).
REG_CODE = "reg_code"
REG_REGISTRATION_ID = "reg_registration_id"
REG_FAILURES = "reg_failures"
REG_OUTCOME = "reg_outcome"
REG_PROMPTED = "reg_prompted"

# The custody look-up (custody.yml); it fills the registration's offender slots.
CUSTODY_OFFER = "custody_offer"  # "Want to be told if this changes?" was just asked
CUSTODY_SEVERAL = "custody_several"  # several records matched once already

# Stopping alerts and changing their contact (lifecycle.yml).
LC_REGISTRATIONS = "lc_registrations"
LC_CHOICE = "lc_choice"
LC_CONFIRM = "lc_confirm"
LC_CHANNEL = "lc_channel"
LC_VALUE = "lc_value"
LC_FAILURES = "lc_failures"
