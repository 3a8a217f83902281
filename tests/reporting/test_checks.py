"""System checks of the reporting channel: usable peppers, and a key for every open channel."""

from __future__ import annotations

from arusha.reporting import checks, crypto


def test_good_peppers_pass(settings):
    assert checks.check_receipt_peppers() == []


def test_missing_identical_or_short_peppers_are_errors(settings):
    same = crypto.pepper_to_text(crypto.new_pepper())
    settings.ARUSHA_RECEIPT_LOOKUP_PEPPER = settings.ARUSHA_RECEIPT_UNLOCK_PEPPER = same
    assert [e.id for e in checks.check_receipt_peppers()] == ["arusha.reporting.E001"]
    settings.ARUSHA_RECEIPT_UNLOCK_PEPPER = "c2hvcnQ="
    assert [e.id for e in checks.check_receipt_peppers()] == ["arusha.reporting.E001"]
    del settings.ARUSHA_RECEIPT_UNLOCK_PEPPER
    assert [e.id for e in checks.check_receipt_peppers()] == ["arusha.reporting.E001"]


def test_an_open_channel_without_a_handler_key_is_reported(channel):
    warnings = checks.check_channels_have_handler_keys()
    assert [w.id for w in warnings] == ["arusha.reporting.W001"]
    assert "senae" in warnings[0].msg


def test_a_channel_with_a_handler_key_passes(channel, helena):
    assert checks.check_channels_have_handler_keys() == []


def test_unusable_peppers_close_the_intake(client, channel, helena, settings):
    settings.ARUSHA_RECEIPT_UNLOCK_PEPPER = "not base64!"
    response = client.post("/report/senae/new/", {"description": "x"})
    assert response.status_code == 503
