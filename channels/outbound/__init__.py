"""The one way out: outbound SMS, voice calls and e-mail behind a single ``Sender`` interface.

Verification codes and custody notifications are sent through ``Sender.send``; which provider
carries them is configuration (``routing.sender_from_config``):

* SMS and voice go through Twilio when an account SID, auth token and phone number are set. A
  voice notification is a call whose content Twilio fetches, when answered, from a TwiML URL on
  the gateway (``Outbound.voice_url``); answering-machine detection tells that URL whether a
  person or a voicemail answered (``AnsweredBy``).
* E-mail goes through an SMTP server when one is set.
* Anything else lands in the local outbox: a table the simulator and the API show, so the whole
  flow works on a laptop without accounts.

A failed send raises ``SendFailed``; its ``retryable`` says whether the same message may succeed
later (network trouble, provider outage, rate limits, our own credentials) or never will (the
recipient's number is invalid or has unsubscribed). Its text never holds the recipient or body.

``message`` (what is sent and the interface), ``outbox``, ``twilio_api``, ``smtp``, and
``routing`` (which of them carries which channel).
"""
