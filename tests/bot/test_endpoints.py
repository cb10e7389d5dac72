from rasa.core.utils import read_endpoints_from_path

from tests.bot.helpers import ROOT


def test_the_action_server_and_its_token_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("HOTLINE_ACTIONS_URL", "http://127.0.0.1:6055/webhook")
    monkeypatch.setenv("HOTLINE_ACTIONS_TOKEN", "a-token-of-the-action-server")
    endpoints = read_endpoints_from_path(ROOT / "bot" / "endpoints.yml")
    assert endpoints.action.url == "http://127.0.0.1:6055/webhook"
    # A header, never a query parameter: tokens stay out of URLs (and their logs).
    assert endpoints.action.headers == {"Authorization": "Bearer a-token-of-the-action-server"}
    assert not endpoints.action.params and endpoints.action.token is None
