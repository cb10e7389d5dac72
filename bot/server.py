"""Run the Rasa server with the hotline's two runtime fixes: ``python -m bot.server run ...``.

1. Rasa 3.6 checks every custom action's response with ``jsonschema.validate()``, which first
   re-validates Rasa's own response schema against the JSON-Schema metaschema, on every call.
   Profiled under py-spy here, that re-check was 85% of a conversation turn's CPU (two custom
   actions run per turn: slot extraction and form validation). The replacement below makes the
   same check against the same schema, with the same error, using a validator built once.
2. Once the model is loaded, its millions of objects (TensorFlow, spaCy, the graph) live as long
   as the process, yet every full garbage collection walked them all: measured with a
   ``gc.callbacks`` timer under 10 concurrent conversations, 8 pauses of 290-550 ms in two
   minutes, during which the single event loop answered nobody (every turn in flight waited).
   ``gc.freeze()`` after loading moves them out of the collector's sight; later objects are
   collected as before.
Everything else is Rasa's own command line, unchanged.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Awaitable, Callable
from functools import lru_cache, wraps
from typing import Any

import rasa.core.run
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def action_response_validator() -> Validator:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)  # once, not per response
    return validator_class(schema)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """``RemoteAction._validate_action_result``, with the validator built once."""
    error = best_match(action_response_validator().iter_errors(result))
    if error is not None:
        error.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def freeze_after_loading(load: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """Wraps Rasa's model loading so that the loaded objects are frozen out of the GC."""

    @wraps(load)
    async def load_then_freeze(*args: Any, **kwargs: Any) -> Any:
        loaded = await load(*args, **kwargs)
        gc.collect()
        gc.freeze()
        return loaded

    return load_then_freeze


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result
    rasa.core.run.load_agent_on_start = freeze_after_loading(rasa.core.run.load_agent_on_start)


def main(argv: list[str]) -> None:
    install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *argv]
    rasa_main()


if __name__ == "__main__":
    main(sys.argv[1:])
