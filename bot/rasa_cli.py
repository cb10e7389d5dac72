"""Rasa's own command line, run with the hotline's fixes to it in place (``bot/server.py`` for the
server, ``bot/training.py`` for training)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from rasa.telemetry import TELEMETRY_ENABLED_ENVIRONMENT_VARIABLE


def run_rasa(argv: list[str], install: Callable[[], None]) -> None:
    """``rasa <argv>`` in this process, after ``install()`` has put the fixes in place."""
    # Rasa's usage telemetry (to segment.io) is on by default: a hotline sends nothing anywhere.
    os.environ[TELEMETRY_ENABLED_ENVIRONMENT_VARIABLE] = "false"
    install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *argv]
    rasa_main()
