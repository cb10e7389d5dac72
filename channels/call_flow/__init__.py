"""A hotline call, turn by turn (the routes in ``channels.routes.voice`` only read the request
and answer with what these return).

A call goes: greeting and language menu (keys 1/2 or the language's name) -> turns: the caller's
speech or keys, stored first, go to the assistant's ``voice`` channel; its spoken answer is said
inside the next ``<Gather>``, shaped by the question it asks (``caller_input``).
Around the assistant the gateway handles: ``0`` (a specialist), ``*`` or "repeat", silence
(two reprompts, then the offer of a specialist, then goodbye), a slow assistant (a filler and a
``<Redirect>`` to ``/twilio/voice/wait``, so every webhook answers within a few seconds), and
transfers: when the assistant has handed the call over, ``<Dial>`` to the specialists' line
(whispering the reason to whoever answers) or ``<Enqueue>``; unanswered, the assistant offers a
callback. Emergencies: the assistant's first sentence says to hang up and dial 911; then the
transfer is offered, and made on yes or on silence.

Modules, each using only those before it: ``store`` (the call's row), ``caller_input`` (what
was said or keyed), ``context`` (what a webhook works with), ``asking`` (say and listen, or
hang up), ``transfer`` (to a person), ``answers`` (the assistant's answer as TwiML), ``turns``
(asking the assistant within the webhook's time), ``machine`` (the call's states).
"""
