"""Outbound webhooks: handoff events POSTed, signed, to the configured URLs, retried, logged.

Each event goes to every configured URL (a ticketing system, a chat workspace) as one JSON
request::

    POST <url>
    Content-Type: application/json
    User-Agent: voice-hotline-webhooks/1
    X-Hotline-Event: handoff.created
    X-Hotline-Delivery: <delivery id>          (one per URL; the same on every retry)
    X-Hotline-Signature: t=1796047200,v1=<64 lowercase hex digits>

    {"id": "<event id, uuid hex>", "event": "handoff.created", "created_at": "<ISO 8601>",
     "data": {...}}

The event ``id`` is the same for every URL and every retry: receivers deduplicate on it.

Verifying a request (Stripe's scheme; ``signatures.verify`` does exactly this):

1. Split the ``X-Hotline-Signature`` header on ``,`` into ``key=value`` pairs; ``t`` is the
   time of signing in Unix seconds, each ``v1`` a signature (more than one may come while the
   secret is being rotated).
2. Compute ``HMAC-SHA256(secret, f"{t}.".encode() + raw_body)`` as lowercase hex, over the
   body's exact bytes as received (never re-serialised JSON).
3. Accept only if a ``v1`` equals it, compared in constant time (``hmac.compare_digest``), and
   ``t`` is within the replay window of the receiver's clock (300 s by default), in either
   direction. Every attempt is signed afresh with the time it is sent, so a retry an hour
   later still verifies while a captured request replayed later does not.

Answering 2xx acknowledges a delivery. 410 Gone stops deliveries of that event to that URL at
once. Anything else, a network error or no answer within the timeout is retried 1, 2, 4, 8 and
16 minutes later (``max_attempts`` in all), then the delivery is marked failed.

Every delivery is a ``webhook_deliveries`` row: its attempts, status, last response code and
last error (the exception's type or "HTTP 500", never a response or exception text), and the
exact JSON sent. That body holds no personal data by contract: callers pass only non-personal
fields (ids, channel, language, reason, priority, status, times; ``HandoffView.to_json(
personal=False)``), so it can be stored in clear and re-sent. Logs name deliveries by id and
never hold a body or a URL (chat workspaces put their secret in the URL's path).

Concurrency follows the notification exchange: the row is the source of truth and the queue
only runs ``job_deliver``. An attempt is claimed with a conditional UPDATE that bumps
``attempts`` and moves ``next_attempt_at`` one lease ahead, so two workers never send the same
attempt, and an attempt whose worker died is due again once its lease has passed.
``sweep_due`` re-queues whatever is due, for queues that lost jobs.
"""
