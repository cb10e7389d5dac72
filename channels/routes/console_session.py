"""The console's sessions, and what the console keeps in the app (its users, the login
throttle, the canned replies: ``CONSOLE``).

* **Log in** (``/console/login``) with a user made by ``python -m channels.console_users``. The
  session is Flask's signed cookie (``SECRET_KEY``): HttpOnly, SameSite=Lax, Secure when the
  public URL is https. It ends after ``console_idle_minutes`` (30) without activity, and 12 hours
  after logging in whatever happens; a deactivated user or a changed password ends it at the next
  request. The live polls of the pages are not activity: a console left open times out. Each
  session is also kept on the server (``channels.handoff.sessions``): logout ends it there, so a
  copied cookie is worthless. Five failed logins of a user name, or twenty from one address, in
  15 minutes and logins are refused, with the same message; at most two password checks run at
  once per process (each is a 32 MiB scrypt hash).
* **CSRF**: every POST carries the session's token, as the form field ``csrf_token`` or the
  ``X-CSRF-Token`` header; a missing or wrong one is 400.
* Roles: supervisors-only pages; the review inbox for maintainers and supervisors; maintainers
  see nothing else (no queue, no conversation: ``MAINTAINER_ENDPOINTS``). The security headers
  every response carries: ``routes.headers``.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar, cast

import yaml
from flask import (
    Flask,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue

from channels.config.settings import current_settings
from channels.extension import Extension
from channels.handoff.audit import AUDIT
from channels.handoff.sessions import ConsoleSessions
from channels.handoff.specialist_actions import (
    SMS_MAX_CHARACTERS,
    VIEWED,
)
from channels.handoff.users import LoginThrottle, SpecialistService, User, normalise_name
from channels.storage.database import DATABASE, utcnow
from channels.storage.privacy import PRIVACY
from channels.texts import console as texts
from channels.texts import review as review_texts
from channels.texts.languages import LANGUAGES

log = logging.getLogger(__name__)

CANNED_REPLIES = Path(texts.__file__).with_name("canned_replies.yml")
ABSOLUTE_LIMIT = timedelta(hours=12)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
PUBLIC_ENDPOINTS = {"console.login"}
# All a maintainer may open: the review inbox, and logging out.
MAINTAINER_ENDPOINTS = {"console.login", "console.logout", "console.review", "console.review_item"}
# The pages' live polls: reading them is not activity, so an unattended console still times out.
PASSIVE_ENDPOINTS = {"console.queue_json", "console.transcript_json"}
MAX_CONCURRENT_HASHES = 2
HASH_WAIT_SECONDS = 5.0
VIEWED_MEMORY = 20  # handoffs a session remembers having audited (for the transcript poll)

F = TypeVar("F", bound=Callable[..., ResponseReturnValue])


@dataclass(frozen=True)
class CannedReply:
    label: str
    text: str


@dataclass
class Console:
    """What the console keeps in the app (``CONSOLE``); tests set ``clock``
    (the sessions' time) and ``throttle.clock``."""

    users: SpecialistService
    throttle: LoginThrottle
    sessions: ConsoleSessions
    canned: dict[str, list[CannedReply]]
    clock: Callable[[], datetime] = field(default=utcnow)
    # A password check costs a 32 MiB scrypt hash in the workers that also answer the webhooks:
    # at most this many at once per process, the rest wait briefly or are told to try again.
    hashing: threading.BoundedSemaphore = field(
        default_factory=lambda: threading.BoundedSemaphore(MAX_CONCURRENT_HASHES)
    )


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


CONSOLE: Extension[Console] = Extension("console")


def install(app: Flask) -> None:
    """The session cookie's flags, the users, the login throttle and the canned replies."""
    settings = current_settings(app)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_url.startswith("https://"),
        PERMANENT_SESSION_LIFETIME=ABSOLUTE_LIMIT,
    )
    database = DATABASE.get(app)
    CONSOLE.set(
        app,
        Console(
            users=SpecialistService(database),
            throttle=LoginThrottle(database, PRIVACY.get(app)),
            sessions=ConsoleSessions(database),
            canned=load_canned_replies(CANNED_REPLIES),
        ),
    )


def current_user() -> User:
    """The logged-in user (every endpoint but the login page has one)."""
    return cast(User, g.console_user)


