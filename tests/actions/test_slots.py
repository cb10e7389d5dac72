"""actions/slots.py names every slot of the domain, each spelled as the domain spells it."""

from __future__ import annotations

import re
from pathlib import Path

from actions import slots
from tests.bot.helpers import domain

NAMES = {name: value for name, value in vars(slots).items() if re.fullmatch(r"[A-Z_]+", name)}


def test_each_constant_is_its_slot_s_name_in_upper_case():
    assert NAMES
    for name, value in NAMES.items():
        assert value == name.lower(), name


def test_the_names_and_the_domain_s_slots_are_the_same():
    assert set(NAMES.values()) == set(domain()["slots"])


def test_no_action_module_spells_a_slot_name_out():
    """Slot names are read from actions/slots.py, not written again as strings (the domain's
    ``language`` slot is also a metadata key and an entity, hence the exception)."""
    quoted = {f'"{value}"' for value in NAMES.values() if value != slots.LANGUAGE}
    for path in Path(slots.__file__).parent.glob("*.py"):
        if path.name == "slots.py":
            continue
        source = path.read_text(encoding="utf-8")
        assert not [name for name in quoted if name in source], path.name
