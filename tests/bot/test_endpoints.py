from rasa.core.utils import read_endpoints_from_path

from tests.bot.helpers import ROOT


def test_action_server_url_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("HOTLINE_ACTIONS_URL", "http://127.0.0.1:6055/webhook")
    endpoints = read_endpoints_from_path(ROOT / "bot" / "endpoints.yml")
    assert endpoints.action.url == "http://127.0.0.1:6055/webhook"
