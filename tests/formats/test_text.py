from __future__ import annotations

import time

import pytest

from formats.text import fold, fold_chars, fold_phrase, fold_words, strip_accents


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Número", "numero"),
        ("ESPAÑOL", "espanol"),
        ("Ayúdame YA", "ayudame ya"),
        ("ÜBER", "uber"),
        ("1º", "1o"),
    ],
)
def test_fold_lowers_and_drops_accents(text, folded):
    assert fold(text) == folded


def test_strip_accents_keeps_case():
    assert strip_accents("José Núñez") == "Jose Nunez"


def test_fold_chars_keeps_positions():
    text = "Olvídalo ß ﬁn"
    folded = fold_chars(text)
    assert len(folded) == len(text)
    assert folded == "olvidalo s fn"


def test_fold_words_joins_apostrophes_and_drops_punctuation():
    assert fold_words("¡That\u2019s Núñez, he's HERE!") == ["thats", "nunez", "hes", "here"]
    assert fold_phrase("  ¿Está   afuera?? ") == "esta afuera"


def test_folding_is_linear_on_long_adversarial_text():
    texts = [" " * 1600, "a'" * 800, "é" * 1600, "1 " * 800, "ﬁ" * 1600]
    started = time.perf_counter()
    for text in texts:
        fold_phrase(text)
        fold_chars(text)
    assert time.perf_counter() - started < 0.5
