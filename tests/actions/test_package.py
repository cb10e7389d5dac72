"""The actions package as the action server loads it (``python -m rasa_sdk --actions actions``):
every action the domain declares is found, each once, and importing opens nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from tests.actions.conftest import DOMAIN, ROOT


def _run(script: str) -> str:
    """Runs ``script`` in a fresh interpreter: the actions imported for the first time, and no
    Action subclass a test defines in sight."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_action_server_finds_every_action_of_the_domain_and_no_other():
    found = _run(
        """
        import json
        from rasa_sdk.executor import ActionExecutor

        executor = ActionExecutor()
        executor.register_package("actions")
        print(json.dumps(sorted(executor.actions)))
        """
    )
    assert set(json.loads(found)) == set(DOMAIN["actions"])


def test_importing_the_actions_opens_no_socket_and_reads_no_file_of_data():
    _run(
        """
        import builtins, importlib, pkgutil, socket

        def refuse(*args, **kwargs):
            raise AssertionError("a socket was opened at import")

        socket.socket.connect = refuse
        socket.create_connection = refuse
        opened = []
        real_open = builtins.open
        def watch(file, *args, **kwargs):
            opened.append(str(file))
            return real_open(file, *args, **kwargs)
        builtins.open = watch

        import actions
        for module in pkgutil.iter_modules(actions.__path__):
            importlib.import_module(f"actions.{module.name}")
        data = [name for name in opened if "/data/" in name or name.endswith((".yml", ".yaml"))]
        assert not data, data
        """
    )
