"""The specialist console at ``/console``: server-rendered pages for the people who take over
conversations from the assistant.

* **Log in** (``/console/login``) with a user made by ``python -m channels.console_users``. The
  session is Flask's signed cookie (``SECRET_KEY``): HttpOnly, SameSite=Lax, Secure when the
  public URL is https. It ends after ``console_idle_minutes`` (30) without activity, and 12 hours
  after logging in whatever happens; a deactivated user or a changed password ends it at the next
  request. The live polls of the pages are not activity: a console left open times out. Five
  failed logins of a user name in 15 minutes and that name is refused, with the same message.
* **CSRF**: every POST carries the session's token, as the form field ``csrf_token`` or the
  ``X-CSRF-Token`` header; a missing or wrong one is 400.
* **Pages**: the queue (``/console``, polled as ``/console/queue.json``: no personal data); a
  conversation (``/console/handoffs/<id>``: summary, transcript polled as ``transcript.json``,
  history, notes, claim / release / reassign / close, a reply by SMS with canned replies, a
  callback request); the audit log and the user list for supervisors. Every view of a
  conversation is written to the audit log; its transcript poll is covered by that entry (or
  writes one, once per session, when it comes without the page).
* Replying and closing are ``channels.handoff.specialist_actions``, as in the API.

No inline script or style anywhere: the pages run under a strict Content-Security-Policy.
Nothing here logs a phone number, a message, a note or a password.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar, cast

import yaml
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from channels.handoff.audit import AuditLog
from channels.handoff.errors import HandoffConflict, HandoffNotFound
from channels.handoff.models import EventKind, HandoffStatus, HandoffView
from channels.handoff.service import HandoffService
from channels.handoff.specialist_actions import (
    NOTE_MAX_CHARACTERS,
    SMS_MAX_CHARACTERS,
    VIEWED,
    OptedOut,
    close_handoff,
    send_reply,
)
from channels.handoff.users import LoginThrottle, SpecialistService, User, normalise_name
from channels.outbound.message import Channel, SendFailed
from channels.storage.database import as_utc, utcnow
from channels.texts import console as texts
from channels.texts.languages import LANGUAGE_NAMES, LANGUAGES

log = logging.getLogger(__name__)
bp = Blueprint("console", __name__, url_prefix="/console")

CANNED_REPLIES = Path(texts.__file__).with_name("canned_replies.yml")
ABSOLUTE_LIMIT = timedelta(hours=12)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
PUBLIC_ENDPOINTS = {"console.login"}
# The pages' live polls: reading them is not activity, so an unattended console still times out.
PASSIVE_ENDPOINTS = {"console.queue_json", "console.transcript_json"}
VIEWED_MEMORY = 20  # handoffs a session remembers having audited (for the transcript poll)
WINDOW_MAX_CHARACTERS = 200
CALLBACK_NOTE_MAX_CHARACTERS = 1000
AUDIT_PAGE_LIMIT = 200
RECENTLY_CLOSED = 10
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",  # personal data: not kept by the browser, not shown after logout
}

F = TypeVar("F", bound=Callable[..., ResponseReturnValue])


@dataclass(frozen=True)
class CannedReply:
    label: str
    text: str


@dataclass
class Console:
    """What the console keeps in ``app.extensions["hotline.console"]``; tests set ``clock``
    (the sessions' time) and ``throttle.clock``."""

    users: SpecialistService
    throttle: LoginThrottle
    canned: dict[str, list[CannedReply]]
    clock: Callable[[], datetime] = field(default=utcnow)


class FormError(Exception):
    """What the person filled in cannot be used; the message says what to change."""


def load_canned_replies(path: Path) -> dict[str, list[CannedReply]]:
    """``{"en": [...], "es": [...]}`` from the YAML file; ValueError if it is malformed."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or set(data) != set(LANGUAGES):
        raise ValueError(f"{path}: one list of replies per language: {', '.join(LANGUAGES)}")
    canned: dict[str, list[CannedReply]] = {}
    for language, items in data.items():
        if not isinstance(items, list) or not items:
            raise ValueError(f"{path}: {language} must be a list of replies")
        canned[language] = []
        for item in items:
            if not isinstance(item, dict) or not item.get("label") or not item.get("text"):
                raise ValueError(f"{path}: every {language} reply needs a label and a text")
            text = " ".join(str(item["text"]).split())
            if len(text) > SMS_MAX_CHARACTERS:
                raise ValueError(f"{path}: {item['label']!r} is longer than an SMS can be")
            canned[language].append(CannedReply(str(item["label"]), text))
    return canned


@bp.record_once
def _set_up(state: BlueprintSetupState) -> None:
    """The session cookie's flags, the users, the login throttle and the canned replies."""
    app = state.app
    settings = app.config["HOTLINE_SETTINGS"]
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_url.startswith("https://"),
        PERMANENT_SESSION_LIFETIME=ABSOLUTE_LIMIT,
    )
    database = app.extensions["hotline.db"]
    app.extensions["hotline.console"] = Console(
        users=SpecialistService(database),
        throttle=LoginThrottle(database, app.extensions["hotline.privacy"]),
        canned=load_canned_replies(CANNED_REPLIES),
    )


