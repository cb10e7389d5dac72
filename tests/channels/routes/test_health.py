def test_healthz_is_always_ok(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_readyz_reports_each_dependency(client, assistant):
    response = client.get("/readyz")
    body = response.get_json()
    # the scripted assistant answers, the database works; no action server listens here
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["rasa"] == "ok"
    assert body["checks"]["actions"].startswith("failed")
    assert response.status_code == 503


def test_readyz_fails_when_the_assistant_is_down(client, assistant):
    assistant.answer = None
    body = client.get("/readyz").get_json()
    assert body["status"] == "not ready"
    assert body["checks"]["rasa"].startswith("failed")
