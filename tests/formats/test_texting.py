"""normal_word: the spelling the classifier learns and reads a texted word by."""

from __future__ import annotations

import time

import pytest

from formats.texting import SHORTHAND, normal_word


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        # accents and capitals
        ("Número", "numero"), ("AYÚDAME", "ayudame"), ("día", "dia"), ("Sí", "si"),
        # letters stretched for emphasis
        ("ayudaaaa", "ayuda"), ("pleeeease", "please"), ("HELLLP", "help"), ("sííí", "si"),
        # apostrophes dropped as the folded training words have them
        ("don't", "dont"), ("he\u2019s", "hes"),
        # texting shorthand, English and Spanish
        ("u", "you"), ("PLS", "please"), ("rn", "right now"), ("idk", "i dont know"),
        ("q", "que"), ("xq", "porque"), ("Porfa", "por favor"), ("tmb", "tambien"),
        ("ntp", "no te preocupes"), ("kiero", "quiero"),
    ],
)  # fmt: skip
def test_a_texted_word_reads_as_the_word_meant(typed: str, meant: str) -> None:
    assert normal_word(typed) == meant


@pytest.mark.parametrize(
    "word",
    # ordinary words, doubled letters that spell a word, and shorthand that means two things
    ["help", "ayuda", "llamar", "carro", "good", "see", "ya", "k", "a", "no", "911", "A204555781"],
)
def test_ordinary_words_stay_as_they_are(word: str) -> None:
    assert normal_word(word) == word.lower()


def test_the_shorthand_is_spelled_out_in_folded_words() -> None:
    # Each expansion is itself what normal_word gives its words: the table agrees with the
    # folding, so a message and the training line it matches read the same.
    for expansion in SHORTHAND.values():
        assert all(normal_word(word) == word for word in expansion.split())


def test_a_long_stretched_word_is_read_in_linear_time() -> None:
    start = time.perf_counter()
    normal_word("a" * 100_000 + "b" * 100_000)
    assert time.perf_counter() - start < 1.0
