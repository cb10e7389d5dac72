"""The review inbox at ``/console/review``: what the assistant may have misunderstood, for the
maintainers (and supervisors; specialists get 403), on the console's blueprint, so that its
sessions, CSRF checks and error pages are the console's.

* ``GET /console/review``: the items, newest first, ``PAGE_SIZE`` a page, filtered by the query
  string (``intent``, ``language``, ``reason``, ``status``; ``page``). Each shows the
  de-identified text, the bot's turn before it, the language, what the assistant read and how
  sure it was, and why it is here.
* ``POST /console/review/<id>``: the right intent (``action=label``, with the text optionally
  edited: refused while it identifies someone) or ``action=not_useful``. Back to the same
  filters.

Texts only ever appear de-identified here; the conversation they came from is never shown.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from channels.handoff.audit import AUDIT
from channels.review.service import (
    PAGE_SIZE,
    REVIEW,
    STATUS_FILTERS,
    Filters,
    ItemNotFound,
    ReviewError,
)
from channels.routes.console import bp
from channels.routes.console_session import current_user, reviewers_only, wants_json
from channels.routes.parsing import query_count
from channels.texts import review as texts
from channels.texts.languages import LANGUAGE_NAMES

__all__ = ["bp"]

LABELLED = "review.labelled"  # audit entries: who labelled which item
MAX_PAGE = 10_000
FILTER_LENGTH = 64


@bp.errorhandler(ReviewError)
def _review_refused(error: ReviewError) -> ResponseReturnValue:
    """A refused flag goes back to its conversation, a refused label to the inbox; no such
    item is a 404 page."""
    if isinstance(error, ItemNotFound) and error.code == "no_item":
        if wants_json():
            return jsonify(error="Not Found", detail=texts.NO_SUCH_ITEM), 404
        page = render_template("console/error.html", title="Not found", detail=texts.NO_SUCH_ITEM)
        return page, 404
    message = texts.REFUSED[error.code].format(**error.details)
    status = 404 if isinstance(error, ItemNotFound) else 422
    if wants_json():
        return jsonify(error="invalid", detail=message), status
    flash(message, "error")
    handoff_id = (request.view_args or {}).get("handoff_id")
    if handoff_id is not None:
        return redirect(url_for("console.handoff", handoff_id=handoff_id), 303)
    return redirect(_back_to_inbox(), 303)


@bp.get("/review")
@reviewers_only
def review() -> ResponseReturnValue:
    filters = _filters()
    page = max(query_count("page", 1, MAX_PAGE), 1)
    inbox = REVIEW.get()
    found = inbox.page(filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    last_page = max(1, -(-found.total // PAGE_SIZE))
    return render_template(
        "console/review.html",
        items=found.items,
        total=found.total,
        filters=filters,
        page=page,
        newer=_page_url(filters, page - 1) if page > 1 else None,
        older=_page_url(filters, page + 1) if page < last_page else None,
        here=_page_url(filters, page),
        intents=inbox.intents,
        reasons=texts.REASONS,
        statuses=texts.STATUSES,
        languages=LANGUAGE_NAMES,
        nothing=texts.NOTHING,
    )


@bp.post("/review/<int:item_id>")
@reviewers_only
def review_item(item_id: int) -> ResponseReturnValue:
    inbox, me = REVIEW.get(), current_user().username
    if request.form.get("action") == "not_useful":
        inbox.not_useful(item_id, me)
        message = texts.DONE["not_useful"]
    else:
        intent = request.form.get("intent", "")
        edited = request.form.get("text")
        view = inbox.label(item_id, intent, edited, me)
        message = texts.DONE["labelled"].format(intent=view.label_intent)
    AUDIT.get().record(me, LABELLED, f"review-item-{item_id}")
    flash(message, "success")
    return redirect(_back_to_inbox(), 303)


def _filters() -> Filters:
    """The query string's filters; a value that is no option is a 400, not an empty page."""
    intent = _choice("intent", REVIEW.get().intents)
    language = _choice("language", tuple(LANGUAGE_NAMES))
    reason = _choice("reason", tuple(texts.REASONS))
    status = _choice("status", tuple(STATUS_FILTERS)) or "open"
    return Filters(intent=intent, language=language, reason=reason, status=status)


def _choice(name: str, allowed: tuple[str, ...]) -> str:
    value = request.args.get(name, "")
    if value and value not in allowed:
        abort(400, description=f"{name}: not one of the choices")
    return value


def _query(filters: Filters, page: int) -> dict[str, Any]:
    shown = {
        "intent": filters.intent,
        "language": filters.language,
        "reason": filters.reason,
        "status": filters.status if filters.status != "open" else "",
        "page": str(page) if page > 1 else "",
    }
    return {key: value for key, value in shown.items() if value}


def _page_url(filters: Filters, page: int) -> str:
    query = urlencode(_query(filters, page))
    return url_for("console.review") + (f"?{query}" if query else "")


def _back_to_inbox() -> str:
    """The inbox with the filters the form was posted from (``back``), if it is the inbox's."""
    back = request.form.get("back", "")
    inbox = url_for("console.review")
    if back.startswith(inbox) and back.isprintable() and "\\" not in back and len(back) < 512:
        rest = back[len(inbox) :]
        if rest == "" or rest.startswith("?"):
            return back
    return inbox
