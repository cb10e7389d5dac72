from actions.local_help import ActionFindLocalHelp, ValidateLocalHelpForm


async def test_answers_with_services_near_the_place(tracker_factory, dispatcher):
    tracker = tracker_factory(slots={"help_location": "Houston", "language": "en"})
    events = await ActionFindLocalHelp().run(dispatcher, tracker, {})
    assert events == []
    found, note = dispatcher.messages
    assert found["response"] == "utter_local_help_found"
    assert found["place"] == "Houston, TX"
    assert "713-555-" in found["listing"]
    assert note["response"] == "utter_local_help_sample_note"


async def test_unknown_place_says_so_and_forgets_it(tracker_factory, dispatcher):
    tracker = tracker_factory(slots={"help_location": "Boise"})
    events = await ActionFindLocalHelp().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["response"] == "utter_local_help_not_found"
    assert dispatcher.messages[0]["place"] == "Boise"
    assert events[0]["name"] == "help_location" and events[0]["value"] is None


async def test_place_found_in_text_without_an_entity(tracker_factory, dispatcher):
    tracker = tracker_factory(text="is there a shelter in houston", intent="find_local_help")
    result = await ValidateLocalHelpForm().extract_help_location(dispatcher, tracker, {})
    assert result == {"help_location": "is there a shelter in houston"}


async def test_free_text_answer_to_the_question(tracker_factory, dispatcher):
    tracker = tracker_factory(
        text="boise idaho", intent="inform", slots={"requested_slot": "help_location"}
    )
    result = await ValidateLocalHelpForm().extract_help_location(dispatcher, tracker, {})
    assert result == {"help_location": "boise idaho"}


async def test_other_questions_are_not_taken_as_a_place(tracker_factory, dispatcher):
    tracker = tracker_factory(
        text="is this confidential", intent="ask_privacy", slots={"requested_slot": "help_location"}
    )
    assert await ValidateLocalHelpForm().extract_help_location(dispatcher, tracker, {}) == {}
