"""A local spool for inbound messages the database could not take.

When the database itself is down, a webhook cannot store the text it was sent, and Twilio does
not retry an SMS webhook: the message would be lost. The catch-all answer writes it here
instead (already encrypted, one file per message, written atomically), and the follow-up sweep
moves it into the database once it is back, as a message still to be answered.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from channels.extension import Extension
from channels.storage.messages import DuplicateMessage, InboundMessage, MessageStore, Status

log = logging.getLogger(__name__)

SPOOLED_ERROR = "spooled while the database was down"


class Spool:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def keep(self, message: InboundMessage) -> Path:
        """Writes the message to its own file (temporary name, then renamed: a reader never
        sees half a message)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        record = {
            key: base64.b64encode(value).decode() if isinstance(value, bytes) else value
            for key, value in asdict(message).items()
        }
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".partial")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(record, file)
            file.flush()
            os.fsync(file.fileno())
        final = Path(temporary).with_suffix(".json")
        os.replace(temporary, final)
        return final

    def replay_into(self, store: MessageStore) -> int:
        """Moves every spooled message into the database as ``unanswered`` (a duplicate of a
        stored one is dropped); returns how many were moved. A message stays spooled while the
        database still refuses it."""
        moved = 0
        for path, message in self._spooled():
            try:
                inbound_id = store.record_inbound(message).inbound_id
            except DuplicateMessage:
                path.unlink()
                continue
            store.record_reply(
                inbound_id=inbound_id,
                body_encrypted=None,
                inbound_status=Status.UNANSWERED,
                error=SPOOLED_ERROR,
            )
            path.unlink()
            moved += 1
        return moved

    def _spooled(self) -> Iterator[tuple[Path, InboundMessage]]:
        if not self.directory.is_dir():
            return
        for path in sorted(self.directory.glob("*.json"), key=lambda p: p.stat().st_mtime):
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
                for key in ("address_encrypted", "body_encrypted"):
                    record[key] = base64.b64decode(record[key])
                record["address_keys"] = tuple(record.get("address_keys", ()))
                yield path, InboundMessage(**record)
            except (ValueError, TypeError, KeyError):
                log.error("unreadable spool file %s left in place", path.name)


@dataclass(frozen=True)
class SpoolReplay:
    """The sweep of one gateway host's spool, where another process follows the texts up (with
    RQ, the worker's sweep does the rest; the spool is on this host's disk)."""

    spool: Spool
    store: MessageStore

    def sweep(self) -> None:
        self.spool.replay_into(self.store)


SPOOL: Extension[Spool] = Extension("spool")
