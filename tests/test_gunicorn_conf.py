"""gunicorn.conf.py: gunicorn accepts it, and it sets what the gateway relies on."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "gunicorn.conf.py"


def test_the_settings_the_gateway_relies_on():
    settings = runpy.run_path(str(CONF))
    assert settings["worker_class"] == "gthread"
    assert settings["timeout"] > 15  # Twilio's own webhook timeout comes first
    assert settings["bind"].startswith("127.0.0.1:")  # loopback unless told otherwise
    assert settings["accesslog"] is None
    assert settings["control_socket_disable"] is True  # no socket that can stop the gateway


def test_gunicorn_accepts_it_with_the_app(tmp_path):
    env = {
        **os.environ,
        "HOTLINE_ENV": "development",
        "TWILIO_AUTH_TOKEN": "t",
        "HOTLINE_SECRET_KEY": "s",
        "HOTLINE_DATABASE_URL": f"sqlite:///{tmp_path}/check.db",
        "HOTLINE_SWEEP_SECONDS": "0",
        "HOTLINE_GATEWAY_WORKERS": "3",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [str(gunicorn), "--check-config", "-c", str(CONF), "channels:create_app()"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
