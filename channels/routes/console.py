"""The specialist console at ``/console``: server-rendered pages for the people who take over
conversations from the assistant (logging in, sessions and CSRF: ``console_session``).

* **Pages**: the queue (``/console``, polled as ``/console/queue.json``: no personal data); a
  conversation (``/console/handoffs/<id>``: summary, transcript polled as ``transcript.json``,
  history, notes, claim / release / reassign / close, a reply by SMS with canned replies, a
  callback request, a "The assistant misunderstood this" button beside each of the person's
  messages, which puts it in the review inbox, de-identified: ``console_review``); the audit log
  and the user list for supervisors. Every view of a
  conversation is written to the audit log; its transcript poll is covered by that entry (or
  writes one, once per session, when it comes without the page).
* Replying and closing are ``channels.handoff.specialist_actions``, as in the API.

No inline script or style anywhere: the pages run under a strict Content-Security-Policy.
Nothing here logs a phone number, a message, a note or a password.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, cast

from flask import (
    Blueprint,
    Flask,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from channels.handoff.audit import AUDIT
from channels.handoff.errors import HandoffConflict, HandoffNotFound
from channels.handoff.service import HANDOFFS
from channels.handoff.specialist_actions import (
    NOTE_MAX_CHARACTERS,
    SMS_MAX_CHARACTERS,
    OptedOut,
    close_handoff,
    send_reply,
)
from channels.handoff.states import EventKind, HandoffStatus
from channels.handoff.view import HandoffView
from channels.outbound.message import Channel, SendFailed
from channels.review.service import REVIEW
from channels.routes.console_session import (
    CONSOLE,
    HASH_WAIT_SECONDS,
    PUBLIC_ENDPOINTS,
    FormError,
    audit_view,
    check_csrf,
    check_role_reach,
    client_address,
    csrf_token,
    current_user,
    end_session,
    home_url,
    install,
    log_refusal,
    needs_login,
    safe_next,
    session_user,
    start_session,
    supervisors_only,
    wants_json,
)
from channels.storage.database import as_utc, utcnow
from channels.texts import console as texts
from channels.texts import review as review_texts
from channels.texts.languages import LANGUAGE_NAMES

log = logging.getLogger(__name__)
bp = Blueprint("console", __name__, url_prefix="/console")

WINDOW_MAX_CHARACTERS = 200
CALLBACK_NOTE_MAX_CHARACTERS = 1000
AUDIT_PAGE_LIMIT = 200
FLAGGED = "message.flagged"  # the audit entry of a message flagged for the review inbox
RECENTLY_CLOSED = 10


@bp.record_once
def _set_up(state: BlueprintSetupState) -> None:
    install(cast(Flask, state.app))


# -- sessions, CSRF, roles -----------------------------------------------------------------------


@bp.before_request
def _guard() -> ResponseReturnValue | None:
    g.console_user = session_user()
    if g.console_user is None and request.endpoint not in PUBLIC_ENDPOINTS:
        return needs_login()
    check_role_reach()
    if request.method == "POST":
        check_csrf()
    return None


@bp.context_processor
def _template_helpers() -> dict[str, Any]:
    return {
        "csrf_token": csrf_token,
        "current_user": g.get("console_user"),
        "when": _when,
        "REASONS": texts.REASONS,
        "LANGUAGES": LANGUAGE_NAMES,
        "CHANNELS": texts.CHANNELS,
        "STATUSES": texts.STATUSES,
        "EVENTS": texts.EVENTS,
    }


# -- errors --------------------------------------------------------------------------------------


def _refused(status: int, error: str, message: str) -> ResponseReturnValue:
    """A refused action: JSON for the page's script, else a message on the conversation page."""
    if wants_json():
        return jsonify(error=error, detail=message), status
    flash(message, "error")
    handoff_id = (request.view_args or {}).get("handoff_id")
    if handoff_id is None:
        return redirect(url_for("console.queue"), 303)
    return redirect(url_for("console.handoff", handoff_id=handoff_id), 303)


@bp.errorhandler(HandoffConflict)
def _conflict(error: HandoffConflict) -> ResponseReturnValue:
    return _refused(409, "conflict", texts.REFUSED["conflict"].format(error=error))


@bp.errorhandler(OptedOut)
def _opted_out(_: OptedOut) -> ResponseReturnValue:
    return _refused(409, "opted_out", texts.REFUSED["opted_out"])


@bp.errorhandler(SendFailed)
def _send_failed(error: SendFailed) -> ResponseReturnValue:
    again = texts.REFUSED["send_failed_again"] if error.retryable else ""
    message = texts.REFUSED["send_failed"].format(reason=error.reason, again=again)
    return _refused(502, "send_failed", message)


@bp.errorhandler(FormError)
def _form_error(error: FormError) -> ResponseReturnValue:
    return _refused(422, "invalid", str(error))


@bp.errorhandler(HandoffNotFound)
def _not_found(_: HandoffNotFound) -> ResponseReturnValue:
    return _error_page(404, "Not found", texts.NO_SUCH_CONVERSATION)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> ResponseReturnValue:
    return _error_page(error.code or 500, error.name, error.description or "")


