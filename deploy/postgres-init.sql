-- Run once by the postgres image on an empty data directory (deploy/compose.yml): Rasa's
-- conversations (HOTLINE_TRACKER_STORE_URL) in their own database, beside the gateway's.
CREATE DATABASE rasa OWNER hotline;
