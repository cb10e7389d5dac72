"""Storage: the database (``database``), conversations and their messages (``messages``), keyed
hashes and encryption of personal data (``privacy``), the list of every module that defines
tables (``models``) and the schema's migrations (``migrations``)."""
