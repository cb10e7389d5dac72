"""An outbound message refuses what no provider could send."""

from __future__ import annotations

import pytest

from channels.outbound.message import Channel, Outbound
from tests.channels.outbound.samples import (
    PHONE,
)

# -- Outbound ------------------------------------------------------------------------------------


def test_outbound_rejects_messages_no_provider_could_send():
    with pytest.raises(ValueError, match="TwiML"):
        Outbound(channel=Channel.VOICE, to=PHONE, body="call")
    with pytest.raises(ValueError, match="TwiML"):
        Outbound(channel=Channel.VOICE, to=PHONE, body="call", voice_url="/twilio/voice")
    with pytest.raises(ValueError, match="e-mail address"):
        Outbound(channel=Channel.EMAIL, to=PHONE, body="hello")
    with pytest.raises(ValueError, match="recipient"):
        Outbound(channel=Channel.SMS, to=" ", body="hello")
