"""The Rasa client against real (local) HTTP servers: slow, failing, silent, and fine."""

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from channels.assistant.client import (
    AssistantUnavailable,
    Intent,
    RasaClient,
    as_message,
    turns_in_flight,
)


class JsonHandler(BaseHTTPRequestHandler):
    """A quiet handler that answers with JSON."""

    def answer(self, status: int, body: object) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        # The client may have given up waiting, as the timeout tests mean it to.
        with contextlib.suppress(BrokenPipeError):
            self.wfile.write(payload)

    def log_message(self, *args):
        pass


def start_server(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """A local server on a free port, serving in a background thread."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def serve(delay: float, status: int, body: object):
    class Handler(JsonHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            time.sleep(delay)
            self.answer(status, body)

    return start_server(Handler)


@pytest.fixture
def rasa_at():
    servers = []

    def start(delay=0.0, status=200, body=None):
        server = serve(delay, status, body if body is not None else [{"text": "hi"}])
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()


def test_answers_in_order(rasa_at):
    client = RasaClient(rasa_at(body=[{"text": "one"}, {"image": "x"}, {"text": "two"}]), 2.0)
    assert client.send("abc", "hello", {"channel": "sms"}) == ["one", "two"]


def test_slower_than_the_budget_is_unavailable_within_the_budget(rasa_at):
    client = RasaClient(rasa_at(delay=2.0), timeout_seconds=0.5)
    started = time.monotonic()
    with pytest.raises(AssistantUnavailable):
        client.send("abc", "hello", {})
    assert time.monotonic() - started < 1.5


def test_turns_beyond_the_slots_get_the_fallback_at_once_and_free_no_thread(rasa_at):
    """Threads are kept for the action server's calls back into the gateway during a turn."""
    client = RasaClient(rasa_at(delay=1.5), timeout_seconds=5.0, max_turns_in_flight=2)
    waiting = [threading.Thread(target=client.send, args=(f"p{n}", "hi", {})) for n in range(2)]
    for thread in waiting:
        thread.start()
    time.sleep(0.3)  # both slots taken, both turns waiting on the slow assistant
    started = time.monotonic()
    with pytest.raises(AssistantUnavailable, match="turn slot"):
        client.send("third", "hi", {})
    assert time.monotonic() - started < 1.0  # not the 5 s Rasa timeout
    for thread in waiting:
        thread.join()
    assert client.send("fourth", "hi", {}) == ["hi"]  # slots given back


def test_the_slots_leave_threads_for_callbacks():
    assert turns_in_flight(64) == 56
    assert turns_in_flight(4) == 1


def test_server_error_is_unavailable(rasa_at):
    with pytest.raises(AssistantUnavailable):
        RasaClient(rasa_at(status=500, body={"error": "boom"}), 2.0).send("abc", "hi", {})


def test_no_message_is_unavailable(rasa_at):
    with pytest.raises(AssistantUnavailable, match="no message"):
        RasaClient(rasa_at(body=[]), 2.0).send("abc", "hi", {})


def test_nothing_listening_is_unavailable():
    with pytest.raises(AssistantUnavailable):
        RasaClient("http://127.0.0.1:9", 1.0).send("abc", "hi", {})


class Recorder(JsonHandler):
    """Rasa's HTTP API as the gateway uses it: records path, query and body; answers a parse."""

    seen: list[tuple[str, object]] = []
    authorizations: list[str] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Recorder.seen.append((self.path, body))
        Recorder.authorizations.append(self.headers.get("Authorization", ""))
        if self.path.startswith("/webhooks/"):
            self.answer(200, [{"text": "ok"}])
        else:
            self.answer(200, {"intent": {"name": "emergency", "confidence": 0.99}})


@pytest.fixture
def recorder():
    Recorder.seen = []
    Recorder.authorizations = []
    server = start_server(Recorder)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_intent_reads_the_nlu_with_the_token(recorder):
    client = RasaClient(recorder, 2.0, token="tok")
    assert client.intent("he is here with a gun") == "emergency"
    assert Recorder.seen == [("/model/parse", {"text": "he is here with a gun"})]
    assert_signed_by("tok", Recorder.authorizations[0])


def assert_signed_by(token: str, authorization: str) -> None:
    """A bearer JWT that Rasa (``--jwt-secret``) accepts as its admin, short-lived; the shared
    token itself is not in it."""
    scheme, _, encoded = authorization.partition(" ")
    assert scheme == "Bearer" and token not in encoded
    claims = jwt.decode(encoded, token, algorithms=["HS256"])
    assert claims["user"]["role"] == "admin"
    assert claims["exp"] - claims["iat"] <= 300


def test_intent_is_none_when_rasa_is_down():
    assert RasaClient("http://127.0.0.1:9", 0.5).intent("hello") is None


def test_pause_and_resume_append_tracker_events(recorder):
    client = RasaClient(recorder, 2.0, token="tok")
    client.pause("conv1")
    client.resume("conv1")
    (pause_path, pause), (resume_path, resume) = Recorder.seen
    assert pause_path == resume_path == "/conversations/conv1/tracker/events"  # no token in URLs
    for authorization in Recorder.authorizations:
        assert_signed_by("tok", authorization)
    assert pause == {"event": "pause"}
    assert resume == [
        {"event": "resume"},
        {"event": "active_loop", "name": None},
        {"event": "slot", "name": "requested_slot", "value": None},
        {"event": "action", "name": "action_listen"},
    ]


def test_resume_against_a_dead_rasa_is_unavailable():
    with pytest.raises(AssistantUnavailable):
        RasaClient("http://127.0.0.1:9", 0.5).resume("conv1")


# --- a person's words are never a command ---------------------------------------------------

COMMANDS = [
    ("/goodbye", "goodbye"),
    ("  /transfer_unanswered", "transfer_unanswered"),
    ("//request_human", "request_human"),
    ("/ /cancel", "cancel"),
    (
        '/register_notifications{"reg_phone": "+12025550123"}',
        'register_notifications{"reg_phone": "+12025550123"}',
    ),
    ("\n/emergency@0.1", "emergency@0.1"),
]


@pytest.mark.parametrize(("typed", "sent"), COMMANDS)
def test_a_persons_leading_slashes_are_removed(typed, sent):
    assert as_message(typed) == sent


@pytest.mark.parametrize("text", ["hello /goodbye", "1/2", "a/b", "¿/?", ""])
def test_slashes_inside_a_message_stay(text):
    assert as_message(text) == text


def test_the_gateways_intents_are_the_only_commands():
    assert as_message(Intent("transfer_unanswered")) == "/transfer_unanswered"
    for bad in ["", "Goodbye", "cancel{}", "/cancel", "a b", "x" * 65]:
        with pytest.raises(ValueError):
            Intent(bad)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(' \t\n/abc_{}"@0.9'), max_size=40) | st.text(max_size=200))
def test_no_text_reaches_rasa_as_a_command(text):
    """Rasa's own reader (the code that turns "/intent" into an intent) finds no intent."""
    message = Message({TEXT: as_message(text)})
    assert YAMLStoryReader.unpack_regex_message(message).get(INTENT) is None


def test_send_and_parse_neutralise_what_reaches_rasa(recorder):
    client = RasaClient(recorder, 2.0, token="tok")
    client.intent("/emergency")
    client.send("conv1", "/goodbye", {})
    client.send("conv1", Intent("cancel"), {})
    assert [body for _, body in Recorder.seen] == [
        {"text": "emergency"},
        {"sender": "conv1", "message": "goodbye", "metadata": {}},
        {"sender": "conv1", "message": "/cancel", "metadata": {}},
    ]
