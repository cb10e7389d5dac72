"""The review inbox in the console (/console/review) over the Flask test client: who may open
it (maintainers and supervisors; specialists get 403, maintainers see nothing else), the flag
button of the conversation page (CSRF, audited, de-identified), labelling with the edit
checked, and the filters."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from channels.handoff.audit import AUDIT
from channels.handoff.service import HANDOFFS
from channels.handoff.states import Priority, Reason
from channels.review.models import ReviewReason
from channels.review.service import REVIEW, Filters, NewItem
from channels.routes.console_session import CONSOLE, Console
from tests.channels.conftest import SignedPost
from tests.channels.routes.handoff_fixtures import SUMMARY, RecordingAssistant, conversation

PASSWORDS = {
    "ana": "ana-has-a-long-password",
    "bob": "bob-has-a-long-password",
    "mia": "mia-has-a-long-password",
}
SAID = "This is Ana Pérez, my number is 713-555-0142, they took my cousin"


@pytest.fixture
def assistant() -> RecordingAssistant:
    return RecordingAssistant()


@pytest.fixture
def console(app: Flask) -> Console:
    state: Console = CONSOLE.get(app)
    state.users.create("ana", PASSWORDS["ana"], "supervisor")
    state.users.create("bob", PASSWORDS["bob"])
    state.users.create("mia", PASSWORDS["mia"], "maintainer")
    return state


def csrf(client: FlaskClient) -> str:
    with client.session_transaction() as session:
        return str(session["csrf"])


def login(client: FlaskClient, name: str) -> TestResponse:
    client.get("/console/login")
    form = {"username": name, "password": PASSWORDS[name], "csrf_token": csrf(client)}
    return client.post("/console/login", data=form)


def post(client: FlaskClient, path: str, **form: Any) -> TestResponse:
    return client.post(path, data={**form, "csrf_token": csrf(client)}, follow_redirects=True)


def flashed(response: TestResponse) -> str:
    found = re.findall(r'<p class="flash[^"]*">([^<]*)</p>', response.get_data(as_text=True))
    return html.unescape(" ".join(found))


def handoff_with(app: Flask, signed_post: SignedPost, *texts: str) -> tuple[str, int]:
    """A handoff of a conversation whose person wrote ``texts``; its id, and the id of the
    person's last message."""
    view, _ = HANDOFFS.get(app).request(
        conversation(app, signed_post, *texts),
        channel="sms",
        language="es",
        reason=Reason.REQUEST_HUMAN,
        priority=Priority.NORMAL,
        summary=SUMMARY,
    )
    inbound = [m for m in HANDOFFS.get(app).transcript(view.id) if m["direction"] == "inbound"]
    return view.id, int(inbound[-1]["id"])


def an_item(app: Flask, text: str = "they took my cousin yesterday", **changes: Any) -> int:
    fields: dict[str, Any] = {
        "conversation_id": "c-1",
        "reason": ReviewReason.UNSURE,
        "language": "en",
        "text": text,
        "predicted_intent": "check_custody_status",
        "confidence": 0.41,
        **changes,
    }
    item_id, _ = REVIEW.get(app).record(NewItem(**fields))
    return item_id


# -- who may open what ---------------------------------------------------------------------------


def test_specialists_get_403_on_the_inbox(app, client, console):
    item_id = an_item(app)
    login(client, "bob")
    page = client.get("/console/review")
    assert page.status_code == 403
    assert "Only maintainers and supervisors" in page.get_data(as_text=True)
    refused = client.post(
        f"/console/review/{item_id}", data={"intent": "ask_vine", "csrf_token": csrf(client)}
    )
    assert refused.status_code == 403
    assert REVIEW.get(app).get(item_id).status == "new"
    assert "Review inbox" not in client.get("/console").get_data(as_text=True)


def test_maintainers_land_on_the_inbox_and_see_no_conversation(app, client, console, signed_post):
    handoff_id, _ = handoff_with(app, signed_post, "I need to talk to a person")
    answer = login(client, "mia")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/console/review")
    inbox = client.get("/console/review")
    assert inbox.status_code == 200
    assert "Queue</a>" not in inbox.get_data(as_text=True)
    for path in ("/console", f"/console/handoffs/{handoff_id}", "/console/audit", "/console/users"):
        assert client.get(path).status_code == 403, path
    flagged = client.post(
        f"/console/handoffs/{handoff_id}/messages/1/flag", data={"csrf_token": csrf(client)}
    )
    assert flagged.status_code == 403


def test_a_maintainer_sent_to_the_queue_by_the_login_page_lands_on_the_inbox(client, console):
    client.get("/console/login")
    form = {"username": "mia", "password": PASSWORDS["mia"], "csrf_token": csrf(client)}
    answer = client.post("/console/login?next=/console/handoffs/x", data=form)
    assert answer.headers["Location"].endswith("/console/review")


