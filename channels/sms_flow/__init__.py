"""A text conversation: what each inbound SMS gets (``answer``)."""
