"""The send loop's rules without a server: throttle spacing, which failures are retried, final states."""

import pytest

from examdesk.adapters.mail import DeliveryError
from examdesk.services.month.delivery import Throttle, outcome_state, with_retries


def test_throttle_spaces_sends_evenly():
    now = [100.0]
    slept = []

    def sleep(seconds):
        slept.append(round(seconds, 3))
        now[0] += seconds

    throttle = Throttle(120, clock=lambda: now[0], sleep=sleep)  # one every 0.5 s
    for _ in range(4):
        throttle.wait()
    assert slept == [0.5, 0.5, 0.5]
    assert Throttle(0).interval == 0  # no limit


def test_temporary_failures_are_retried_then_raised():
    waits: list[float] = []
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise DeliveryError("421 busy", temporary=True)

    with_retries(flaky, attempts=3, backoff=2.0, sleep=waits.append)
    assert len(calls) == 3 and waits == [2.0, 4.0]  # exponential backoff

    for error in (
        DeliveryError("550 no", temporary=False),
        DeliveryError("lost", temporary=True, maybe_delivered=True),
    ):
        calls.clear()
        with pytest.raises(DeliveryError):
            with_retries(failing(calls, error), attempts=3, backoff=0, sleep=waits.append)
        assert len(calls) == 1  # refused for good, or maybe delivered: never tried again here


def failing(calls: list, error: DeliveryError):
    def send():
        calls.append(1)
        raise error

    return send


@pytest.mark.parametrize(
    ("error", "state"),
    [
        (DeliveryError("421", temporary=True), "failed"),
        (DeliveryError("550", temporary=False), "failed_permanent"),
        (DeliveryError("drop after data", temporary=True, maybe_delivered=True), "unknown"),
    ],
)
def test_final_states(error, state):
    assert outcome_state(error) == state


def test_email_lists_hold_one_bullet_per_item_with_its_continuation_lines():
    from examdesk.adapters.emails import text_blocks

    body = "Dear A,\n\nYour tasks (2):\n\n  - First task\n      due March 1\n  - Second\n\nThanks.\n"
    assert text_blocks(body) == [
        {"kind": "para", "lines": ["Dear A,"]},
        {"kind": "para", "lines": ["Your tasks (2):"]},
        {"kind": "list", "items": [["First task", "due March 1"], ["Second"]]},
        {"kind": "para", "lines": ["Thanks."]},
    ]
    assert text_blocks("Intro:\n  - one\nAfter.") == [
        {"kind": "para", "lines": ["Intro:"]},
        {"kind": "list", "items": [["one"]]},
        {"kind": "para", "lines": ["After."]},
    ]
    assert not [b for b in text_blocks("Nothing to list.\n\n\n") if b["kind"] == "list"]
