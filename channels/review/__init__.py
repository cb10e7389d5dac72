"""The review inbox: turns the assistant may have misunderstood, kept de-identified for the
maintainers to label (``models``: the table; ``service``: recording, flagging, labelling;
``intents``: the domain's intents a label may name)."""
