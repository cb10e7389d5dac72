from channels.twilio.fake_phone import sms_params
from channels.twilio.signature import SIGNATURE_HEADER, sign
from tests.channels.conftest import AUTH_TOKEN, PUBLIC_URL


def test_valid_signature_is_accepted(signed_post):
    assert signed_post().status_code == 200


def test_missing_signature_is_refused(client):
    response = client.post("/twilio/sms", data=sms_params("+17135550142", "hi"))
    assert response.status_code == 403
    assert "Signature" in response.get_json()["detail"]


def test_signature_made_with_another_token_is_refused(client):
    params = sms_params("+17135550142", "hi")
    forged = sign("not-the-token", PUBLIC_URL + "/twilio/sms", params)
    response = client.post("/twilio/sms", data=params, headers={SIGNATURE_HEADER: forged})
    assert response.status_code == 403


def test_tampered_parameters_are_refused(client):
    params = sms_params("+17135550142", "hi")
    signature = sign(AUTH_TOKEN, PUBLIC_URL + "/twilio/sms", params)
    tampered = {**params, "Body": "something else"}
    response = client.post("/twilio/sms", data=tampered, headers={SIGNATURE_HEADER: signature})
    assert response.status_code == 403


def test_behind_a_proxy_the_public_url_is_what_counts(client):
    """Flask sees http://localhost/..., Twilio signed https://hotline.example.org/...:
    valid for the public URL, and a signature over the internal URL is refused."""
    params = sms_params("+17135550142", "hi")
    internal = sign(AUTH_TOKEN, "http://localhost/twilio/sms", params)
    response = client.post(
        "/twilio/sms",
        data=params,
        headers={SIGNATURE_HEADER: internal, "X-Forwarded-Host": "hotline.example.org"},
    )
    assert response.status_code == 403
    public = sign(AUTH_TOKEN, PUBLIC_URL + "/twilio/sms", params)
    response = client.post(
        "/twilio/sms",
        data=params,
        headers={SIGNATURE_HEADER: public},
        base_url="http://10.0.0.7:8080",
    )
    assert response.status_code == 200


def test_query_string_is_part_of_the_signed_url(client):
    params = sms_params("+17135550142", "hi")
    without_query = sign(AUTH_TOKEN, PUBLIC_URL + "/twilio/sms", params)
    response = client.post(
        "/twilio/sms?source=fallback", data=params, headers={SIGNATURE_HEADER: without_query}
    )
    assert response.status_code == 403
    with_query = sign(AUTH_TOKEN, PUBLIC_URL + "/twilio/sms?source=fallback", params)
    response = client.post(
        "/twilio/sms?source=fallback", data=params, headers={SIGNATURE_HEADER: with_query}
    )
    assert response.status_code == 200
