from channels import create_app


def test_simulator_page_is_served_in_development(client):
    response = client.get("/simulator")
    assert response.status_code == 200
    assert b"VOICE Hotline" in response.data


def test_simulator_is_absent_in_production(settings):
    app = create_app(settings.with_overrides(dev_mode=False))
    assert app.test_client().get("/simulator").status_code == 404


def test_simulator_refuses_a_request_without_a_body(client):
    response = client.post("/simulator/sms", json={"from": "+15550100123"})
    assert response.status_code == 400
    assert "body" in response.get_json()["detail"]
