"""The specialist console (/console) over the Flask test client: logging in and out, the login
throttle, sessions (idle and absolute limits, with the console's clock moved), CSRF, roles, the
whole flow through the forms (claim, reply by SMS, note, callback, reassign, close) with the
outbox receiving the texts and the audit log the views, and the user command line.

The console's tables come with migration 0004 (not written yet): until then they are made here
with ``create_all`` after the app has migrated.
"""

from __future__ import annotations

import io
import logging
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from channels.call_flow.store import CALLS
from channels.console_users import main as users_command
from channels.handoff import users as console_users
from channels.handoff.audit import AUDIT
from channels.handoff.models import HandoffEvent
from channels.handoff.service import HANDOFFS
from channels.handoff.states import Priority, Reason
from channels.handoff.users import SpecialistService, User
from channels.routes.console_session import CANNED_REPLIES, CONSOLE, Console, load_canned_replies
from channels.storage.database import DATABASE, Base, Database, utcnow
from channels.texts import sms as replies
from tests.channels.conftest import Clock, SignedPost
from tests.channels.routes.handoff_fixtures import (
    PHONE,
    REPLY,
    SUMMARY,
    RecordingAssistant,
    conversation,
    history,
    texts_to_victim,
)

REPO = Path(__file__).resolve().parents[3]
PASSWORDS = {"ana": "ana-has-a-long-password", "bob": "bob-has-a-long-password"}
WRONG = "Wrong user name or password."
GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


@pytest.fixture
def assistant() -> RecordingAssistant:
    return RecordingAssistant()


@pytest.fixture
def console(app: Flask) -> Console:
    """The console, its tables made (until migration 0004), with ana (supervisor) and bob."""
    Base.metadata.create_all(DATABASE.get(app).engine)
    state: Console = CONSOLE.get(app)
    state.users.create("ana", PASSWORDS["ana"], "supervisor")
    state.users.create("bob", PASSWORDS["bob"])
    return state


@pytest.fixture
def clock(console: Console) -> Clock:
    """The console's time, moved by the tests (sessions and the login throttle)."""
    clock = Clock(utcnow())
    console.clock = clock
    console.throttle.clock = clock
    return clock


def csrf(client: FlaskClient) -> str:
    with client.session_transaction() as session:
        return str(session["csrf"])


def login(client: FlaskClient, name: str, password: str | None = None) -> TestResponse:
    client.get("/console/login")
    form = {"username": name, "password": password or PASSWORDS[name], "csrf_token": csrf(client)}
    return client.post("/console/login", data=form)


def post(client: FlaskClient, path: str, **form: Any) -> TestResponse:
    return client.post(path, data={**form, "csrf_token": csrf(client)})


def new_handoff(app: Flask, signed_post: SignedPost, *texts: str, **changes: Any) -> str:
    arguments: dict[str, Any] = {
        "channel": "sms",
        "language": "en",
        "reason": Reason.REQUEST_HUMAN,
        "priority": Priority.NORMAL,
        "summary": SUMMARY,
        **changes,
    }
    view, _ = HANDOFFS.get(app).request(conversation(app, signed_post, *texts), **arguments)
    return view.id


def flashed(response: TestResponse) -> str:
    """The page a form's redirect leads to (the test client follows it), its messages."""
    return " ".join(
        re.findall(r'<p class="flash[^"]*">([^<]*)</p>', response.get_data(as_text=True))
    )


# -- logging in and out ---------------------------------------------------------------------------


