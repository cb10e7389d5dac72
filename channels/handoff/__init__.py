"""Handing a conversation to a person: the handoff record and its state machine (``models``,
``moves``, ``service``), what a specialist does to the victim's conversation
(``specialist_actions``), signed webhooks to integrations (``webhooks``), when specialists are
staffed (``hours``), who read whose data (``audit``), and the console's users (``users``)."""
