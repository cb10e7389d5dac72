"""Reading the assistant's YAML (domain, NLU data) for content tests, without Rasa."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from scripts.nlu_data import by_intent_and_language

ROOT = Path(__file__).resolve().parent.parent.parent
CANONICAL_INTENTS = {
    "greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "emergency", "request_human",
    "ask_about_office", "ask_services", "find_local_help", "ask_vine", "register_notifications",
    "check_custody_status", "ask_removal_process", "ask_immigration_status", "ask_privacy",
    "report_victimization", "report_tip", "unsubscribe", "update_contact", "change_language",
    "inform", "out_of_scope", "report_threat",
}  # fmt: skip


def domain() -> dict[str, Any]:
    """The domain files merged the way Rasa merges a domain directory."""
    merged: dict[str, Any] = {"intents": [], "responses": {}, "slots": {}, "actions": []}
    for path in sorted((ROOT / "bot" / "domain").glob("*.yml")):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        merged["intents"] += part.get("intents", [])
        merged["actions"] += part.get("actions", [])
        merged["responses"].update(part.get("responses", {}))
        merged["slots"].update(part.get("slots", {}))
    return merged


def examples(folder: str) -> dict[tuple[str, str], list[str]]:
    """(intent, language) -> example texts, entity markup removed, from every file in folder."""
    return by_intent_and_language(ROOT / folder)