def test_log_in_and_out(console: Console, client: FlaskClient) -> None:
    page = client.get("/console")
    assert page.status_code == 303
    assert page.headers["Location"] == "/console/login?next=/console"
    form = client.get(page.headers["Location"])
    assert form.status_code == 200
    assert 'name="csrf_token"' in form.get_data(as_text=True)

    answer = login(client, " Ana", PASSWORDS["ana"])  # user names: not case-sensitive
    assert (answer.status_code, answer.headers["Location"]) == (303, "/console")
    cookie = answer.headers["Set-Cookie"]
    for flag in ("HttpOnly", "SameSite=Lax", "Secure"):  # the public URL is https
        assert flag in cookie
    queue = client.get("/console")
    assert queue.status_code == 200
    assert "<h1>Queue</h1>" in queue.get_data(as_text=True)
    ana = console.users.get(1)
    assert ana is not None and ana.username == "ana" and ana.last_login_at is not None

    out = post(client, "/console/logout")
    assert (out.status_code, out.headers["Location"]) == (303, "/console/login")
    assert client.get("/console").status_code == 303
    with client.session_transaction() as session:
        assert "uid" not in session


def test_the_cookie_is_not_secure_on_plain_http(settings: Any, assistant: Any) -> None:
    from channels import create_app

    app = create_app(settings.with_overrides(public_url="http://127.0.0.1:5000"))
    try:
        assert app.config["SESSION_COOKIE_SECURE"] is False
        assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    finally:
        DATABASE.get(app).dispose()


def test_login_goes_where_it_was_asked_but_only_inside_the_console(
    console: Console, client: FlaskClient
) -> None:
    client.get("/console/login")
    form = {"username": "bob", "password": PASSWORDS["bob"], "csrf_token": csrf(client)}
    answer = client.post("/console/login?next=/console/handoffs/abc", data=form)
    assert answer.headers["Location"] == "/console/handoffs/abc"
    for target in ["//evil.example", "https://evil.example/console", "/console\\@evil", "/api"]:
        client.get("/console/login")
        form["csrf_token"] = csrf(client)
        answer = client.post("/console/login", data={**form, "next": target})
        assert answer.headers["Location"] == "/console", target


