import pytest
from sqlalchemy import select

from channels.handoff.service import HANDOFFS
from channels.handoff.states import Priority, Reason
from channels.sms_flow.answer import FLOOD_LIMIT
from channels.storage.database import DATABASE
from channels.storage.messages import Conversation, Direction, Message, Status
from channels.storage.privacy import PRIVACY
from channels.twilio.fake_phone import replies_in, sms_params

PHONE = "+17135550142"


def stored_messages(app) -> list[Message]:
    with DATABASE.get(app).session() as session:
        return list(session.execute(select(Message).order_by(Message.id)).scalars())


def decrypt(app, message: Message) -> str:
    return PRIVACY.get(app).decrypt(message.body_encrypted)


def test_answer_holds_all_assistant_messages_in_one_sms(signed_post, assistant):
    assistant.answer = ["I'm so sorry.", "A specialist can help."]
    response = signed_post(params=sms_params(PHONE, "my son was hurt"))
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    assert replies_in(response.get_data(as_text=True)) == [
        "I'm so sorry.\n\nA specialist can help."
    ]


def test_assistant_sees_a_keyed_hash_never_the_phone_number(signed_post, assistant):
    signed_post(params=sms_params(PHONE, "hi"))
    signed_post(params=sms_params("+1 (713) 555-0142", "again"))
    (sender_1, text, metadata), (sender_2, _, _) = assistant.calls
    assert sender_1 == sender_2  # the same person, however the number is written
    assert "7135550142" not in sender_1 and "0142" not in sender_1
    assert (text, metadata["channel"]) == ("hi", "sms")


def test_every_message_is_stored_encrypted_with_its_answer(app, signed_post, assistant):
    assistant.answer = ["Here is what we can do."]
    signed_post(params=sms_params(PHONE, "what can you do for me"))
    inbound, outbound = stored_messages(app)
    assert (inbound.direction, inbound.status) == (Direction.INBOUND, Status.ANSWERED)
    assert (outbound.direction, outbound.reply_to_id) == (Direction.OUTBOUND, inbound.id)
    assert decrypt(app, inbound) == "what can you do for me"
    assert decrypt(app, outbound) == "Here is what we can do."
    assert b"what can you do" not in inbound.body_encrypted
    with DATABASE.get(app).session() as session:
        conversation = session.execute(select(Conversation)).scalar_one()
        assert b"7135550142" not in conversation.address_encrypted
        assert PHONE not in conversation.id


def test_a_retried_message_sid_is_answered_once_with_the_same_reply(signed_post, assistant):
    params = sms_params(PHONE, "hello")
    first = signed_post(params=params)
    assistant.answer = ["A different answer"]
    second = signed_post(params=params)
    assert len(assistant.calls) == 1
    assert second.status_code == 200
    assert second.get_data(as_text=True) == first.get_data(as_text=True)


def test_assistant_down_gets_a_bilingual_answer_and_the_message_is_kept(
    app, signed_post, assistant, settings
):
    assistant.answer = None
    response = signed_post(params=sms_params(PHONE, "necesito ayuda con mi caso"))
    assert response.status_code == 200
    (reply,) = replies_in(response.get_data(as_text=True))
    assert "911" in reply and settings.specialist_phone in reply
    assert "danger" in reply and "peligro" in reply
    inbound = stored_messages(app)[0]
    assert inbound.status is Status.UNANSWERED
    assert decrypt(app, inbound) == "necesito ayuda con mi caso"
    assert inbound.error


def test_a_photo_alone_gets_a_kind_text_only_reply(signed_post, assistant):
    params = {**sms_params(PHONE, ""), "NumMedia": "1", "MediaUrl0": "https://example.com/a.jpg"}
    (reply,) = replies_in(signed_post(params=params).get_data(as_text=True))
    assert "only read text" in reply and "Solo puedo leer texto" in reply
    assert assistant.calls == []


def test_stop_opts_out_then_nothing_is_sent_until_start(app, signed_post, assistant):
    (reply,) = replies_in(signed_post(params=sms_params(PHONE, "STOP")).get_data(as_text=True))
    assert "no more texts" in reply and "START" in reply
    # The assistant only hears that any open form is over; its answer is not sent.
    assert [text for _, text, _ in assistant.calls] == ["/cancel"]
    assert "assistant" not in reply
    assistant.calls.clear()
    silent = signed_post(params=sms_params(PHONE, "hello?"))
    assert replies_in(silent.get_data(as_text=True)) == []
    assert assistant.calls == []
    (reply,) = replies_in(signed_post(params=sms_params(PHONE, "START")).get_data(as_text=True))
    assert "Welcome back" in reply
    signed_post(params=sms_params(PHONE, "hi again"))
    assert [text for _, text, _ in assistant.calls] == ["hi again"]
    messages = stored_messages(app)
    assert len(messages) == 7  # 4 in, 3 answers: nothing lost, even when silent
    silent_inbound = messages[2]
    assert decrypt(app, silent_inbound) == "hello?"
    assert silent_inbound.status is Status.OPTED_OUT


