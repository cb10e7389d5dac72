"""Custody alerts (the notification exchange): sign-ups and their verified contacts
(``registrations``), custody events fanned out to one notification per registration and sent
(``notifications``), and the custody look-up (``custody``)."""