def test_login_starts_a_new_session(console: Console, client: FlaskClient) -> None:
    client.get("/console/login")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    before = csrf(client)
    login(client, "bob")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["csrf"] != before


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(
    console: Console, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks: list[str] = []
    real_check = console_users.check_password_hash

    def counting(stored: str, password: str) -> bool:
        checks.append(stored)
        return real_check(stored, password)

    monkeypatch.setattr(console_users, "check_password_hash", counting)
    wrong = login(client, "ana", "not-her-password-at-all")
    unknown = login(client, "nobody", "not-her-password-at-all")
    for answer in (wrong, unknown):
        assert answer.status_code == 401
        assert WRONG in answer.get_data(as_text=True)
    assert len(checks) == 2  # one hash checked for the unknown user too
    assert client.get("/console").status_code == 303


def test_the_login_throttle(
    console: Console, client: FlaskClient, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    for attempt in range(5):
        assert login(client, "bob", f"wrong-password-{attempt}").status_code == 401
    refused = login(client, "bob")  # the right password, too late
    assert refused.status_code == 401
    assert WRONG in refused.get_data(as_text=True)
    assert "too many failed logins" in caplog.text
    assert login(client, "ana").status_code == 303  # another user is not affected
    post(client, "/console/logout")

    clock.advance(minutes=14)
    assert login(client, "bob").status_code == 401
    clock.advance(minutes=2)
    assert login(client, "bob").status_code == 303
    assert "failed login for bob (5 in the last 15 minutes)" in caplog.text
    for secret in [*PASSWORDS.values(), "wrong-password-0"]:
        assert secret not in caplog.text


def test_an_unknown_user_name_is_not_logged(
    console: Console, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    login(client, "my-password-typed-here", "x")
    assert "my-password-typed-here" not in caplog.text
    assert "failed login for an unknown user name" in caplog.text


def test_a_deactivated_user_or_a_new_password_ends_the_session(
    console: Console, client: FlaskClient
) -> None:
    login(client, "bob")
    assert client.get("/console").status_code == 200
    console.users.set_password("bob", "a-brand-new-long-password")
    assert client.get("/console").status_code == 303
    assert login(client, "bob", "a-brand-new-long-password").status_code == 303
    console.users.deactivate("bob")
    assert client.get("/console").status_code == 303
    assert login(client, "bob", "a-brand-new-long-password").status_code == 401


# -- sessions, CSRF, roles ------------------------------------------------------------------------


def test_without_a_session_pages_redirect_and_json_is_401(
    app: Flask, console: Console, client: FlaskClient, signed_post: SignedPost
) -> None:
    handoff_id = new_handoff(app, signed_post)
    for path in ["/console", f"/console/handoffs/{handoff_id}", "/console/audit", "/console/users"]:
        answer = client.get(path)
        assert answer.status_code == 303, path
        assert answer.headers["Location"].startswith("/console/login?next=/console"), path
    for path in ["/console/queue.json", f"/console/handoffs/{handoff_id}/transcript.json"]:
        answer = client.get(path)
        assert (answer.status_code, answer.get_json()["error"]) == (401, "unauthorized"), path
    claim = client.post(f"/console/handoffs/{handoff_id}/claim")
    assert (claim.status_code, claim.headers["Location"]) == (303, "/console/login")
    fetch = client.post(
        f"/console/handoffs/{handoff_id}/reply",
        data={"text": "hi"},
        headers={"Accept": "application/json"},
    )
    assert fetch.status_code == 401
    assert history(app, handoff_id) == [("created", None)]


def test_supervisor_pages_are_403_for_a_specialist(console: Console, client: FlaskClient) -> None:
    login(client, "bob")
    for path in ["/console/audit", "/console/users"]:
        answer = client.get(path)
        assert answer.status_code == 403, path
        assert "Only supervisors" in answer.get_data(as_text=True)
    assert 'href="/console/audit"' not in client.get("/console").get_data(as_text=True)
    post(client, "/console/logout")
    login(client, "ana")
    assert client.get("/console/audit").status_code == 200
    users_page = client.get("/console/users").get_data(as_text=True)
    assert "bob" in users_page and "supervisor" in users_page


def test_every_post_needs_the_session_token(
    app: Flask, console: Console, client: FlaskClient, signed_post: SignedPost
) -> None:
    handoff_id = new_handoff(app, signed_post)
    client.get("/console/login")
    no_token = client.post("/console/login", data={"username": "bob", "password": PASSWORDS["bob"]})
    assert no_token.status_code == 400
    login(client, "bob")
    path = f"/console/handoffs/{handoff_id}/notes"
    for form, headers in [
        ({"text": "x"}, {}),
        ({"text": "x", "csrf_token": "forged"}, {}),
        ({"text": "x", "csrf_token": ""}, {}),
        ({"text": "x"}, {"X-CSRF-Token": "forged"}),
        ({"text": "x", "csrf_token": "é"}, {}),
    ]:
        answer = client.post(path, data=form, headers=headers)
        assert answer.status_code == 400, (form, headers)
        assert "did not come from the console" in answer.get_data(as_text=True)
    logout = client.post("/console/logout")
    assert logout.status_code == 400
    assert history(app, handoff_id) == [("created", None)]
    by_header = client.post(
        path, data={"text": "By header."}, headers={"X-CSRF-Token": csrf(client)}
    )
    assert by_header.status_code == 303
    assert history(app, handoff_id) == [("created", None), ("note", "bob")]


def test_the_session_ends_after_30_idle_minutes(
    console: Console, client: FlaskClient, clock: Clock
) -> None:
    login(client, "bob")
    clock.advance(minutes=29)
    assert client.get("/console").status_code == 200
    clock.advance(minutes=29)  # active 29 minutes ago: still in
    assert client.get("/console").status_code == 200
    clock.advance(minutes=31)
    ended = client.get("/console", follow_redirects=True)
    assert "/console/login" in ended.request.path
    assert "Your session has ended" in flashed(ended)


def test_polling_is_not_activity(console: Console, client: FlaskClient, clock: Clock) -> None:
    """A console left open on the queue still times out."""
    login(client, "bob")
    clock.advance(minutes=20)
    assert client.get("/console/queue.json").status_code == 200
    clock.advance(minutes=11)
    assert client.get("/console/queue.json").status_code == 401


def test_the_idle_limit_is_a_setting(
    app: Flask, console: Console, client: FlaskClient, clock: Clock
) -> None:
    class WithIdle:
        console_idle_minutes = 5

    app.config["HOTLINE_SETTINGS"] = WithIdle()
    login(client, "bob")
    clock.advance(minutes=6)
    assert client.get("/console").status_code == 303


def test_the_session_ends_12_hours_after_login_however_active(
    console: Console, client: FlaskClient, clock: Clock
) -> None:
    login(client, "bob")
    for _ in range(24):
        clock.advance(minutes=29)
        assert client.get("/console").status_code == 200
    clock.advance(minutes=29)  # 12 h 5 min after logging in
    assert client.get("/console").status_code == 303


def test_pages_are_strict_about_scripts_and_caching(
    app: Flask, console: Console, client: FlaskClient, signed_post: SignedPost
) -> None:
    handoff_id = new_handoff(app, signed_post)
    login(client, "ana")
    for path in [
        "/console/login",
        "/console",
        f"/console/handoffs/{handoff_id}",
        "/console/audit",
        "/console/users",
    ]:
        answer = client.get(path)
        policy = answer.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, path
        assert "frame-ancestors 'none'" in policy
        assert answer.headers["Cache-Control"] == "no-store"
        html = answer.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert "<style" not in html and " style=" not in html and " onclick=" not in html, path
    for static in ["/static/console.css", "/static/console.js"]:
        assert client.get(static).status_code == 200


# -- the whole flow -------------------------------------------------------------------------------


def test_claim_reply_note_callback_and_close_through_the_forms(
    app: Flask,
    console: Console,
    client: FlaskClient,
    signed_post: SignedPost,
    assistant: RecordingAssistant,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    handoff_id = new_handoff(app, signed_post, "I need to talk to a person", language="es")
    registrant = HANDOFFS.get(app).get(handoff_id).conversation_id
    login(client, "ana")

    queue = client.get("/console").get_data(as_text=True)
    assert f'data-id="{handoff_id}"' in queue and "Asked for a person" in queue
    polled = client.get("/console/queue.json").get_json()
    assert [item["id"] for item in polled["handoffs"]] == [handoff_id]
    item = polled["handoffs"][0]
    assert "summary" not in item and "conversation_id" not in item
    assert (item["language_label"], item["url"]) == ("Spanish", f"/console/handoffs/{handoff_id}")

    page = client.get(f"/console/handoffs/{handoff_id}").get_data(as_text=True)
    assert "I need to talk to a person" in page and "Houston" in page
    assert 'id="claim"' in page and 'id="reply-form"' not in page

    claimed = post(client, f"/console/handoffs/{handoff_id}/claim")
    assert claimed.status_code == 303
    assert claimed.headers["Location"] == f"/console/handoffs/{handoff_id}"
    page = client.get(f"/console/handoffs/{handoff_id}").get_data(as_text=True)
    assert 'id="reply-form"' in page and "Claimed by ana" in page
    assert page.index('label="Spanish"') < page.index('label="English"')  # her language first

    sent = client.post(
        f"/console/handoffs/{handoff_id}/reply",
        data={"text": REPLY, "csrf_token": csrf(client)},
        follow_redirects=True,
    )
    assert "Reply sent." in flashed(sent)
    assert [entry.body for entry in texts_to_victim(app)] == [REPLY]
    by_fetch = client.post(
        f"/console/handoffs/{handoff_id}/reply",
        data={"text": "Estoy aquí."},
        headers={"Accept": "application/json", "X-CSRF-Token": csrf(client)},
    )
    assert by_fetch.status_code == 201
    assert by_fetch.get_json()["message_id"] > 0
    polled_transcript = client.get(f"/console/handoffs/{handoff_id}/transcript.json").get_json()
    assert (polled_transcript["status"], polled_transcript["assignee"]) == ("claimed", "ana")
    assert [m["body"] for m in polled_transcript["messages"]][-2:] == [REPLY, "Estoy aquí."]

    post(client, f"/console/handoffs/{handoff_id}/notes", text="Asked for Houston shelters.")
    callback = {"window": "weekdays 9-11 am", "voicemail": "no", "note": "Use the other line."}
    recorded = client.post(
        f"/console/handoffs/{handoff_id}/callback",
        data={**callback, "csrf_token": csrf(client)},
        follow_redirects=True,
    )
    assert "Callback request recorded." in flashed(recorded)
    page = recorded.get_data(as_text=True)
    assert "Safe time: weekdays 9-11 am. Voicemail: not safe. Use the other line." in page
    assert "Asked for Houston shelters." in page
    events = HANDOFFS.get(app).history(handoff_id)
    assert events[-1]["detail"] == {
        "window": "weekdays 9-11 am",
        "voicemail_ok": False,
        "note": "Use the other line.",
    }
    with DATABASE.get(app).session() as session:
        stored = session.execute(select(HandoffEvent.detail_encrypted)).scalars().all()
    assert not any(b"weekdays" in (detail or b"") for detail in stored)

    closed = client.post(
        f"/console/handoffs/{handoff_id}/close",
        data={"csrf_token": csrf(client)},
        follow_redirects=True,
    )
    assert "Closed: the assistant answers the person again." in flashed(closed)
    assert "The person was told by text." in flashed(closed)
    assert assistant.resumed == [registrant]
    assert texts_to_victim(app)[-1].body == replies.back_with_assistant("es")
    assert history(app, handoff_id) == [
        ("created", None),
        ("claimed", "ana"),
        ("reply", "ana"),
        ("reply", "ana"),
        ("note", "ana"),
        ("callback", "ana"),
        ("closed", "ana"),
    ]
    assert client.get("/console/queue.json").get_json()["handoffs"] == []
    queue = client.get("/console").get_data(as_text=True)
    assert "Nobody is waiting" in queue
    assert queue.index("Recently closed") < queue.index(f'href="/console/handoffs/{handoff_id}"')

    for secret in (PHONE, "7135550142", REPLY, "Houston", "weekdays", PASSWORDS["ana"]):
        assert secret not in caplog.text


def test_every_view_is_audited_and_the_poll_once_per_session(
    app: Flask, console: Console, client: FlaskClient, signed_post: SignedPost
) -> None:
    handoff_id = new_handoff(app, signed_post)
    audit = AUDIT.get(app)
    login(client, "bob")
    for _ in range(3):
        client.get(f"/console/handoffs/{handoff_id}/transcript.json")
    client.get(f"/console/handoffs/{handoff_id}")
    client.get(f"/console/handoffs/{handoff_id}")
    client.get(f"/console/handoffs/{handoff_id}/transcript.json")
    client.get("/console/queue.json")  # no personal data: not audited
    entries = [(e["actor"], e["action"], e["subject"]) for e in audit.entries()]
    assert entries == [("bob", "handoff.viewed", handoff_id)] * 3

    post(client, "/console/logout")
    login(client, "ana")
    page = client.get("/console/audit").get_data(as_text=True)
    assert page.count(f'href="/console/handoffs/{handoff_id}"') == 3
    assert len(audit.entries()) == 3  # reading the audit log is not itself a view of anyone
    assert client.get(f"/console/handoffs/{'0' * 32}").status_code == 404
    assert len(audit.entries()) == 3


def test_refusals_come_back_as_messages(
    app: Flask, console: Console, client: FlaskClient, signed_post: SignedPost
) -> None:
    handoff_id = new_handoff(app, signed_post)
    login(client, "bob")
    path = f"/console/handoffs/{handoff_id}"
    refused = client.post(
        f"{path}/reply", data={"text": "hi", "csrf_token": csrf(client)}, follow_redirects=True
    )
    assert "only the specialist who has claimed the handoff can reply" in flashed(refused)
    as_json = client.post(
        f"{path}/reply",
        data={"text": "hi"},
        headers={"Accept": "application/json", "X-CSRF-Token": csrf(client)},
    )
    assert (as_json.status_code, as_json.get_json()["error"]) == (409, "conflict")
    empty = client.post(
        f"{path}/notes", data={"text": "  ", "csrf_token": csrf(client)}, follow_redirects=True
    )
    assert "A note: 1 to 4,000 characters." in flashed(empty)
    no_window = client.post(
        f"{path}/callback",
        data={"window": "", "voicemail": "yes", "csrf_token": csrf(client)},
        follow_redirects=True,
    )
    assert "A safe time to call" in flashed(no_window)
    no_choice = client.post(
        f"{path}/callback",
        data={"window": "mornings", "csrf_token": csrf(client)},
        follow_redirects=True,
    )
    assert "Say whether a voicemail is safe." in flashed(no_choice)
    nobody = client.post(
        f"{path}/reassign",
        data={"to": "mallory", "csrf_token": csrf(client)},
        follow_redirects=True,
    )
    assert "Choose a colleague" in flashed(nobody)
    assert history(app, handoff_id) == [("created", None)]
    assert texts_to_victim(app) == []


def test_reassign_and_release(
    app: Flask, console: Console, client: FlaskClient, signed_post: SignedPost
) -> None:
    handoff_id = new_handoff(app, signed_post)
    path = f"/console/handoffs/{handoff_id}"
    login(client, "ana")
    page = client.get(path).get_data(as_text=True)
    assert '<option value="bob">bob</option>' in page
    assert '<option value="ana">' not in page  # not herself
    moved = client.post(
        f"{path}/reassign", data={"to": "bob", "csrf_token": csrf(client)}, follow_redirects=True
    )
    assert "Reassigned to bob." in flashed(moved)
    assert "Only bob, who has the conversation, can reply." in moved.get_data(as_text=True)
    post(client, "/console/logout")
    login(client, "bob")
    released = client.post(
        f"{path}/release", data={"csrf_token": csrf(client)}, follow_redirects=True
    )
    assert "back in the queue" in flashed(released)
    assert history(app, handoff_id) == [
        ("created", None),
        ("reassigned", "ana"),
        ("released", "bob"),
    ]


def test_nobody_texts_a_person_who_opted_out(
    app: Flask, console: Console, client: FlaskClient, signed_post: SignedPost
) -> None:
    handoff_id = new_handoff(app, signed_post, "hello", "STOP")
    texted = len(texts_to_victim(app))
    login(client, "bob")
    path = f"/console/handoffs/{handoff_id}"
    post(client, f"{path}/claim")
    refused = client.post(
        f"{path}/reply", data={"text": "Hello", "csrf_token": csrf(client)}, follow_redirects=True
    )
    assert "the person texted STOP" in flashed(refused)
    closed = client.post(f"{path}/close", data={"csrf_token": csrf(client)}, follow_redirects=True)
    assert "The person could not be told by text." in flashed(closed)
    assert len(texts_to_victim(app)) == texted


# -- canned replies -------------------------------------------------------------------------------


def test_canned_replies_are_kind_short_and_never_ask_about_status() -> None:
    canned = load_canned_replies(CANNED_REPLIES)
    assert set(canned) == {"en", "es"}
    status_words = re.compile(r"immigra|inmigra|migrator|papers|papeles|documented|status")
    for language, items in canned.items():
        assert len(items) >= 6, language
        for item in items:
            assert len(item.text) <= 160, item.label
            for sentence in re.split(r"(?<=[.?!])\s+", item.text):
                if status_words.search(sentence.lower()):
                    assert not sentence.endswith("?"), item.label
    assert all(set(item.text) <= GSM7 for item in canned["en"])  # one SMS of 160 each


def test_a_malformed_canned_replies_file_is_refused(tmp_path: Path) -> None:
    for content in ["en: []\nes: []\n", "- hi\n", "en:\n  - label: x\nes:\n  - text: y\n"]:
        path = tmp_path / "canned.yml"
        path.write_text(content)
        with pytest.raises(ValueError):
            load_canned_replies(path)
    assert yaml.safe_load(CANNED_REPLIES.read_text())  # the real one parses


# -- users and the command line -------------------------------------------------------------------


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path}/users.db"
    database = Database(url)
    database.migrate()
    Base.metadata.create_all(database.engine)
    database.dispose()
    yield url


def users_at(url: str) -> tuple[SpecialistService, Database]:
    database = Database(url)
    return SpecialistService(database), database


def test_the_command_creates_users(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code = users_command(
        [
            "--database-url",
            database_url,
            "create",
            "Ana",
            "--role",
            "supervisor",
            "--password-stdin",
        ],
        stdin=io.StringIO("correct horse battery\n"),
    )
    assert code == 0
    assert "created supervisor ana" in capsys.readouterr().out
    users, database = users_at(database_url)
    try:
        user = users.authenticate("ana", "correct horse battery")
        assert isinstance(user, User) and user.is_supervisor
        with database.session() as session:
            stored = session.execute(select(console_users.Specialist.password_hash)).scalar_one()
        assert stored.startswith("scrypt:") and "correct horse" not in stored
    finally:
        database.dispose()

    def no_prompt(prompt: str = "") -> str:
        raise AssertionError("asked for a password it cannot use")

    monkeypatch.setattr("getpass.getpass", no_prompt)
    again = users_command(["--database-url", database_url, "create", "ana"])
    assert again == 1
    assert "already a user named ana" in capsys.readouterr().err
    nobody = users_command(["--database-url", database_url, "set-password", "nobody"])
    assert nobody == 1
    assert "no user named nobody" in capsys.readouterr().err


def test_the_command_can_be_cancelled(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(prompt: str = "") -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr("getpass.getpass", interrupted)
    assert users_command(["--database-url", database_url, "create", "erin"]) == 1
    assert "cancelled: nothing changed" in capsys.readouterr().err


def test_the_command_refuses_short_passwords(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    short = users_command(
        ["--database-url", database_url, "create", "bob", "--password-stdin"],
        stdin=io.StringIO("elevenchars\n"),
    )
    assert short == 1
    assert "too short: at least 12 characters" in capsys.readouterr().err
    empty = users_command(
        ["--database-url", database_url, "create", "bob", "--password-stdin"],
        stdin=io.StringIO(""),
    )
    assert empty == 1
    typed = iter(["a long enough password", "a different password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    mismatch = users_command(["--database-url", database_url, "create", "bob"])
    assert mismatch == 1
    assert "not the same" in capsys.readouterr().err
    users, database = users_at(database_url)
    try:
        assert users.users() == []
    finally:
        database.dispose()
    with pytest.raises(SystemExit) as usage:
        users_command(["--database-url", database_url, "create", "bob", "--role", "admin"])
    assert usage.value.code == 2


def test_the_command_changes_passwords_and_deactivates(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    typed = iter(["first long password", "first long password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert users_command(["--database-url", database_url, "create", "carla"]) == 0
    change = ["--database-url", database_url, "set-password", "carla", "--password-stdin"]
    assert users_command(change, stdin=io.StringIO("second long password\n")) == 0
    users, database = users_at(database_url)
    try:
        assert users.authenticate("carla", "first long password") is None
        assert users.authenticate("carla", "second long password") is not None
        assert users_command(["--database-url", database_url, "deactivate", "carla"]) == 0
        assert users.authenticate("carla", "second long password") is None
        assert users_command(["--database-url", database_url, "deactivate", "nobody"]) == 1
    finally:
        database.dispose()


def test_python_dash_m_runs_the_command(database_url: str) -> None:
    command = ["-m", "channels.console_users", "--database-url", database_url, "create", "dana"]
    result = subprocess.run(
        [sys.executable, *command, "--password-stdin"],
        input="dana-long-password\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "created specialist dana" in result.stdout
    assert "Warning" not in result.stderr


def test_user_names_are_checked(database_url: str) -> None:
    users, database = users_at(database_url)
    try:
        for name in ["", "  ", "a b", "x" * 65, "-ana", "ana/bob"]:
            with pytest.raises(console_users.UserError):
                users.create(name, "a long enough password")
    finally:
        database.dispose()


def test_the_command_says_when_the_database_cannot_be_used(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = "postgresql://admin:s3cret-password@127.0.0.1:1/hotline"  # nothing listens on port 1
    code = users_command(["--database-url", url, "deactivate", "ana"])
    assert code == 1
    error = capsys.readouterr().err
    assert "the database could not be used (OperationalError)" in error
    assert "s3cret" not in error


def test_a_call_handoff_shows_how_each_transfer_ended_and_warns_before_texting(
    app: Flask, console: Console, client: FlaskClient
) -> None:
    call = CALLS.get(app).start("CA" + "7" * 32, PHONE)
    handoffs = HANDOFFS.get(app)
    view, _ = handoffs.request(
        call.conversation_id,
        channel="voice",
        language="es",
        reason=Reason.REQUEST_HUMAN,
        priority=Priority.NORMAL,
        summary=SUMMARY,
    )
    handoffs.record_call(view.id, "no-answer")
    login(client, "bob")
    page = client.get(f"/console/handoffs/{view.id}").get_data(as_text=True)
    assert "Call transferred to the specialists&#39; line" in page
    assert "nobody answered" in page
    assert 'id="reply-voice-note"' in page


# -- sessions revoked on the server, the throttle by address, hashing bounded ------------------


def session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_logout_makes_a_copied_session_cookie_worthless(
    console: Console, app: Flask, client: FlaskClient
) -> None:
    assert login(client, "bob").status_code == 303
    copied = session_cookie(client)
    assert client.get("/console/queue.json").status_code == 200
    post(client, "/console/logout")
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/console/queue.json").status_code == 401


def test_a_new_password_ends_every_session_on_the_server(
    console: Console, app: Flask, client: FlaskClient
) -> None:
    login(client, "bob")
    other_device = app.test_client()
    login(other_device, "bob")
    console.users.set_password("bob", "bob-has-a-new-long-password")
    for device in (client, other_device):
        assert device.get("/console/queue.json").status_code == 401


def test_one_address_cannot_try_many_names(console: Console, app: Flask) -> None:
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    for attempt in range(20):
        assert login(attacker, f"user{attempt}", "wrong-password").status_code == 401
    assert login(attacker, "ana").status_code == 401  # the right password, from that address
    colleague = app.test_client()
    colleague.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert login(colleague, "ana").status_code == 303  # ana herself is not locked out


def test_password_checks_are_bounded_per_process(
    console: Console, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("channels.routes.console.HASH_WAIT_SECONDS", 0.05)
    held = [console.hashing.acquire(timeout=1) for _ in range(2)]
    try:
        busy = login(client, "ana")
        assert busy.status_code == 503
        assert "try again" in busy.get_data(as_text=True)
    finally:
        for _ in held:
            console.hashing.release()
    assert login(client, "ana").status_code == 303