def test_stop_is_answered_even_when_the_assistant_is_down(signed_post, assistant):
    assistant.answer = None
    (reply,) = replies_in(signed_post(params=sms_params(PHONE, "STOP")).get_data(as_text=True))
    assert "no more texts" in reply


def test_spanish_opt_out_is_answered_in_spanish(signed_post):
    (reply,) = replies_in(signed_post(params=sms_params(PHONE, "PARAR")).get_data(as_text=True))
    assert "Ya no recibirá" in reply and "INICIAR" in reply


@pytest.fixture
def twilio_opt_out(app):
    """Twilio's own opt-out handling on (HOTLINE_OPT_OUT_REPLIES=twilio)."""
    from channels.config.settings import CONFIG_KEY

    app.config[CONFIG_KEY] = app.config[CONFIG_KEY].with_overrides(opt_out_replies="twilio")


def opted_out(app) -> bool:
    conversation = PRIVACY.get(app).conversation_key(PHONE)
    with DATABASE.get(app).session() as session:
        return bool(session.get(Conversation, conversation).opted_out)


def texted(signed_post, body: str, **fields: str) -> list[str]:
    params = {**sms_params(PHONE, body), **fields}
    return replies_in(signed_post(params=params).get_data(as_text=True))


def test_with_twilios_opt_out_handling_its_word_counts_and_nothing_is_said_twice(
    app, signed_post, assistant, twilio_opt_out
):
    assert texted(signed_post, "STOP", OptOutType="STOP") == []  # Twilio has answered
    assert opted_out(app)
    assert texted(signed_post, "hello?") == []
    assert texted(signed_post, "START", OptOutType="START") == []
    assert not opted_out(app)
    assert texted(signed_post, "HELP", OptOutType="HELP") == []


def test_with_twilios_opt_out_handling_a_word_it_does_not_know(
    app, signed_post, assistant, twilio_opt_out
):
    """A Spanish opt-out Twilio was not set up for: honoured and answered here. An opt-in it
    did not see changes nothing (Twilio would still block the number): no "welcome back"."""
    (reply,) = texted(signed_post, "PARAR")
    assert "Ya no recibirá" in reply and opted_out(app)
    assert texted(signed_post, "COMENZAR") == []
    assert opted_out(app)


def test_help_keyword_puts_911_first(signed_post, settings, assistant):
    for word, marker in (
        ("HELP", "If you are in danger, call 911."),
        ("AYUDA", "Si está en peligro"),
    ):
        (reply,) = replies_in(signed_post(params=sms_params(PHONE, word)).get_data(as_text=True))
        assert reply.startswith(marker)
        assert settings.specialist_phone in reply
    assert assistant.calls == []


def test_missing_twilio_fields_are_a_clear_400(signed_post):
    params = sms_params(PHONE, "hi")
    del params["From"]
    response = signed_post(params=params)
    assert response.status_code == 400
    assert "From" in response.get_json()["detail"]


def test_body_over_1600_characters_is_refused(signed_post, assistant):
    response = signed_post(params=sms_params(PHONE, "a" * 1601))
    assert response.status_code == 400
    assert "1600" in response.get_json()["detail"]
    assert assistant.calls == []


def test_binary_body_is_refused(signed_post):
    response = signed_post(params=sms_params(PHONE, "hi\x00\x01there"))
    assert response.status_code == 400
    assert response.get_json()["detail"] == "Body must be text"


def test_malformed_num_media_is_refused(signed_post):
    response = signed_post(params={**sms_params(PHONE, "hi"), "NumMedia": "lots"})
    assert response.status_code == 400


