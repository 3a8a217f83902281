"""Each intake attempt pays for itself (proof of work, or waiting without script), so a flood of
wrong receipts locks no reporter out, and nothing is kept about who tried."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.core.cache import cache

from arusha.reporting import challenge, submission, throttle
from arusha.reporting.models import Report
from tests.reporting.conftest import paid, receipt_data, report_data

WRONG = "0000-0000-0000-0000-0000"
NEW = "/report/senae/new/"


@pytest.fixture
def receipt(client: Any, channel: Any, helena: Any) -> str:
    page = client.post(NEW, report_data()).content.decode()
    return page.split('id="receipt"><code>')[1].split("</code>")[0]


def _try(client: Any, data: dict[str, str], **meta: Any) -> Any:
    return client.post("/report/return/", data, **meta)


def _unsolved(purpose: str) -> dict[str, str]:
    return {"challenge": challenge.issue(purpose).token, "solution": ""}


def _later(monkeypatch: Any, seconds: float) -> None:
    moment = challenge._now() + seconds
    monkeypatch.setattr(challenge, "_now", lambda: moment)


def test_a_solution_is_checked_against_its_difficulty():
    issued = challenge.issue(challenge.RECEIPT)
    found = challenge.solve(issued.nonce, 12)
    assert challenge.is_solution(issued.nonce, 12, found)
    assert not challenge.is_solution(issued.nonce, 12, _wrong_solution(issued.nonce, 12))
    assert not challenge.is_solution(issued.nonce, 12, found + "a")
    assert challenge.has_leading_zero_bits(b"\x00\x0f" + bytes(30), 12)
    assert not challenge.has_leading_zero_bits(b"\x00\x1f" + bytes(30), 12)


def test_a_receipt_without_any_challenge_is_refused_with_a_clear_message(client, receipt):
    response = _try(client, {"receipt": receipt})
    assert response.status_code == 400
    assert "already sent once" in response.content.decode()
    assert submission.REPORTER_COOKIE not in response.cookies


def _wrong_solution(nonce: str, bits: int) -> str:
    return next(str(n) for n in itertools.count() if not challenge.is_solution(nonce, bits, str(n)))


def test_a_wrong_solution_is_refused_before_any_key_derivation(client, receipt, monkeypatch):
    calls: list[Any] = []
    monkeypatch.setattr(submission.crypto, "receipt_lookup_id", lambda *a: calls.append(a))
    issued = challenge.issue(challenge.RECEIPT)
    wrong = _wrong_solution(issued.nonce, issued.bits)
    data = {"receipt": receipt, "challenge": issued.token, "solution": wrong}
    assert _try(client, data).status_code == 400
    assert calls == []


def test_a_valid_solution_opens_the_report(client, receipt):
    assert _try(client, receipt_data(receipt))["Location"] == "/report/thread/"


def test_a_challenge_is_accepted_once(client, receipt):
    data = receipt_data(receipt)
    assert _try(client, data).status_code == 302
    response = _try(client, data)
    assert response.status_code == 400
    assert "already sent once" in response.content.decode()


def test_a_challenge_for_one_form_does_not_pay_for_the_other(client, receipt):
    data = {"receipt": receipt} | paid(challenge.SUBMIT)
    assert _try(client, data).status_code == 400


def test_a_changed_challenge_is_refused(client, receipt, settings):
    easy = paid(challenge.RECEIPT)
    tampered = easy["challenge"].replace(easy["challenge"][-5:], "AAAAA")
    assert _try(client, {"receipt": receipt, **easy, "challenge": tampered}).status_code == 400


def test_an_expired_challenge_is_refused(client, receipt, settings):
    data = receipt_data(receipt)
    settings.REPORTING_CHALLENGE_MAX_AGE = -1  # every challenge is older than that
    assert _try(client, data).status_code == 400


def test_many_wrong_receipts_do_not_stop_another_reporter(client, receipt, settings):
    for _attempt in range(50):
        response = _try(client, receipt_data(WRONG))
        assert response.status_code == 200
        assert "No report has this receipt" in response.content.decode()
    other = _try(client, receipt_data(receipt), REMOTE_ADDR="198.51.100.9")
    assert other["Location"] == "/report/thread/"


def test_without_script_the_page_asks_for_a_wait_and_keeps_the_clock_running(
    client, receipt, monkeypatch
):
    page = client.get("/report/return/").content.decode()
    assert "wait at least 15 seconds" in page
    data = {"receipt": receipt, **_unsolved(challenge.RECEIPT)}
    response = _try(client, data)
    assert response.status_code == 429
    assert "Please wait 15 more seconds" in response.content.decode()
    # The page comes back with the same challenge, so the wait already spent counts.
    assert data["challenge"] in response.content.decode()
    _later(monkeypatch, 15)
    assert _try(client, data)["Location"] == "/report/thread/"


def test_without_script_attempts_share_a_budget_that_paid_attempts_never_touch(
    client, receipt, settings, monkeypatch
):
    settings.REPORTING_UNPAID_ATTEMPTS_PER_MINUTE = 2
    waited = [{"receipt": WRONG, **_unsolved(challenge.RECEIPT)} for _i in range(3)]
    _later(monkeypatch, 15)
    assert [_try(client, d).status_code for d in waited] == [200, 200, 429]
    # A reporter whose browser did the work is not held up by the flood...
    assert _try(client, receipt_data(receipt)).status_code == 302
    # ...and without script, the next minute is open again.
    later = throttle.time.time() + throttle.WINDOW_SECONDS
    monkeypatch.setattr(throttle.time, "time", lambda: later)
    retry = {"receipt": receipt, **_unsolved(challenge.RECEIPT)}
    _later(monkeypatch, 30)
    assert _try(client, retry).status_code == 302


def test_a_report_without_a_valid_challenge_is_refused_and_nothing_is_stored(
    client, channel, helena
):
    data = report_data()
    data["solution"] = ""
    response = client.post(NEW, data)
    assert response.status_code == 429
    assert "Please wait" in response.content.decode()
    assert "An officer asked for money" in response.content.decode()  # the answers are kept
    assert Report.objects.count() == 0
    assert client.post(NEW, report_data()).status_code == 200
    assert Report.objects.count() == 1


def test_a_report_challenge_cannot_be_replayed(client, channel, helena):
    data = report_data()
    assert client.post(NEW, data).status_code == 200
    assert client.post(NEW, data).status_code == 400
    assert Report.objects.count() == 1


def test_the_counters_know_nothing_about_who_tried(client, receipt, monkeypatch):
    data = {"receipt": WRONG, **_unsolved(challenge.RECEIPT)}
    _later(monkeypatch, 15)
    _try(client, data, REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="PlantedAgent/9.9")
    stored = repr(dict(cache._cache)) + repr(list(cache._cache.keys()))  # type: ignore[attr-defined]
    assert "203.0.113.77" not in stored and "PlantedAgent" not in stored
    keys = [k for k in cache._cache if "unpaid-attempts" in k]  # type: ignore[attr-defined]
    assert keys
