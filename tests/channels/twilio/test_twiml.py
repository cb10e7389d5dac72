import xml.etree.ElementTree as ET

from channels.twilio import twiml


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


# -- voice: the hotline's calls ------------------------------------------------------------


def test_numbers_of_three_digits_or_more_are_read_digit_by_digit():
    assert twiml.spoken_pieces("Call 1-855-488-6423 or 911.") == [
        ("Call ", False),
        ("1-855-488-6423", True),
        (" or ", False),
        ("911", True),
        (".", False),
    ]
    assert twiml.spoken_pieces("A204555781") == [("A ", False), ("204555781", True)]
    assert twiml.spoken_pieces("key 0 5 0 4 1 9 8 5") == [
        ("key ", False),
        ("0 5 0 4 1 9 8 5", True),
    ]


def test_amounts_years_and_times_are_read_as_numbers():
    for text in ("in 15 minutes", "born in 1985", "at 8:00 pm", "open 24/7", "2.5 miles"):
        assert twiml.spoken_pieces(text) == [(text, False)]


def test_phone_numbers_are_telephone_and_codes_digits_in_ssml():
    say = parse(twiml.say_and_hang_up(["Call 1-855-488-6423. Code 123456."], "en")).find("Say")
    kinds = [(e.get("interpret-as"), e.text) for e in say.iter("say-as")]
    assert kinds == [("telephone", "1-855-488-6423"), ("digits", "123456")]
    assert "".join(say.itertext()) == "Call 1-855-488-6423. Code 123456."


def test_a_question_is_said_inside_a_gather_that_listens_to_speech_and_keys():
    listen = twiml.Listen("https://h.example/t?turn=2", "es", num_digits=4, hints=("sí", "no"))
    root = parse(twiml.ask(["Hola.", "", "¿Su PIN?"], "es", listen))
    gather = root.find("Gather")
    assert gather.get("input") == "dtmf speech" and gather.get("language") == "es-US"
    assert gather.get("numDigits") == "4" and gather.get("hints") == "sí, no"
    assert gather.get("bargeIn") == "true" and gather.get("actionOnEmptyResult") == "true"
    # Twilio picks the speech model (with failover) unless one is set; never the deprecated
    # "enhanced" flag.
    assert gather.get("speechModel") is None and gather.get("enhanced") is None
    assert [s.text for s in gather.findall("Say")] == ["Hola.", "¿Su PIN?"]
    assert {s.get("voice") for s in gather.findall("Say")} == {"Polly.Lupe-Neural"}
    assert root.find("Redirect").text == "https://h.example/t?turn=2"


def test_a_speech_model_can_be_chosen():
    listen = twiml.Listen("https://h.example/t", "en", speech_model="googlev2_telephony")
    gather = parse(twiml.ask(["Hi."], "en", listen)).find("Gather")
    assert gather.get("speechModel") == "googlev2_telephony"


def test_the_language_menu_speaks_each_language_in_its_own_voice():
    root = parse(twiml.language_menu("https://h.example/l"))
    voices = [(s.get("language"), s.get("voice")) for s in root.iter("Say")]
    assert voices == [("en-US", "Polly.Joanna-Neural"), ("es-US", "Polly.Lupe-Neural")]
    assert root.find("Gather").get("numDigits") == "1"


def test_a_transfer_dials_with_caller_id_and_a_whisper_or_enqueues():
    to = twiml.Transfer("https://h.example/x", number="+18554886423", caller_id="+15550100000",
                        whisper_url="https://h.example/w")  # fmt: skip
    dial = parse(twiml.transfer(["Stay on the line."], "en", to)).find("Dial")
    number = dial.find("Number")
    assert (number.text, number.get("url")) == ("+18554886423", "https://h.example/w")
    assert dial.get("callerId") == "+15550100000" and dial.get("action") == "https://h.example/x"
    queued = twiml.Transfer("https://h.example/x", queue="specialists", wait_url="https://h/w")
    enqueue = parse(twiml.transfer([], "en", queued)).find("Enqueue")
    assert (enqueue.text, enqueue.get("waitUrl")) == ("specialists", "https://h/w")


def test_hold_whisper_and_keep_alive():
    assert parse(twiml.hold("es")).find("Pause") is not None
    assert parse(twiml.whisper("VOICE hotline call.")).find("Say").text == "VOICE hotline call."
    root = parse(twiml.keep_alive("One moment, please.", "en", "https://h.example/w"))
    assert root.find("Redirect").text == "https://h.example/w"