def _console() -> Console:
    return cast(Console, current_app.extensions["hotline.console"])


def _handoffs() -> HandoffService:
    return cast(HandoffService, current_app.extensions["hotline.handoffs"])


def _audit() -> AuditLog:
    return cast(AuditLog, current_app.extensions["hotline.audit"])


def _user() -> User:
    """The logged-in user (every endpoint but the login page has one)."""
    return cast(User, g.console_user)


# -- sessions, CSRF, roles -----------------------------------------------------------------------


@bp.before_request
def _guard() -> ResponseReturnValue | None:
    g.console_user = _session_user()
    if g.console_user is None and request.endpoint not in PUBLIC_ENDPOINTS:
        return _needs_login()
    if request.method == "POST":
        _check_csrf()
    return None


def _session_user() -> User | None:
    """The session's user, if the session is still good; an ended session is cleared."""
    user_id = session.get("uid")
    if user_id is None:
        return None
    now = _console().clock().timestamp()
    settings = current_app.config["HOTLINE_SETTINGS"]
    idle = timedelta(minutes=settings.console_idle_minutes)
    logged_in, seen = session.get("login_at", 0), session.get("seen_at", 0)
    if now - logged_in > ABSOLUTE_LIMIT.total_seconds() or now - seen > idle.total_seconds():
        session.clear()
        flash(texts.SESSION_ENDED, "info")
        return None
    user = _console().users.get(int(user_id))
    if user is None or not user.active or user.password_stamp != session.get("stamp"):
        session.clear()
        return None
    if request.endpoint not in PASSIVE_ENDPOINTS:
        session["seen_at"] = int(now)
    return user


def _start_session(user: User) -> None:
    """A new session for a new login: nothing of the one before survives, the token neither."""
    session.clear()
    session.permanent = True
    now = int(_console().clock().timestamp())
    session.update(
        uid=user.id,
        stamp=user.password_stamp,
        csrf=secrets.token_urlsafe(32),
        login_at=now,
        seen_at=now,
        viewed=[],
    )


def _wants_json() -> bool:
    return request.path.endswith(".json") or request.accept_mimetypes.best == "application/json"


def _needs_login() -> ResponseReturnValue:
    if _wants_json():
        return jsonify(error="unauthorized", detail="log in at /console/login"), 401
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("console.login", next=target), 303)


def _csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


def _check_csrf() -> None:
    expected = str(session.get("csrf", ""))
    given = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        abort(400, description=texts.CSRF_REFUSAL)


