"""The registry of table modules: it names every module that defines a table, and nothing else,
so that the migrations (and autogenerate) see the whole schema."""

from __future__ import annotations

import importlib
import pkgutil

import channels
from channels.storage.database import Base
from channels.storage.models import TABLE_MODULES, all_models


def _every_gateway_module() -> None:
    for module in pkgutil.walk_packages(channels.__path__, "channels."):
        if ".migrations" not in module.name and module.name != "channels.console_users":
            importlib.import_module(module.name)


def test_the_registry_names_every_module_that_defines_a_table() -> None:
    _every_gateway_module()
    defining = {mapper.class_.__module__ for mapper in Base.registry.mappers}
    assert defining == set(TABLE_MODULES)


def test_all_models_loads_the_whole_schema() -> None:
    all_models()
    tables = set(Base.metadata.tables)
    assert {"conversations", "messages", "registrations", "handoffs", "voice_calls"} <= tables
    assert len(TABLE_MODULES) == len(set(TABLE_MODULES))