def test_supervisors_open_the_inbox(app, client, console):
    an_item(app)
    login(client, "ana")
    page = client.get("/console/review")
    assert page.status_code == 200
    assert "they took my cousin yesterday" in page.get_data(as_text=True)


# -- flagging a message --------------------------------------------------------------------------


def test_a_specialist_flags_a_message_de_identified_and_audited(app, client, console, signed_post):
    handoff_id, message_id = handoff_with(app, signed_post, SAID)
    login(client, "bob")
    page = client.get(f"/console/handoffs/{handoff_id}").get_data(as_text=True)
    assert f'id="flag-{message_id}"' in page
    path = f"/console/handoffs/{handoff_id}/messages/{message_id}/flag"
    assert client.post(path).status_code == 400  # no CSRF token
    assert REVIEW.get(app).page(Filters()).total == 0

    done = post(client, path)
    assert "in the maintainers' review inbox" in flashed(done)
    (item,) = REVIEW.get(app).page(Filters()).items
    assert (item.reason, item.language, item.predicted_intent) == ("flagged", "es", "")
    assert item.text == "This is [NAME], my number is [PHONE], they took my cousin"
    assert "Ana" not in item.previous_bot
    audit = [(e["actor"], e["action"], e["subject"]) for e in AUDIT.get(app).entries()]
    assert ("bob", "message.flagged", handoff_id) in audit

    assert "already in the review inbox" in flashed(post(client, path))
    assert REVIEW.get(app).page(Filters()).total == 1


def test_only_the_persons_messages_of_that_conversation_can_be_flagged(
    app, client, console, signed_post
):
    handoff_id, message_id = handoff_with(app, signed_post, SAID)
    outbound = [
        m["id"] for m in HANDOFFS.get(app).transcript(handoff_id) if m["direction"] == "outbound"
    ]
    login(client, "bob")
    for wrong in [*outbound, message_id + 1000]:
        answer = post(client, f"/console/handoffs/{handoff_id}/messages/{wrong}/flag")
        assert "no message from the person with this id" in flashed(answer)
    assert REVIEW.get(app).page(Filters()).total == 0


# -- labelling and filtering ---------------------------------------------------------------------


def test_labelling_with_an_edit_that_identifies_someone_is_refused(app, client, console):
    item_id = an_item(app)
    login(client, "mia")
    refused = post(
        client,
        f"/console/review/{item_id}",
        action="label",
        intent="check_custody_status",
        text="they took my cousin Carlos Mendoza, call 713-555-0199",
        back="/console/review?language=en",
    )
    assert "still holds identifying details (PHONE, NAME)" in flashed(refused)
    assert refused.request.full_path.startswith("/console/review?language=en")
    assert REVIEW.get(app).get(item_id).status == "new"

    done = post(
        client,
        f"/console/review/{item_id}",
        action="label",
        intent="check_custody_status",
        text="they took my cousin [NAME]",
        back="https://evil.example.org/",
    )
    assert "Labelled as check_custody_status" in flashed(done)
    assert done.request.path == "/console/review"
    item = REVIEW.get(app).get(item_id)
    assert (item.status, item.label_intent, item.edited_text, item.labelled_by) == (
        "labelled",
        "check_custody_status",
        "they took my cousin [NAME]",
        "mia",
    )
    unknown = post(client, f"/console/review/{item_id}", action="label", intent="nope")
    assert "Choose the intent" in flashed(unknown)
    other = an_item(app, "what is this line for")
    assert "not useful" in flashed(post(client, f"/console/review/{other}", action="not_useful"))
    assert REVIEW.get(app).get(other).status == "not_useful"
    assert post(client, "/console/review/99999", action="not_useful").status_code == 404


def test_the_filters_come_from_the_query_string(app, client, console):
    english = an_item(app, "they took my cousin yesterday")
    spanish = an_item(app, "se llevaron a mi primo ayer", language="es", conversation_id="c-2")
    said_no = an_item(app, "lo soltaron", reason=ReviewReason.SAID_NO, conversation_id="c-3")
    login(client, "mia")

    def shown(query: str) -> list[int]:
        page = client.get(f"/console/review{query}")
        assert page.status_code == 200
        return [int(n) for n in re.findall(r'id="item-(\d+)"', page.get_data(as_text=True))]

    assert shown("") == [said_no, spanish, english]
    assert shown("?language=es") == [spanish]
    assert shown("?reason=said_no") == [said_no]
    assert shown("?intent=check_custody_status&language=en") == [said_no, english]
    assert shown("?intent=greet") == []
    for bad in ("?language=fr", "?reason=nope", "?status=gone", "?page=x"):
        assert client.get(f"/console/review{bad}").status_code == 400, bad
