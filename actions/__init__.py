"""The action server: custom actions, slot extraction and form validation (rasa-sdk).

One module per concern; nothing here opens a file, database or socket at import time.
"""
