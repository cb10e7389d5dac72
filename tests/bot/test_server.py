"""The cached action-response check accepts and refuses exactly what Rasa's own check does;
the loaded model is frozen out of the garbage collector; PUT /model loads only the project's
model files, in a thread."""

import gc

import pytest
import rasa.server
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.server import ErrorResponse

from bot import server
from bot.server import freeze_after_loading, validate_action_result

ORIGINAL = RemoteAction._validate_action_result

RESPONSES = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "language", "value": "es"}], "responses": []},
    {"events": [], "responses": [{"response": "utter_greet", "template": "utter_greet"}]},
    {},
    {"events": "not a list"},
    {"events": [{"no_event_key": 1}]},
    {"responses": "nope"},
]


@pytest.mark.parametrize("response", RESPONSES)
def test_same_verdict_and_message_as_rasa(response):
    action = RemoteAction("action_x", None)
    outcomes = []
    for check in (ORIGINAL, validate_action_result):
        try:
            outcomes.append(("valid", check(action, response)))
        except ValidationError as error:
            outcomes.append(("invalid", error.message))
    assert outcomes[0] == outcomes[1]


async def test_the_loaded_model_is_frozen_out_of_the_garbage_collector():
    async def load(*args: object) -> str:
        return "agent"

    gc.unfreeze()
    try:
        assert await freeze_after_loading(load)("model", "endpoints") == "agent"
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


@pytest.fixture
def model_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(server, "MODEL_DIR", tmp_path)
    (tmp_path / "hotline-20261205-abc.tar.gz").write_bytes(b"model")
    (tmp_path / "notes.txt").write_text("not a model")
    return tmp_path


def test_a_model_file_in_the_model_directory_is_accepted(model_dir):
    path = model_dir / "hotline-20261205-abc.tar.gz"
    assert server.project_model(str(path), None, None) == path.resolve()


@pytest.mark.parametrize(
    ("model_path", "model_server", "remote_storage"),
    [
        (None, None, None),
        ("", None, None),
        ("/etc/passwd", None, None),
        ("{dir}/../outside.tar.gz", None, None),
        ("{dir}/notes.txt", None, None),
        ("{dir}/missing.tar.gz", None, None),
        ("{dir}/hotline-20261205-abc.tar.gz", {"url": "http://attacker.example/model"}, None),
        ("{dir}/hotline-20261205-abc.tar.gz", None, "aws"),
    ],
)
def test_anything_else_is_refused_with_a_400(model_dir, model_path, model_server, remote_storage):
    if model_path:
        model_path = model_path.format(dir=model_dir)
    with pytest.raises(ErrorResponse) as refused:
        server.project_model(model_path, model_server, remote_storage)
    assert refused.value.status == 400


def test_put_model_goes_through_the_threaded_loader():
    server.install()
    assert rasa.server._load_agent is server.load_agent_in_a_thread


async def test_a_model_that_fails_to_load_is_a_500_and_the_old_agent_stays(model_dir):
    with pytest.raises(ErrorResponse) as failed:  # b"model" is no model archive
        await server.load_agent_in_a_thread(str(model_dir / "hotline-20261205-abc.tar.gz"))
    assert failed.value.status == 500
