"""What the review inbox (``/console/review``) shows and flashes, and the specialists' flag
button's answers (English: the maintainers' and specialists' working language)."""

from __future__ import annotations

# Why a turn is in the inbox (channels.review.models.ReviewReason values).
REASONS = {
    "unsure": "Unsure (below the fallback threshold)",
    "barely_sure": "Barely sure (just above the threshold)",
    "said_no": "Answered NO to \u201cDid you mean\u201d",
    "unsure_twice": "Unsure twice in a row",
    "frustrated_after_answer": "Frustrated right after an answer",
    "flagged": "Flagged by a specialist",
}
STATUSES = {
    "open": "To review (new and labelled)",
    "new": "New",
    "labelled": "Labelled",
    "not_useful": "Not useful",
    "exported": "Exported",
    "all": "All",
}
REVIEWERS_ONLY = "Only maintainers and supervisors can open the review inbox."
CONVERSATIONS_HIDDEN = "Maintainers see the review inbox, not the conversations themselves."
NO_SUCH_ITEM = "There is no review item with this id."
DONE = {
    "labelled": "Labelled as {intent}: the next export adds it to the training data.",
    "not_useful": "Marked as not useful: it will not be exported.",
    "flagged": "Thank you: the message is in the maintainers' review inbox, de-identified.",
    "flagged_again": "This message was already in the review inbox; it is now marked as flagged.",
}
REFUSED = {
    "intent": "Choose the intent the message really has, or \u201cNot useful\u201d.",
    "identifying": (
        "Not saved: the edited text still holds identifying details ({kinds}). Replace each "
        "with its kind in brackets, like [NAME] or [PHONE], or leave the text as it was."
    ),
    "empty": "Not saved: the edited text is empty. Leave it as it was to keep the message.",
    "long": "Not saved: the edited text is longer than {limit:,} characters.",
    "exported": "This item has already been exported: it can no longer be changed.",
    "no_message": "There is no message from the person with this id in this conversation.",
}
# The inbox's empty state and count.
NOTHING = "Nothing to review with these filters."
