"""What the gateway counts and times, for Prometheus (``GET /metrics``, ``routes/metrics.py``).

Under gunicorn each worker process counts on its own; with ``PROMETHEUS_MULTIPROC_DIR`` set
(``gunicorn.conf.py`` sets it) prometheus-client writes the values to files there and the scrape
adds every worker's up. Labels are route templates, channels and error kinds: never a phone
number, a message or anything a person typed.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0)

REQUEST_SECONDS = Histogram(
    "hotline_http_request_seconds",
    "Time to answer an HTTP request, by route template, method and status class",
    ["route", "method", "status"],
    buckets=LATENCY_BUCKETS,
)
ASSISTANT_SECONDS = Histogram(
    "hotline_assistant_seconds",
    "Time the assistant (Rasa) took for one turn, by channel",
    ["channel"],
    buckets=LATENCY_BUCKETS,
)
ASSISTANT_ERRORS = Counter(
    "hotline_assistant_errors_total",
    "Turns the assistant did not answer, by kind (ReadTimeout, ConnectionError, HTTPError...)",
    ["kind"],
)
FALLBACK_ANSWERS = Counter(
    "hotline_fallback_answers_total",
    "Messages answered by the gateway's fallback (911 and the specialists' number) because the "
    "assistant did not answer in time, by channel",
    ["channel"],
)
