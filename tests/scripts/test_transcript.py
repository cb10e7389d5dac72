from scripts.transcript import conversations


def test_blank_lines_separate_conversations():
    text = "hi\nwhat is this\n\n\nhola\n  gracias  \n"
    assert conversations(text) == [["hi", "what is this"], ["hola", "gracias"]]


def test_the_review_file_has_fifty_messages_in_both_languages():
    from pathlib import Path

    review = Path(__file__).resolve().parents[2] / "docs" / "review-conversations.txt"
    messages = [m for c in conversations(review.read_text()) for m in c]
    assert len(messages) == 50
