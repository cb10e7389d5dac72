"""Handing a conversation to a person: the handoff record and its state machine (``states``,
``models``, ``view``, ``moves``, ``service``), what a specialist does to the victim's conversation
(``specialist_actions``), signed webhooks to integrations (``webhooks``), who read whose data
(``audit``), and the console's users (``users``). When specialists are staffed is configuration
(``channels.config.hours``)."""
