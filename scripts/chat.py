"""``make chat``: text the running hotline from the terminal, through the signed SMS webhook.

Each line you type is sent as one SMS from a made-up number, signed like Twilio with the local
auth token; the hotline's answer is printed. Ctrl-D or Ctrl-C ends.
"""

from __future__ import annotations

import argparse
import sys

import requests

from channels.twilio.fake_phone import FakePhone, random_number
from scripts import envfile


def main(argv: list[str]) -> int:
    env = envfile.load()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gateway", default="http://127.0.0.1:5000", help="gateway base URL")
    parser.add_argument("--from-number", default=random_number())
    args = parser.parse_args(argv)
    if not env.get("TWILIO_AUTH_TOKEN"):
        print("no TWILIO_AUTH_TOKEN in .env: run `make env` first", file=sys.stderr)
        return 2
    phone = FakePhone(
        gateway_url=args.gateway,
        public_url=env.get("HOTLINE_PUBLIC_URL", args.gateway),
        auth_token=env["TWILIO_AUTH_TOKEN"],
        from_number=args.from_number,
    )
    print(f"Texting {args.gateway}/twilio/sms as {args.from_number}. Type a message; Ctrl-D ends.")
    while True:
        try:
            line = input("you> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not line.strip():
            continue
        try:
            replies = phone.text(line)
        except requests.RequestException as error:
            print(
                f"(could not reach the hotline: {error}. Is `make run` running?)", file=sys.stderr
            )
            continue
        for reply in replies or ["(no reply)"]:
            print("hotline> " + reply.replace("\n", "\n         "))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
