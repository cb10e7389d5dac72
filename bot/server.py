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
3. ``PUT /model`` (a new model, live, without a restart: ``make retrain``) loads the model in a
   thread and answers one message with it before it takes over, instead of Rasa's loading on the
   event loop: there the server answered nobody for the whole load (seconds), and the first
   person after the swap waited for TensorFlow's first inference. Conversations keep being
   answered by the old model until the new one is whole, then by the new one; the swap is one
   assignment. Only a model file in the project's model directory is accepted: loading a model
   runs code from it (CVE-2024-49375), so no URL, remote storage or other path.
Everything else is Rasa's own command line, unchanged.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from functools import lru_cache, wraps
from http import HTTPStatus
from pathlib import Path
from typing import Any

import rasa.core.agent
import rasa.core.run
import rasa.server
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.utils import AvailableEndpoints
from rasa.shared.constants import DOCS_BASE_URL

from bot.rasa_cli import run_rasa

logger = logging.getLogger(__name__)
# The model files PUT /model may load: the project's models/ (HOTLINE_MODEL_DIR overrides it).
MODEL_DIR = Path(
    os.environ.get("HOTLINE_MODEL_DIR", Path(__file__).resolve().parent.parent / "models")
)
WARM_UP_MESSAGE = "hello"
# How long after a swap the previous model's objects are collected: after the handler has
# replaced the agent and answered.
COLLECT_PREVIOUS_AFTER_SECONDS = 1.0


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


def project_model(model_path: str | None, model_server: Any, remote_storage: str | None) -> Path:
    """The model file a ``PUT /model`` names, if it is one of the project's; else a 400."""
    if model_server or remote_storage or not model_path:
        raise _bad_model_request("only a model file in the model directory can be loaded")
    path = Path(model_path)
    path = (path if path.is_absolute() else Path.cwd() / path).resolve()
    if not path.is_relative_to(MODEL_DIR.resolve()) or not path.name.endswith(".tar.gz"):
        raise _bad_model_request(f"not a model file in {MODEL_DIR}")
    if not path.is_file():
        raise _bad_model_request(f"no model file {path.name}")
    return path


def _bad_model_request(message: str) -> rasa.server.ErrorResponse:
    return rasa.server.ErrorResponse(
        HTTPStatus.BAD_REQUEST, "BadRequest", message, {"parameter": "model_file", "in": "body"}
    )


async def load_agent_in_a_thread(
    model_path: str | None = None,
    model_server: Any = None,
    remote_storage: str | None = None,
    endpoints: AvailableEndpoints | None = None,
) -> Agent:
    """Replaces ``rasa.server._load_agent`` (what ``PUT /model`` awaits before swapping agents)."""
    path = project_model(model_path, model_server, remote_storage)
    try:
        agent = await asyncio.to_thread(_load_and_warm_up, path, endpoints)
    except Exception as error:
        logger.exception("loading %s failed", path.name)
        raise rasa.server.ErrorResponse(
            HTTPStatus.INTERNAL_SERVER_ERROR, "LoadingError", f"{path.name}: {error}"
        ) from error
    asyncio.get_running_loop().call_later(COLLECT_PREVIOUS_AFTER_SECONDS, refreeze)
    logger.info("model %s loaded and warmed up; it answers from now on", path.name)
    return agent


def _load_and_warm_up(path: Path, endpoints: AvailableEndpoints | None) -> Agent:
    """In a worker thread, on an event loop of its own: load, check, answer one message."""

    async def load() -> Agent:
        agent = await rasa.core.agent.load_agent(model_path=str(path), endpoints=endpoints)
        if not agent.is_ready():
            raise RuntimeError("the model did not load")
        await agent.parse_message(WARM_UP_MESSAGE)
        return agent

    return asyncio.run(load())


def refreeze() -> None:
    """The replaced model was frozen out of the collector's sight at load: let the collector see
    everything once, so the old model's cycles are freed, then freeze what is live again."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result
    rasa.server._load_agent = load_agent_in_a_thread
    rasa.core.run.load_agent_on_start = freeze_after_loading(rasa.core.run.load_agent_on_start)


def main(argv: list[str]) -> None:
    run_rasa(argv, install)


if __name__ == "__main__":
    main(sys.argv[1:])