def _error_page(status: int, title: str, detail: str) -> ResponseReturnValue:
    if wants_json():
        return jsonify(error=title, detail=detail), status
    return render_template("console/error.html", title=title, detail=detail), status


# -- logging in and out --------------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    target = safe_next(request.values.get("next"))
    if request.method == "GET":
        if g.console_user is not None:
            return redirect(home_url(g.console_user, target))
        return render_template("console/login.html", next=target)
    name = request.form.get("username", "")
    password = request.form.get("password", "")
    console = CONSOLE.get()
    blocked = console.throttle.blocked(name, client_address())
    if not console.hashing.acquire(timeout=HASH_WAIT_SECONDS):
        return render_template(
            "console/login.html", error=texts.BUSY_LOGIN, username=name, next=target
        ), 503
    try:
        # Checked even when blocked: a refusal takes as long as a wrong password.
        user = console.users.authenticate(name, password)
    finally:
        console.hashing.release()
    if blocked or user is None:
        log_refusal(name, blocked)
        return render_template(
            "console/login.html", error=texts.WRONG_LOGIN, username=name, next=target
        ), 401
    console.throttle.succeeded(name)
    console.users.record_login(user.id)
    start_session(user)
    log.info("console: %s logged in", user.username)
    return redirect(home_url(user, target), 303)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    log.info("console: %s logged out", current_user().username)
    end_session()
    flash(texts.LOGGED_OUT, "info")
    return redirect(url_for("console.login"), 303)


# -- the queue -----------------------------------------------------------------------------------


@bp.get("/")  # registered second: url_for gives "/console"
@bp.get("")
def queue() -> ResponseReturnValue:
    """The open handoffs (refreshed by the page's script) and the last few closed ones."""
    now = utcnow()
    items = [_queue_item(view, now) for view in HANDOFFS.get().queue()]
    closed = [_queue_item(view, now) for view in HANDOFFS.get().closed(RECENTLY_CLOSED)]
    return render_template("console/queue.html", items=items, closed=closed)


@bp.get("/queue.json")
def queue_json() -> ResponseReturnValue:
    now = utcnow()
    items = [_queue_item(view, now) for view in HANDOFFS.get().queue()]
    return jsonify(now=now.isoformat(), handoffs=items)


def _queue_item(view: HandoffView, now: datetime) -> dict[str, Any]:
    """What the queue shows of a handoff: nothing of the person, not even the conversation id."""
    waited = max(0, int((now - view.created_at).total_seconds()))
    return {
        **view.to_json(personal=False),
        "url": url_for("console.handoff", handoff_id=view.id),
        "reason_label": texts.REASONS.get(view.reason, view.reason),
        "language_label": LANGUAGE_NAMES.get(view.language, view.language),
        "channel_label": texts.CHANNELS.get(view.channel, view.channel),
        "status_label": texts.STATUSES.get(view.status, view.status),
        "waiting_seconds": waited,
        "waiting": texts.duration(waited),
    }


# -- one conversation ----------------------------------------------------------------------------


@bp.get("/handoffs/<handoff_id>")
def handoff(handoff_id: str) -> ResponseReturnValue:
    service = HANDOFFS.get()
    view = service.get(handoff_id)
    audit_view(view.id, always=True)
    history = service.history(view.id)
    me = current_user().username
    mine = view.status == HandoffStatus.CLAIMED.value and view.assignee == me
    waiting = view.status == HandoffStatus.WAITING.value
    canned = CONSOLE.get().canned
    languages = [view.language, *[code for code in canned if code != view.language]]
    return render_template(
        "console/handoff.html",
        view=view,
        summary=texts.summary_rows(view.summary),
        transcript=service.transcript(view.id),
        history=[{**event, "text": texts.event_text(event)} for event in history],
        notes=[e for e in history if e["kind"] in (EventKind.NOTE, EventKind.CALLBACK)],
        colleagues=[u for u in CONSOLE.get().users.users(active_only=True) if u.username != me],
        canned=[(code, LANGUAGE_NAMES.get(code, code), canned[code]) for code in languages],
        can={
            "claim": waiting,
            "release": mine,
            "reassign": waiting or mine,
            "close": waiting or mine,
            "reply": mine,
        },
        waited=texts.duration(max(0, int((utcnow() - view.created_at).total_seconds()))),
        sms_max=SMS_MAX_CHARACTERS,
        note_max=NOTE_MAX_CHARACTERS,
        window_max=WINDOW_MAX_CHARACTERS,
        callback_note_max=CALLBACK_NOTE_MAX_CHARACTERS,
    )


@bp.get("/handoffs/<handoff_id>/transcript.json")
def transcript_json(handoff_id: str) -> ResponseReturnValue:
    service = HANDOFFS.get()
    view = service.get(handoff_id)
    audit_view(view.id, always=False)
    messages = [
        {key: message[key] for key in ("id", "direction", "body", "at")}
        for message in service.transcript(view.id)
    ]
    return jsonify(status=view.status, assignee=view.assignee, messages=messages)


