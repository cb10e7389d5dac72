"""The call's row (channels/voice_calls.py): one conversation per call, encrypted prompts and
results, atomic turn numbers."""

from sqlalchemy import select

from channels.assistant.client import TurnResult
from channels.call_flow.store import Call, CallStore
from channels.storage.messages import Conversation
from channels.storage.privacy import Privacy
from tests.channels.conftest import migrated


def store(tmp_path) -> CallStore:
    return CallStore(migrated(f"sqlite:///{tmp_path}/calls.db"), Privacy("test-secret"))


def test_a_call_is_its_own_conversation_keyed_by_a_hash(tmp_path):
    calls = store(tmp_path)
    call = calls.start("CA" + "1" * 32, "+17135550142")
    again = calls.start("CA" + "1" * 32, "+17135550142")  # a retried webhook
    other = calls.start("CA" + "2" * 32, "+17135550142")  # the same phone calls again
    assert call.conversation_id == again.conversation_id != other.conversation_id
    assert "CA" not in call.conversation_id and "0142" not in call.conversation_id
    with calls.database.session() as session:
        conversation = session.get(Conversation, call.conversation_id)
        assert conversation.channel == "voice"
        assert b"7135550142" not in conversation.address_encrypted


def test_prompts_heard_speech_and_results_are_stored_encrypted(tmp_path):
    calls = store(tmp_path)
    call = calls.start("CA" + "3" * 32, "+17135550142")
    calls.update(call.conversation_id, prompt="Juan Pérez, A204555781?", heard={"text": "hola"})
    calls.save_result(call.conversation_id, 4, TurnResult(texts=("Sí.",), language="es"))
    with calls.database.session() as session:
        row = session.execute(select(Call)).scalar_one()
        assert b"A204555781" not in row.prompt_encrypted and b"hola" not in row.heard_encrypted
    view = calls.get("CA" + "3" * 32)
    assert (view.prompt, view.heard) == ("Juan Pérez, A204555781?", {"text": "hola"})
    assert calls.result(call.conversation_id, 4) == TurnResult(texts=("Sí.",), language="es")
    assert calls.result(call.conversation_id, 5) is None


def test_turn_numbers_go_up_one_at_a_time(tmp_path):
    calls = store(tmp_path)
    call = calls.start("CA" + "4" * 32, "+17135550142")
    assert [calls.next_turn(call.conversation_id) for _ in range(3)] == [1, 2, 3]
    calls.end(call.conversation_id)
    assert calls.get("CA" + "4" * 32).status == "ended"
