from sqlalchemy.exc import OperationalError

from channels.storage.database import DATABASE


def test_healthz_is_always_ok(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_ready_when_the_database_answers_with_the_assistant_reported_beside_it(client, assistant):
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 200 and body["checks"] == {"database": "ok"}
    # the scripted assistant answers; no action server listens here
    assert body["assistant"]["checks"]["rasa"] == "ok"
    assert body["assistant"]["checks"]["actions"].startswith("failed")
    assert body["assistant"]["status"] == "degraded"


def test_still_ready_while_the_assistant_is_down(client, assistant):
    """Texts still get the fallback answer and are kept: the gateway stays in rotation."""
    assistant.answer = None
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["assistant"]["checks"]["rasa"].startswith("failed")


def test_not_ready_without_its_database(app, client, monkeypatch):
    def down() -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(DATABASE.get(app), "ping", down)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"] == "failed: OperationalError"
