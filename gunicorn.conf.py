"""gunicorn's settings for the gateway: ``gunicorn -c gunicorn.conf.py 'channels:create_app()'``.

Threads, not processes, carry the concurrency: a webhook mostly waits on the assistant (up to
``HOTLINE_RASA_TIMEOUT``), so one worker process holds many turns in flight at little memory;
several worker processes add CPU and survive one another's crash. Command-line flags override
these (``scripts/stack.py`` picks free ports for tests).
"""

import os

bind = os.environ.get("HOTLINE_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("HOTLINE_GATEWAY_WORKERS", "2"))
worker_class = "gthread"
# channels/assistant/client.py keeps 8 of them free of Rasa turns, for the action server's calls
# back into the gateway during a turn.
threads = int(os.environ.get("HOTLINE_GATEWAY_THREADS", "64"))
# Twilio gives a webhook 15 s; a worker stuck for twice that is restarted.
timeout = 30
graceful_timeout = 10
keepalive = 5
# A reverse proxy in front terminates TLS; only its address may set X-Forwarded-*.
forwarded_allow_ips = os.environ.get("HOTLINE_FORWARDED_ALLOW_IPS", "127.0.0.1")
# No access log: webhook URLs carry no personal data, but nothing is gained by a log per text.
accesslog = None
errorlog = "-"
# gunicorn 25+ opens a control socket by default ($HOME/.gunicorn/gunicorn.ctl): whoever reaches
# it can stop the gateway or change its workers, and every gunicorn of this user on one host
# would share that one path. Nothing here uses it.
control_socket_disable = True
# Bounded requests: Twilio's forms and the JSON APIs are small (SMS bodies are 1,600 chars).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Metrics from every worker process (prometheus-client's multiprocess mode): each writes its
# values to files in this directory and /metrics adds them up. A fresh directory per start,
# unless the deployment gives one (it must be emptied before the gateway starts).
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    import tempfile

    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="hotline-metrics-")


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    """A worker that exits stops counting in the live gauges."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
