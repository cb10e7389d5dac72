from __future__ import annotations

import time

import pytest

from formats.text import (
    Rewritten,
    fold,
    fold_chars,
    fold_phrase,
    fold_word,
    fold_words,
    strip_accents,
    unstretch,
)


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


def test_a_rewritten_text_maps_its_positions_back_to_the_original():
    original = "pin four eight two one, call 911"
    rewritten = Rewritten(original, [(4, 22, "4821")])
    assert rewritten.text == "pin 4821, call 911"
    assert rewritten.original_span(4, 8) == (4, 22)  # the replacement: all it replaced
    assert rewritten.original_span(5, 7) == (4, 22)  # inside it
    assert rewritten.original_span(0, 3) == (0, 3)  # before it
    assert rewritten.original_span(15, 18) == (29, 32)  # after it, shifted
    assert original[slice(*rewritten.original_span(15, 18))] == "911"


def test_a_text_with_nothing_replaced_is_itself():
    rewritten = Rewritten("same", [])
    assert rewritten.text == "same"
    assert rewritten.original_span(1, 3) == (1, 3)


def test_fold_chars_keeps_positions_for_ascii_and_accents():
    assert fold_chars("Número ABC") == "numero abc"
    assert len(fold_chars("ﬁ Ñ")) == len("ﬁ Ñ")


def test_a_word_is_folded_with_its_apostrophes_joined():
    assert fold_word("Don\u2019t") == "dont"
    assert fold_word("AYÚDAME") == "ayudame"


def test_letters_typed_three_times_or_more_are_read_once():
    assert unstretch("ayudaaaa pleeease") == "ayuda please"
    assert unstretch("llamar good 1111") == "llamar good 1111"  # doubles and digits stay
