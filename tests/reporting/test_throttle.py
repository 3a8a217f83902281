"""Receipt attempts are rate-limited for everyone together, and slowed after each failure,
without anything being kept about who tried."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from arusha.reporting import submission, throttle
from tests.reporting.conftest import report_data

WRONG = "0000-0000-0000-0000-0000"


@pytest.fixture
def receipt(client: Any, channel: Any, helena: Any) -> str:
    page = client.post("/report/senae/new/", report_data()).content.decode()
    return page.split('id="receipt"><code>')[1].split("</code>")[0]


def _try(client: Any, text: str, **meta: Any) -> Any:
    return client.post("/report/return/", {"receipt": text}, **meta)


def test_repeated_wrong_receipts_lock_everyone_out_for_the_minute(client, receipt, settings):
    settings.REPORTING_RECEIPT_FAILURES_PER_MINUTE = 3
    for _attempt in range(3):
        assert _try(client, WRONG).status_code == 200
    response = _try(client, WRONG)
    assert response.status_code == 429
    assert "Too many receipts" in response.content.decode()
    # The lock is global: even the right receipt, from "another" client, waits.
    assert _try(client, receipt, REMOTE_ADDR="198.51.100.9").status_code == 429


def test_a_locked_out_attempt_costs_no_key_derivation(client, receipt, settings, monkeypatch):
    settings.REPORTING_RECEIPT_FAILURES_PER_MINUTE = 1
    _try(client, WRONG)
    calls = []
    monkeypatch.setattr(submission.crypto, "receipt_lookup_id", lambda *a: calls.append(a))
    assert _try(client, WRONG).status_code == 429
    assert calls == []


def test_the_total_number_of_attempts_is_capped(client, receipt, settings):
    settings.REPORTING_RECEIPT_ATTEMPTS_PER_MINUTE = 2
    assert _try(client, receipt).status_code == 302
    assert _try(client, receipt).status_code == 302
    assert _try(client, receipt).status_code == 429


def test_each_failure_is_slowed_down(client, receipt, settings, monkeypatch):
    settings.REPORTING_RECEIPT_FAILURE_DELAY = 1.5
    slept: list[float] = []
    monkeypatch.setattr(throttle.time, "sleep", slept.append)
    _try(client, WRONG)
    _try(client, receipt)
    assert slept == [1.5]  # the wrong receipt only


def test_the_limit_lifts_when_the_minute_is_over(client, receipt, settings, monkeypatch):
    settings.REPORTING_RECEIPT_FAILURES_PER_MINUTE = 1
    _try(client, WRONG)
    assert _try(client, receipt).status_code == 429
    later = throttle.time.time() + throttle.WINDOW_SECONDS
    monkeypatch.setattr(throttle.time, "time", lambda: later)
    assert _try(client, receipt).status_code == 302


def test_the_counters_know_nothing_about_who_tried(client, receipt):
    _try(client, WRONG, REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="PlantedAgent/9.9")
    stored = repr(dict(cache._cache)) + repr(list(cache._cache.keys()))  # type: ignore[attr-defined]
    assert "203.0.113.77" not in stored and "PlantedAgent" not in stored
    keys = [k for k in cache._cache if "receipt-throttle" in k]  # type: ignore[attr-defined]
    assert keys and all("attempts" in k or "failures" in k for k in keys)