def session_user() -> User | None:
    """The session's user, if the session is still good; an ended session is cleared."""
    user_id = session.get("uid")
    if user_id is None:
        return None
    now = CONSOLE.get().clock().timestamp()
    settings = current_settings()
    idle = timedelta(minutes=settings.console_idle_minutes)
    logged_in, seen = session.get("login_at", 0), session.get("seen_at", 0)
    if now - logged_in > ABSOLUTE_LIMIT.total_seconds() or now - seen > idle.total_seconds():
        session.clear()
        flash(texts.SESSION_ENDED, "info")
        return None
    console = CONSOLE.get()
    user = console.users.get(int(user_id))
    if user is None or not user.active or user.password_stamp != session.get("stamp"):
        session.clear()
        return None
    if not console.sessions.is_open(str(session.get("sid", "")), user.id):  # logged out
        session.clear()
        return None
    if request.endpoint not in PASSIVE_ENDPOINTS:
        session["seen_at"] = int(now)
    return user


def start_session(user: User) -> None:
    """A new session for a new login: nothing of the one before survives, the token neither."""
    session.clear()
    session.permanent = True
    console = CONSOLE.get()
    now = int(console.clock().timestamp())
    session.update(
        sid=console.sessions.open(user.id),
        uid=user.id,
        stamp=user.password_stamp,
        csrf=secrets.token_urlsafe(32),
        login_at=now,
        seen_at=now,
        viewed=[],
    )


def wants_json() -> bool:
    return request.path.endswith(".json") or request.accept_mimetypes.best == "application/json"


def needs_login() -> ResponseReturnValue:
    if wants_json():
        return jsonify(error="unauthorized", detail="log in at /console/login"), 401
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("console.login", next=target), 303)


def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


def check_csrf() -> None:
    expected = str(session.get("csrf", ""))
    given = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        abort(400, description=texts.CSRF_REFUSAL)


def supervisors_only(view: F) -> F:
    @wraps(view)
    def check(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if not current_user().is_supervisor:
            abort(403, description=texts.SUPERVISORS_ONLY)
        return view(*args, **kwargs)

    return cast(F, check)


def reviewers_only(view: F) -> F:
    @wraps(view)
    def check(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if not current_user().can_review:
            abort(403, description=review_texts.REVIEWERS_ONLY)
        return view(*args, **kwargs)

    return cast(F, check)


def check_role_reach() -> None:
    """403 for a maintainer anywhere but the review inbox: conversations hold personal data."""
    user = g.get("console_user")
    reachable = user is None or user.sees_conversations
    if not reachable and request.endpoint not in MAINTAINER_ENDPOINTS:
        abort(403, description=review_texts.CONVERSATIONS_HIDDEN)


def home_url(user: User, target: str | None = None) -> str:
    """Where a user lands after logging in: ``target`` (a safe console path) if the user may
    open it, else the queue, or a maintainer's review inbox."""
    if user.sees_conversations:
        return target or url_for("console.queue")
    review = url_for("console.review")
    return target if target and target.startswith(review) else review


def end_session() -> None:
    """Logout: the server forgets the session, so a copy of the cookie is worth nothing."""
    CONSOLE.get().sessions.close(str(session.get("sid", "")))
    session.clear()


def client_address() -> str:
    """The client's address as the server saw it (behind a proxy, configure the proxy's
    forwarded-for handling, e.g. werkzeug's ProxyFix, so that this is the client's)."""
    return request.remote_addr or "unknown"


def log_refusal(name: str, blocked: bool) -> None:
    """Names the user only if the name is one: a mistyped password could be in the field."""
    console = CONSOLE.get()
    who = normalise_name(name) if console.users.exists(name) else "an unknown user name"
    if blocked:
        log.warning("console: login refused for %s: too many failed logins", who)
        return
    failures = console.throttle.failed(name, client_address())
    log.warning("console: failed login for %s (%d in the last 15 minutes)", who, failures)


def safe_next(target: str | None) -> str | None:
    """Only a path of the console itself: never another site ("//evil", "/\\evil")."""
    if not target or not target.startswith("/console") or "\\" in target:
        return None
    return target if target.isprintable() and not target.startswith("//") else None


def audit_view(handoff_id: str, *, always: bool) -> None:
    """Every page view is an audit entry; a transcript poll is one only when this session has
    not written one for this handoff yet (the page's polls are covered by the page's entry)."""
    seen = list(session.get("viewed", []))
    if handoff_id in seen and not always:
        return
    AUDIT.get().record(current_user().username, VIEWED, handoff_id)
    others = [item for item in seen if item != handoff_id]
    session["viewed"] = [*others, handoff_id][-VIEWED_MEMORY:]
