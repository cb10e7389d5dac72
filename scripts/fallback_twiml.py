"""``python -m scripts.fallback_twiml`` (``make fallback-twiml``): the two TwiML documents Twilio
answers with from its Fallback URLs, when the gateway itself cannot answer.

* ``sms-fallback.xml``: 911 and the specialists' number, in English and Spanish.
* ``voice-fallback.xml``: the same apology in both voices, then the specialists' line.

They are static on purpose: host them apart from the gateway (a TwiML Bin, or any static site),
and set them as the number's (or Messaging Service's) SMS and voice Fallback URLs. Written from
this deployment's settings (``HOTLINE_SPECIALIST_PHONE``, ``HOTLINE_SPECIALIST_LINE``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from channels.config.settings import Settings, settings_for_command
from channels.texts import calls as said
from channels.texts import sms as replies
from channels.twilio import twiml


def documents(settings: Settings) -> dict[str, str]:
    english, spanish = (said.prompt(language, "technical_problem") for language in ("en", "es"))
    return {
        "sms-fallback.xml": twiml.sms_reply(replies.hotline_unreachable(settings.specialist_phone)),
        "voice-fallback.xml": twiml.apologise_and_dial(english, spanish, settings.transfer_number),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.fallback_twiml", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("var/twilio-fallback"))
    args = parser.parse_args(argv)
    settings = settings_for_command("fallback-twiml")
    if settings is None:
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for name, document in documents(settings).items():
        (args.out / name).write_text(document, encoding="utf-8")
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
