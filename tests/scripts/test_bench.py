"""The benchmark says what each failed turn was, not only how many failed."""

from __future__ import annotations

import requests

from scripts.bench import TurnFailed, error_kind, merge, run_phase


def http_error(status: int) -> requests.HTTPError:
    response = requests.Response()
    response.status_code = status
    return requests.HTTPError(response=response)


def test_each_failure_has_a_kind():
    assert error_kind(requests.ReadTimeout()) == "timeout"
    assert error_kind(http_error(502)) == "HTTP 502"
    assert error_kind(requests.ConnectionError()) == "connection refused or reset"
    assert error_kind(TurnFailed("empty answer")) == "empty answer"
    assert error_kind(ValueError("x" * 200)) == "ValueError: " + "x" * 80


def test_a_phase_counts_failures_by_kind_and_times_only_the_answered_turns():
    outcomes = iter([None, requests.ReadTimeout(), http_error(500), None] * 50)

    def turn(sender: str, language: str, text: str) -> None:
        outcome = next(outcomes)
        if outcome is not None:
            raise outcome

    result = run_phase("gateway-sms", turn, concurrency=1, rounds=2)
    assert result.errors == sum(result.error_kinds.values()) > 0
    assert set(result.error_kinds) <= {"timeout", "HTTP 500"}
    assert len(result.latencies_ms) == result.turns - result.errors
    both = merge([result, result])
    assert both.error_kinds == result.error_kinds + result.error_kinds
