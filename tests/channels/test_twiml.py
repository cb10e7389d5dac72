import xml.etree.ElementTree as ET

from channels import twiml


def parse(xml: str) -> ET.Element:
    root = ET.fromstring(xml)
    assert root.tag == "Response"
    return root


def test_one_message_holds_every_bot_message_in_order():
    body = twiml.join_messages(["First.", "Second.", "Third."])
    messages = parse(twiml.sms_reply(body)).findall("Message")
    assert len(messages) == 1
    assert messages[0].text == "First.\n\nSecond.\n\nThird."


def test_blank_bot_messages_are_dropped():
    assert twiml.join_messages(["  ", "Only this.", ""]) == "Only this."


def test_empty_body_sends_no_message():
    assert parse(twiml.sms_reply("")).findall("Message") == []


def test_markup_in_text_is_escaped_not_interpreted():
    text = 'Call <Dial>911</Dial> & "stay safe"'
    (message,) = parse(twiml.sms_reply(text)).findall("Message")
    assert message.text == text
    assert list(message) == []


def test_long_bodies_are_cut_to_twilios_limit():
    body = twiml.join_messages(["x" * 1000, "y" * 1000])
    assert len(body) == twiml.MAX_SMS_CHARACTERS
    assert body.endswith("...")
    (message,) = parse(twiml.sms_reply(body)).findall("Message")
    assert len(message.text or "") == twiml.MAX_SMS_CHARACTERS


def test_spanish_text_survives_intact():
    text = "¿Está en peligro? Llame al 911. Niño, información."
    (message,) = parse(twiml.sms_reply(text)).findall("Message")
    assert message.text == text
