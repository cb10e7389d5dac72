"""How people text, read as the words they mean: one spelling per word for the classifier.

Texters write "q", "xq", "porfa", "u", "pls", "rn"; they drop accents and stretch letters
("ayudaaaa", "pleeease"). The classifier learns words from their spellings, so "porque" seen in
training and "xq" in a message are two unrelated words to it, unless both are read as one.
:func:`normal_word` gives each word the spelling the classifier is trained and asked with; the
message itself is never changed (the gateway, the forms and the danger rules read the original).

Only abbreviations that mean one thing in a hotline message are listed: "ya" (Spanish "already")
or "k" alone are ambiguous between languages or uses and stay as they are. Pure, linear time.
"""

from __future__ import annotations

from formats.text import fold_word, unstretch

SHORTHAND: dict[str, str] = {
    # English
    "u": "you",
    "ur": "your",
    "r": "are",
    "pls": "please",
    "plz": "please",
    "pleas": "please",
    "thx": "thanks",
    "thnx": "thanks",
    "tnx": "thanks",
    "ty": "thank you",
    "idk": "i dont know",
    "dunno": "dont know",
    "rn": "right now",
    "b4": "before",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "bcuz": "because",
    "wat": "what",
    "wut": "what",
    "ppl": "people",
    "msg": "message",
    "txt": "text",
    "lmk": "let me know",
    "govt": "government",
    "gonna": "going to",
    "wanna": "want to",
    "gotta": "got to",
    # Spanish
    "q": "que",
    "qe": "que",
    "ke": "que",
    "xq": "porque",
    "pq": "porque",
    "xk": "porque",
    "pk": "porque",
    "porq": "porque",
    "tb": "tambien",
    "tmb": "tambien",
    "tmbn": "tambien",
    "tbn": "tambien",
    "porfa": "por favor",
    "porfavor": "por favor",
    "xfa": "por favor",
    "xfavor": "por favor",
    "plis": "please",
    "ntp": "no te preocupes",
    "bn": "bien",
    "dnd": "donde",
    "cdo": "cuando",
    "msj": "mensaje",
    "toy": "estoy",
    "tons": "entonces",
    "pa": "para",
    "d": "de",
    "x": "por",
    "sta": "esta",
    "stoy": "estoy",
    "kiero": "quiero",
    "aki": "aqui",
    "aka": "aca",
}


def normal_word(word: str) -> str:
    """The spelling a word is learned and read by: folded, unstretched, shorthand spelled out."""
    folded = unstretch(fold_word(word))
    return SHORTHAND.get(folded, folded)
