import pytest

from channels.twilio.keywords import Keyword, match_keyword


@pytest.mark.parametrize(
    ("body", "keyword", "language"),
    [
        ("STOP", Keyword.OPT_OUT, "en"),
        (" stop. ", Keyword.OPT_OUT, "en"),
        ("Unsubscribe", Keyword.OPT_OUT, "en"),
        ("PARAR", Keyword.OPT_OUT, "es"),
        ("baja", Keyword.OPT_OUT, "es"),
        ("START", Keyword.OPT_IN, "en"),
        ("unstop", Keyword.OPT_IN, "en"),
        ("INICIAR", Keyword.OPT_IN, "es"),
        ("HELP", Keyword.HELP, "en"),
        ("help!", Keyword.HELP, "en"),
        ("AYUDA", Keyword.HELP, "es"),
        ("¡Ayuda!", Keyword.HELP, "es"),
    ],
)
def test_whole_message_keywords(body, keyword, language):
    match = match_keyword(body)
    assert match is not None
    assert (match.keyword, match.language) == (keyword, language)


@pytest.mark.parametrize(
    "body",
    ["stop sending me notifications", "please help me", "necesito ayuda", "yes", "si", "", "stopp"],
)
def test_keywords_inside_sentences_are_for_the_assistant(body):
    assert match_keyword(body) is None


def test_yes_opts_back_in_only_someone_who_opted_out():
    assert match_keyword("YES") is None
    match = match_keyword("YES", opted_out=True)
    assert match is not None and match.keyword is Keyword.OPT_IN
    match = match_keyword("sí", opted_out=True)
    assert match is not None and match.language == "es"
