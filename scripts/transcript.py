"""Text whole conversations through the signed SMS webhook and print the transcript, for review.

    python -m scripts.transcript docs/review-conversations.txt

Starts its own stack (ports 5400/5405/5455, a throwaway database). The file holds conversations
separated by blank lines, one message per line; each conversation texts from a new number.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from scripts.stack import Ports, Stack


def conversations(text: str) -> list[list[str]]:
    blocks = [block.strip() for block in text.split("\n\n")]
    return [
        [line.strip() for line in block.splitlines() if line.strip()] for block in blocks if block
    ]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    stack = Stack.throwaway(Ports.free(), Path(tempfile.mkdtemp(prefix="hotline-transcript-")))
    count = 0
    with stack:
        for number, messages in enumerate(conversations(Path(argv[0]).read_text()), start=1):
            phone = stack.phone()
            print(f"\n=== conversation {number}")
            for message in messages:
                count += 1
                replies = phone.text(message)
                reply = "\n".join(replies) or "(no reply)"
                print(
                    f"> {message}\n  " + reply.replace("\n", "\n  ") + f"\n  [{len(reply)} chars]"
                )
    print(f"\n{count} messages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