def supervisors_only(view: F) -> F:
    @wraps(view)
    def check(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if not _user().is_supervisor:
            abort(403, description=texts.SUPERVISORS_ONLY)
        return view(*args, **kwargs)

    return cast(F, check)


@bp.after_request
def _security_headers(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    return response


@bp.context_processor
def _template_helpers() -> dict[str, Any]:
    return {
        "csrf_token": _csrf_token,
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
    if _wants_json():
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
    if _wants_json():
        return jsonify(error=title, detail=detail), status
    return render_template("console/error.html", title=title, detail=detail), status


# -- logging in and out --------------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    target = _safe_next(request.values.get("next"))
    if request.method == "GET":
        if g.console_user is not None:
            return redirect(target or url_for("console.queue"))
        return render_template("console/login.html", next=target)
    name = request.form.get("username", "")
    password = request.form.get("password", "")
    console = _console()
    blocked = console.throttle.blocked(name)
    # Checked even when blocked: a refusal takes as long as a wrong password.
    user = console.users.authenticate(name, password)
    if blocked or user is None:
        _log_refusal(name, blocked)
        return render_template(
            "console/login.html", error=texts.WRONG_LOGIN, username=name, next=target
        ), 401
    console.throttle.succeeded(name)
    console.users.record_login(user.id)
    _start_session(user)
    log.info("console: %s logged in", user.username)
    return redirect(target or url_for("console.queue"), 303)


def _log_refusal(name: str, blocked: bool) -> None:
    """Names the user only if the name is one: a mistyped password could be in the field."""
    console = _console()
    who = normalise_name(name) if console.users.exists(name) else "an unknown user name"
    if blocked:
        log.warning("console: login refused for %s: too many failed logins", who)
        return
    failures = console.throttle.failed(name)
    log.warning("console: failed login for %s (%d in the last 15 minutes)", who, failures)


def _safe_next(target: str | None) -> str | None:
    """Only a path of the console itself: never another site ("//evil", "/\\evil")."""
    if not target or not target.startswith("/console") or "\\" in target:
        return None
    return target if target.isprintable() and not target.startswith("//") else None


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    log.info("console: %s logged out", _user().username)
    session.clear()
    flash(texts.LOGGED_OUT, "info")
    return redirect(url_for("console.login"), 303)


# -- the queue -----------------------------------------------------------------------------------


@bp.get("/")  # registered second: url_for gives "/console"
@bp.get("")
def queue() -> ResponseReturnValue:
    """The open handoffs (refreshed by the page's script) and the last few closed ones."""
    now = utcnow()
    items = [_queue_item(view, now) for view in _handoffs().queue()]
    closed = [_queue_item(view, now) for view in _handoffs().closed(RECENTLY_CLOSED)]
    return render_template("console/queue.html", items=items, closed=closed)


@bp.get("/queue.json")
def queue_json() -> ResponseReturnValue:
    now = utcnow()
    items = [_queue_item(view, now) for view in _handoffs().queue()]
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
    service = _handoffs()
    view = service.get(handoff_id)
    _audit_view(view.id, always=True)
    history = service.history(view.id)
    me = _user().username
    mine = view.status == HandoffStatus.CLAIMED.value and view.assignee == me
    waiting = view.status == HandoffStatus.WAITING.value
    canned = _console().canned
    languages = [view.language, *[code for code in canned if code != view.language]]
    return render_template(
        "console/handoff.html",
        view=view,
        summary=texts.summary_rows(view.summary),
        transcript=service.transcript(view.id),
        history=[{**event, "text": texts.event_text(event)} for event in history],
        notes=[e for e in history if e["kind"] in (EventKind.NOTE, EventKind.CALLBACK)],
        colleagues=[u for u in _console().users.users(active_only=True) if u.username != me],
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
    service = _handoffs()
    view = service.get(handoff_id)
    _audit_view(view.id, always=False)
    messages = [
        {key: message[key] for key in ("id", "direction", "body", "at")}
        for message in service.transcript(view.id)
    ]
    return jsonify(status=view.status, assignee=view.assignee, messages=messages)


def _audit_view(handoff_id: str, *, always: bool) -> None:
    """Every page view is an audit entry; a transcript poll is one only when this session has
    not written one for this handoff yet (the page's polls are covered by the page's entry)."""
    seen = list(session.get("viewed", []))
    if handoff_id in seen and not always:
        return
    _audit().record(_user().username, VIEWED, handoff_id)
    others = [item for item in seen if item != handoff_id]
    session["viewed"] = [*others, handoff_id][-VIEWED_MEMORY:]


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
    _handoffs().claim(handoff_id, _user().username)
    return _back(handoff_id, texts.DONE["claim"])


@bp.post("/handoffs/<handoff_id>/release")
def release(handoff_id: str) -> ResponseReturnValue:
    _handoffs().release(handoff_id, _user().username)
    return _back(handoff_id, texts.DONE["release"])


@bp.post("/handoffs/<handoff_id>/reassign")
def reassign(handoff_id: str) -> ResponseReturnValue:
    to = request.form.get("to", "").strip().lower()
    if to not in {user.username for user in _console().users.users(active_only=True)}:
        raise FormError(texts.REFUSED["no_colleague"])
    _handoffs().reassign(handoff_id, _user().username, to)
    return _back(handoff_id, texts.DONE["reassign"].format(to=to))


@bp.post("/handoffs/<handoff_id>/close")
def close(handoff_id: str) -> ResponseReturnValue:
    closed = close_handoff(_handoffs(), handoff_id, _user().username)
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
    sent = send_reply(_handoffs(), handoff_id, _user().username, text)
    if _wants_json():
        return jsonify(message_id=sent.message_id, delivery_status=sent.receipt.status), 201
    return _back(handoff_id, texts.DONE["reply"])


@bp.post("/handoffs/<handoff_id>/notes")
def add_note(handoff_id: str) -> ResponseReturnValue:
    text = _form_text("text", NOTE_MAX_CHARACTERS, "note")
    _handoffs().add_note(handoff_id, _user().username, text)
    return _back(handoff_id, texts.DONE["note"])


@bp.post("/handoffs/<handoff_id>/callback")
def request_callback(handoff_id: str) -> ResponseReturnValue:
    window = _form_text("window", WINDOW_MAX_CHARACTERS, "window")
    voicemail = request.form.get("voicemail")
    if voicemail not in ("yes", "no"):
        raise FormError(texts.REFUSED["no_voicemail_answer"])
    note = _form_text("note", CALLBACK_NOTE_MAX_CHARACTERS, "callback_note", required=False)
    _handoffs().record_callback(handoff_id, _user().username, window, voicemail == "yes", note)
    return _back(handoff_id, texts.DONE["callback"])


# -- supervisors ---------------------------------------------------------------------------------


@bp.get("/audit")
@supervisors_only
def audit() -> ResponseReturnValue:
    return render_template("console/audit.html", entries=_audit().entries(AUDIT_PAGE_LIMIT))


@bp.get("/users")
@supervisors_only
def users() -> ResponseReturnValue:
    return render_template("console/users.html", users=_console().users.users())
