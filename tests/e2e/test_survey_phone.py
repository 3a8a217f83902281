"""SENAE's integrity officer reads survey results on a phone (390 px): the page never scrolls
sideways, the "Compare" control is on screen and works, wide tables scroll inside their own box,
and a section's detail opens at the question chosen from the summary."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.e2e.steps import sign_in
from tests.surveys.conftest import add_responses

PHONE = {"width": 390, "height": 844}
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def _campaigns(ecuador: Any, alice: Any) -> Any:
    """SENAE's current campaign, answered, and an earlier one with a long title to compare."""
    from django.utils import timezone

    from arusha.questionnaires.loading import load_files
    from arusha.questionnaires.schema import shipped_questionnaires
    from arusha.reporting.models import Office
    from arusha.surveys.models import Campaign

    path = next(p for p in shipped_questionnaires() if p.name == "private-sector-perception.yaml")
    version = load_files([path])[0].version
    Office.objects.create(organisation=ecuador, code="GYE-MAR", name="Puerto de Guayaquil")
    Office.objects.create(organisation=ecuador, code="UIO-AIR", name="Aeropuerto de Quito")
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        organisation=ecuador,
        title="Percepción 2026",
        questionnaire_version=version,
        opens_on=today - timedelta(days=3),
        closes_on=today + timedelta(days=30),
        created_by=alice,
    )
    earlier = Campaign.objects.create(
        organisation=ecuador,
        title="Encuesta de percepción del sector privado 2025 (primera ronda nacional)",
        questionnaire_version=version,
        opens_on=campaign.opens_on - timedelta(days=365),
        closes_on=campaign.closes_on - timedelta(days=365),
    )
    add_responses(earlier, 8, agreement="disagree")
    add_responses(earlier, 8, agreement="neutral", group="carrier")
    add_responses(campaign, 12, agreement="agree", office="GYE-MAR")
    add_responses(campaign, 9, agreement="strongly_agree", group="carrier", office="UIO-AIR")
    return campaign


def _within_screen(page: Any, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_an_officer_compares_campaigns_on_a_phone(
    browser: Any, live_server: Any, screenshot: Any, ecuador: Any, alice: Any
) -> None:
    campaign = _campaigns(ecuador, alice)
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, "alice")

    page.goto(f"/surveys/{campaign.code}/results/")
    page.locator("#results-title").wait_for()
    assert page.evaluate(OVERFLOW) <= 0
    assert _within_screen(page, "#compare-submit")
    assert _within_screen(page, "#compare")
    screenshot(page, "survey-phone-01-results")
    page.locator("#compare-submit").click()
    page.locator("#comparison-table").wait_for()
    assert page.evaluate(OVERFLOW) <= 0
    # The comparison table is wider than the phone: its own box scrolls, not the page.
    scroller = page.locator("#comparison-table").locator("xpath=..")
    assert scroller.evaluate("e => getComputedStyle(e).overflowX") == "auto"

    page.locator("#question-summary a[href*='question=kf2.consistent']").click()
    page.locator("#section-title").wait_for()
    assert page.locator("#question-kf2\\.consistent").get_attribute("open") is not None
    assert page.evaluate(OVERFLOW) <= 0
    screenshot(page, "survey-phone-02-section")
    context.close()