def test_oversized_request_is_refused_before_parsing(client):
    response = client.post(
        "/twilio/sms",
        data=b"Body=" + b"a" * (70 * 1024),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413


def test_non_form_body_is_refused(client):
    response = client.post(
        "/twilio/sms", data=b"\xff\xfe\x00binary", content_type="application/octet-stream"
    )
    assert 400 <= response.status_code < 500


def test_get_is_not_allowed(client):
    assert client.get("/twilio/sms").status_code == 405


# -- while a specialist has the conversation ------------------------------------------------------


def handed_off(app, signed_post, **changes):
    """The phone's conversation, handed to a specialist; returns the handoff's id."""
    signed_post(params=sms_params(PHONE, "i want to talk to a person"))
    handoffs = HANDOFFS.get(app)
    conversation = PRIVACY.get(app).conversation_key(PHONE)
    view, created = handoffs.request(
        conversation,
        channel="sms",
        language=changes.get("language", "en"),
        reason=changes.get("reason", Reason.REQUEST_HUMAN),
        priority=Priority.NORMAL,
        summary={"asked": ["request_human"]},
    )
    assert created
    return view.id


def test_a_handed_off_conversation_goes_to_the_specialist_not_the_assistant(
    app, signed_post, assistant
):
    handoff_id = handed_off(app, signed_post)
    assistant.calls.clear()
    (reply,) = replies_in(signed_post(params=sms_params(PHONE, "hello?")).get_data(as_text=True))
    assert "with our specialists" in reply  # while nobody has claimed it yet
    assert assistant.calls == []
    handoffs = HANDOFFS.get(app)
    handoffs.claim(handoff_id, "ana")
    silent = signed_post(params=sms_params(PHONE, "are you there"))
    assert replies_in(silent.get_data(as_text=True)) == []  # ana answers herself
    transcript = handoffs.transcript(handoff_id)
    inbound = [entry["body"] for entry in transcript if entry["direction"] == "inbound"]
    assert inbound[-2:] == ["hello?", "are you there"]
    assert stored_messages(app)[-1].status is Status.FORWARDED
    assert [e["kind"] for e in handoffs.history(handoff_id)].count("message") == 2


def test_a_callback_request_leaves_the_conversation_with_the_assistant(app, signed_post, assistant):
    """Outside business hours the person asked to be called back: that is no live conversation,
    so the assistant keeps answering, whether or not a specialist has taken the callback."""
    handoff_id = handed_off(app, signed_post, reason=Reason.CALLBACK)
    handoffs = HANDOFFS.get(app)
    assistant.calls.clear()
    (reply,) = replies_in(signed_post(params=sms_params(PHONE, "hello?")).get_data(as_text=True))
    assert reply == "Hello from the assistant."
    handoffs.claim(handoff_id, "ana")
    (reply,) = replies_in(signed_post(params=sms_params(PHONE, "thanks")).get_data(as_text=True))
    assert reply == "Hello from the assistant."
    assert [text for _, text, _ in assistant.calls] == ["hello?", "thanks"]
    assert stored_messages(app)[-2].status is Status.ANSWERED
    assert [e["kind"] for e in handoffs.history(handoff_id)] == ["created", "claimed"]
    assert handoffs.get(handoff_id).status == "claimed"


def test_danger_while_handed_off_gets_911_and_makes_it_urgent(app, signed_post, assistant):
    handoff_id = handed_off(app, signed_post, language="es")
    assistant.intent_answer = "emergency"
    body = signed_post(params=sms_params(PHONE, "ya está aquí afuera")).get_data(as_text=True)
    (reply,) = replies_in(body)
    assert reply.startswith("Si está en peligro, llame al 911")
    assert HANDOFFS.get(app).get(handoff_id).priority == "urgent"
    assert assistant.parsed == ["ya está aquí afuera"]


def test_after_closing_the_assistant_answers_again(app, signed_post, assistant):
    handoff_id = handed_off(app, signed_post)
    handoffs = HANDOFFS.get(app)
    handoffs.claim(handoff_id, "ana")
    handoffs.close(handoff_id, "ana")
    assistant.calls.clear()
    (reply,) = replies_in(signed_post(params=sms_params(PHONE, "thanks")).get_data(as_text=True))
    assert reply == "Hello from the assistant."


@pytest.mark.parametrize(
    "typed",
    ["/goodbye", "/transfer_unanswered", ' /register_notifications{"reg_phone": "+12025550123"}'],
)
def test_a_texted_command_reaches_the_assistant_as_words(signed_post, assistant, typed):
    signed_post(params=sms_params(PHONE, typed))
    (_, text, _) = assistant.calls[-1]
    assert not text.startswith("/")
    assert text == typed.strip().lstrip("/")


def test_a_texted_command_while_handed_off_is_read_as_words(app, signed_post, assistant):
    handed_off(app, signed_post)
    signed_post(params=sms_params(PHONE, "/emergency"))
    assert assistant.parsed == ["emergency"]


def test_a_flood_from_one_phone_is_kept_not_answered_but_danger_always_is(
    app, signed_post, assistant
):
    replies_seen = []
    for n in range(FLOOD_LIMIT + 8):
        response = signed_post(params=sms_params(PHONE, f"spam {n}"))
        assert response.status_code == 200
        replies_seen.append(replies_in(response.get_data(as_text=True)))
    assert len(assistant.calls) == FLOOD_LIMIT  # the first of the minute
    (slow_down,) = replies_seen[FLOOD_LIMIT]  # then one "we keep them all" reply
    assert "911" in slow_down
    assert replies_seen[FLOOD_LIMIT + 1 :] == [[]] * 7
    signed_post(params=sms_params(PHONE, "he is outside my house with a gun"))
    assert assistant.calls[-1][1] == "he is outside my house with a gun"
    statuses = [m.status for m in stored_messages(app) if m.direction is Direction.INBOUND]
    assert statuses.count(Status.THROTTLED) == 8
    assert len(statuses) == FLOOD_LIMIT + 9  # every one stored
    other = signed_post(params=sms_params("+17135550199", "hi")).get_data(as_text=True)
    assert replies_in(other)  # another phone is not slowed