def _when(moment: str | datetime | None) -> str:
    """A time as the page shows it before its script puts it in the reader's time zone."""
    if moment is None:
        return ""
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return as_utc(value).strftime("%Y-%m-%d %H:%M UTC")


# -- what a specialist does ----------------------------------------------------------------------


def _back(handoff_id: str, message: str, category: str = "success") -> ResponseReturnValue:
    flash(message, category)
    return redirect(url_for("console.handoff", handoff_id=handoff_id), 303)


def _form_text(name: str, limit: int, field: str, *, required: bool = True) -> str:
    text = request.form.get(name, "")
    if (required and not text.strip()) or len(text) > limit:
        minimum = 1 if required else 0
        what = texts.FIELDS[field]
        raise FormError(texts.REFUSED["length"].format(what=what, minimum=minimum, limit=limit))
    return text.strip()


@bp.post("/handoffs/<handoff_id>/claim")
def claim(handoff_id: str) -> ResponseReturnValue:
    HANDOFFS.get().claim(handoff_id, current_user().username)
    return _back(handoff_id, texts.DONE["claim"])


@bp.post("/handoffs/<handoff_id>/release")
def release(handoff_id: str) -> ResponseReturnValue:
    HANDOFFS.get().release(handoff_id, current_user().username)
    return _back(handoff_id, texts.DONE["release"])


@bp.post("/handoffs/<handoff_id>/reassign")
def reassign(handoff_id: str) -> ResponseReturnValue:
    to = request.form.get("to", "").strip().lower()
    if to not in {user.username for user in CONSOLE.get().users.users(active_only=True)}:
        raise FormError(texts.REFUSED["no_colleague"])
    HANDOFFS.get().reassign(handoff_id, current_user().username, to)
    return _back(handoff_id, texts.DONE["reassign"].format(to=to))


@bp.post("/handoffs/<handoff_id>/close")
def close(handoff_id: str) -> ResponseReturnValue:
    closed = close_handoff(HANDOFFS.get(), handoff_id, current_user().username)
    parts = [texts.DONE["close"]]
    if not closed.assistant_resumed:
        parts.append(texts.DONE["close_not_resumed"])
    if closed.victim_notified:
        parts.append(texts.DONE["close_told"])
    elif closed.view.channel == Channel.SMS.value:
        parts.append(texts.DONE["close_not_told"])
    return _back(handoff_id, " ".join(parts))


@bp.post("/handoffs/<handoff_id>/reply")
def reply(handoff_id: str) -> ResponseReturnValue:
    text = _form_text("text", SMS_MAX_CHARACTERS, "reply")
    sent = send_reply(HANDOFFS.get(), handoff_id, current_user().username, text)
    if wants_json():
        return jsonify(message_id=sent.message_id, delivery_status=sent.receipt.status), 201
    return _back(handoff_id, texts.DONE["reply"])


@bp.post("/handoffs/<handoff_id>/notes")
def add_note(handoff_id: str) -> ResponseReturnValue:
    text = _form_text("text", NOTE_MAX_CHARACTERS, "note")
    HANDOFFS.get().add_note(handoff_id, current_user().username, text)
    return _back(handoff_id, texts.DONE["note"])


@bp.post("/handoffs/<handoff_id>/callback")
def request_callback(handoff_id: str) -> ResponseReturnValue:
    window = _form_text("window", WINDOW_MAX_CHARACTERS, "window")
    voicemail = request.form.get("voicemail")
    if voicemail not in ("yes", "no"):
        raise FormError(texts.REFUSED["no_voicemail_answer"])
    note = _form_text("note", CALLBACK_NOTE_MAX_CHARACTERS, "callback_note", required=False)
    HANDOFFS.get().record_callback(
        handoff_id, current_user().username, window, voicemail == "yes", note
    )
    return _back(handoff_id, texts.DONE["callback"])


@bp.post("/handoffs/<handoff_id>/messages/<int:message_id>/flag")
def flag_message(handoff_id: str, message_id: int) -> ResponseReturnValue:
    """ "The assistant misunderstood this": the message goes to the review inbox, de-identified,
    in the conversation's language."""
    view = HANDOFFS.get().get(handoff_id)
    item_id, created = REVIEW.get().flag_message(view.conversation_id, message_id, view.language)
    AUDIT.get().record(current_user().username, FLAGGED, view.id)
    if wants_json():
        return jsonify(id=item_id, created=created), 201 if created else 200
    return _back(handoff_id, review_texts.DONE["flagged" if created else "flagged_again"])


# -- supervisors ---------------------------------------------------------------------------------


@bp.get("/audit")
@supervisors_only
def audit() -> ResponseReturnValue:
    return render_template("console/audit.html", entries=AUDIT.get().entries(AUDIT_PAGE_LIMIT))


@bp.get("/users")
@supervisors_only
def users() -> ResponseReturnValue:
    return render_template("console/users.html", users=CONSOLE.get().users.users())
