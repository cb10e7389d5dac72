"""What is Twilio's: the signature every webhook must carry and the same signing for the local
fakes (``signature``), the TwiML the gateway answers with (``twiml``), the carrier keywords
(STOP, START, HELP and their Spanish; ``keywords``), and a phone that texts and calls the
gateway exactly as Twilio would (``fake_phone``: the simulator, ``make chat``, the benchmark
and the end-to-end tests)."""
