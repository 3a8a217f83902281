"""Every main page at phone width (390 × 844), as each demo role and as the public sees it: the
page never scrolls sideways, and the main menu folds away behind a "Menu" button.

Demo users sign in in their saved language (Spanish for SENAE's staff, French for the regional
coordinator), so most screenshots in test-artifacts/screenshots/phone-*.png are not in English.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django_otp.oath import totp

PHONE = {"width": 390, "height": 844}
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
# The tallest table row: a column of long text squeezed beside others a phone cannot show makes
# each row taller than the screen (a table to stack as cards instead).
TALLEST_ROW = "Math.max(0, ...[...document.querySelectorAll('main tr')].map(r => r.offsetHeight))"


@pytest.fixture(autouse=True)
def _fast_reporting(settings: Any, tmp_path: Any) -> Iterator[None]:
    from django.core.cache import cache

    from arusha.reporting.crypto import KdfParams

    settings.REPORTING_KDF = KdfParams(1, 8, 1)  # cheap Argon2 for tests only
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@dataclass
class Phone:
    """A phone-sized browser that visits pages and remembers which ones scroll sideways."""

    browser: Any
    base_url: str
    screenshot: Any
    overflowing: list[str] = field(default_factory=list)
    csp_errors: list[str] = field(default_factory=list)
    page: Any = None

    def open(self, javascript: bool = True) -> Any:
        if self.page is not None:
            self.page.context.close()
        context = self.browser.new_context(
            base_url=self.base_url, viewport=PHONE, java_script_enabled=javascript
        )
        self.page = context.new_page()
        self.page.set_default_timeout(15000)
        self.page.on("console", self._console)
        return self.page

    def _console(self, message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.csp_errors.append(message.text)

    def visit(self, name: str, url: str) -> Any:
        response = self.page.goto(url)
        if response is None or response.status != 200:
            self.overflowing.append(f"{name} ({url}): not shown, {response}")
        self.check(name)
        return self.page

    def check(self, name: str) -> None:
        self.page.wait_for_load_state()
        self.screenshot(self.page, f"phone-{name}")
        excess = self.page.evaluate(OVERFLOW)
        if excess > 0:
            self.overflowing.append(f"{name} ({self.page.url}): {excess}px too wide")
        tallest = self.page.evaluate(TALLEST_ROW)
        if tallest > PHONE["height"]:
            self.overflowing.append(f"{name} ({self.page.url}): a table row {tallest}px tall")

    def sign_in(self, username: str, device: Any = None, javascript: bool = True) -> Any:
        from arusha.core.demo import DEMO_PASSWORD

        page = self.open(javascript)
        page.goto("/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(DEMO_PASSWORD)
        page.locator("main form button[type=submit]").click()
        if device is not None:
            page.locator("#id_token").fill(f"{totp(device.bin_key):06d}")
            page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/")
        return page


@pytest.fixture
def phone(browser: Any, live_server: Any, screenshot: Any) -> Iterator[Phone]:
    from django.core.management import call_command

    call_command("load_demo")
    phone = Phone(browser, live_server.url, screenshot)
    yield phone
    if phone.page is not None:
        phone.page.context.close()


def test_the_menu_folds_behind_a_button_on_a_phone_without_javascript(phone: Phone) -> None:
    page = phone.sign_in("integrity", javascript=False)
    menu = page.locator("#main-menu")
    assert not menu.is_visible()
    phone.check("menu-closed")
    page.locator("label[for=menu-toggle]").click()
    assert menu.is_visible()
    assert menu.locator("a[href='/organisations/']").is_visible()
    phone.check("menu-open")
    menu.locator("a[href='/organisations/']").click()
    page.wait_for_url("**/organisations/")
    assert not page.locator("#main-menu").is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator("#main-menu a[href='/organisations/']").is_visible()
    assert not page.locator("label[for=menu-toggle]").is_visible()
    assert phone.overflowing == [] and phone.csp_errors == []


def test_no_main_page_scrolls_sideways_on_a_phone(phone: Phone) -> None:
    _officer_pages(phone)
    _reviewer_pages(phone)
    _handler_pages(phone)
    _focal_point_pages(phone)
    _coordinator_pages(phone)
    _public_pages(phone)
    problems = phone.overflowing + phone.csp_errors
    assert problems == [], "\n".join(problems)


def test_the_assessment_list_shows_status_and_results_on_a_phone(phone: Phone) -> None:
    page = phone.sign_in("integrity")
    phone.visit("assessment-list-status", "/assessments/")
    table = page.locator("main table").first
    status = table.locator("thead th", has_text="Estado")
    results = table.locator("tbody a[href$='/results/']").first
    for seen in (status, results, table.locator("tbody .status").first):
        box = seen.bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"], box
    assert page.evaluate(OVERFLOW) <= 0


def _officer_pages(phone: Phone) -> None:
    from arusha.assessments.models import Assessment
    from arusha.assessments.risks import Risk
    from arusha.core.models import Organisation
    from arusha.integrity.models import AnalysisRun
    from arusha.partnerships.models import ActionPlan
    from arusha.surveys.models import Campaign

    senae = Organisation.objects.get(short_name="SENAE")
    phone.sign_in("integrity")
    phone.visit("home", "/")
    phone.visit("organisations", "/organisations/")
    phone.visit("organisation", f"/organisations/{senae.code}/")
    phone.visit("agreements", "/partnerships/")
    plan = ActionPlan.objects.filter(administration=senae).first()
    phone.visit("agreement", f"/partnerships/{plan.agreement.code}/")
    phone.visit("action-plan", f"/partnerships/plans/{plan.code}/")
    phone.visit("assessments", "/assessments/")
    assessment = Assessment.objects.filter(organisation=senae).order_by("-year").first()
    phone.visit("assessment", f"/assessments/{assessment.code}/")
    section = assessment.questionnaire().sections[0].code
    phone.visit("assessment-section", f"/assessments/{assessment.code}/sections/{section}/")
    validated = Assessment.objects.filter(organisation=senae, status="validated").first()
    phone.visit("assessment-results", f"/assessments/{validated.code}/results/")
    phone.visit("assessment-actions", f"/assessments/administrations/{senae.code}/actions/")
    phone.visit("risk-home", "/assessments/risks/")
    phone.visit("risk-map", f"/assessments/risks/administrations/{senae.code}/")
    risk = Risk.objects.filter(organisation=senae).first()
    phone.visit("risk", f"/assessments/risks/{risk.code}/")
    phone.visit("surveys", "/surveys/")
    campaign = Campaign.objects.filter(organisation=senae).order_by("-opens_on").last()
    phone.visit("survey", f"/surveys/{campaign.code}/")
    phone.visit("survey-results", f"/surveys/{campaign.code}/results/")
    phone.visit("case-dashboard", "/cases/dashboard/")
    phone.visit("case-statistics", "/cases/statistics/")
    phone.visit("integrity-runs", "/integrity/")
    phone.visit("integrity-reviews", "/integrity/reviews/")
    run = AnalysisRun.objects.filter(organisation=senae, status="done").first()
    phone.visit("integrity-ranked", f"/integrity/runs/{run.code}/")
    phone.visit("integrity-ranked-pairs", f"/integrity/runs/{run.code}/?kind=pair")
    for kind in ("officer", "pair"):
        entity = run.entities.filter(entity_kind=kind).first()
        phone.visit(f"integrity-{kind}", f"/integrity/runs/{run.code}/{kind}/{entity.entity_id}/")
    phone.visit("audit-log", "/audit/")
    phone.visit("account", "/account/")


def _reviewer_pages(phone: Phone) -> None:
    from arusha.assessments.models import Assessment

    phone.sign_in("reviewer")
    phone.visit("reviewer-assessments", "/assessments/")
    assessment = Assessment.objects.exclude(status="validated").first()
    if assessment is not None:
        phone.visit("reviewer-assessment", f"/assessments/{assessment.code}/")


def _handler_pages(phone: Phone) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from arusha.cases.models import Case
    from arusha.core.models import User
    from arusha.reporting.models import Channel

    handler = User.objects.get(username="handler")
    device = TOTPDevice.objects.create(user=handler, name="phone", confirmed=True)
    phone.sign_in("handler", device)
    phone.visit("cases", "/cases/")
    case = Case.objects.for_channel(Channel.objects.get(slug="senae")).first()
    phone.visit("case", f"/cases/{case.code}/")
    phone.visit("handler-statistics", "/cases/statistics/")
    phone.visit("reports", "/reports/")


def _focal_point_pages(phone: Phone) -> None:
    phone.sign_in("focal")
    phone.visit("focal-home", "/")
    phone.visit("focal-agreements", "/partnerships/")
    phone.visit("incident-upload", "/reports/incidents/")


def _coordinator_pages(phone: Phone) -> None:
    phone.sign_in("coordinator")
    phone.visit("region", "/regions/AMS/")
    phone.visit("region-agreements", "/partnerships/regions/AMS/")
    phone.visit("region-assessments", "/assessments/regions/AMS/")
    phone.visit("region-surveys", "/surveys/regions/AMS/")
    phone.visit("region-cases", "/cases/statistics/region/AMS/")


def _public_pages(phone: Phone) -> None:
    from arusha.partnerships.models import Agreement
    from arusha.surveys.models import Campaign, Invitation

    phone.open()
    phone.visit("login", "/login/")
    phone.visit("public-agreements", "/public/agreements/")
    published = Agreement.objects.published().first()
    if published is not None:
        phone.visit("public-agreement", f"/public/agreements/{published.code}/")
    phone.visit("intake", "/report/")
    phone.visit("intake-channel", "/report/senae/")
    phone.visit("intake-form", "/report/senae/new/")
    phone.visit("intake-return", "/report/return/")
    campaign = Campaign.objects.order_by("-opens_on").first()
    [token] = Invitation.issue(campaign, 1, "customs_broker")
    phone.visit("survey-respondent", f"/survey/i/{token}/")
