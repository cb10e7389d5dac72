"""Run the Rasa server with the hotline's one runtime fix: ``python -m bot.server run ...``.

Rasa 3.6 checks every custom action's response with ``jsonschema.validate()``, which first
re-validates Rasa's own response schema against the JSON-Schema metaschema, on every call.
Profiled under py-spy here, that re-check was 85% of a conversation turn's CPU (two custom
actions run per turn: slot extraction and form validation). The replacement below makes the same
check against the same schema, with the same error, using a validator built once per process.
Everything else is Rasa's own command line, unchanged.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import Any

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


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result


def main(argv: list[str]) -> None:
    install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *argv]
    rasa_main()


if __name__ == "__main__":
    main(sys.argv[1:])
