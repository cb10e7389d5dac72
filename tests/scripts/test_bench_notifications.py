"""Alerts through Twilio's API (a local stand-in that answers 429 over its rate): paced under the
rate nothing is refused; paced over it, the 429s are retried and every alert still goes, once."""

from __future__ import annotations

import re

import pytest

from scripts import bench_notifications

# Enough that paced over the rate, some are refused twice: each retry waits 5 s.
COUNT = 30


# Paced at half the provider's rate, nothing is refused whatever the timing; at five times a
# rate of 10 a second, any machine sends faster than that and is refused.
@pytest.mark.parametrize(("rate", "pace", "refused"), [(20, 0.5, False), (10, 5.0, True)])
def test_every_alert_goes_once_whatever_the_provider_refuses(
    capsys, rate: int, pace: float, refused: bool
):
    arguments = ["--count", str(COUNT), "--twilio-rate", str(rate), "--pace", str(pace)]
    code = bench_notifications.main([*arguments, "--timeout", "120"])
    report = capsys.readouterr().out
    assert code == 0, report
    expected = f"notifications sent: {COUNT} (to {COUNT} distinct contacts; expected {COUNT})"
    assert expected in report
    assert f"{COUNT} accepted" in report
    answered_429 = int(re.search(r"(\d+) answered 429", report).group(1))
    assert (answered_429 > 0) is refused
