"""Configuration, read once at start: the settings from the environment (``settings``) and the
business hours they name (``hours``: when specialists staff the hotline)."""
