"""A customs broker answers the perception survey in French on a phone with an invitation link:
saves, comes back with the same link, submits, and finds the link used; then SENAE's integrity
officer reads the results and the comparison with the self-assessment.

Selectors are ids and form field names, so the test holds whatever language the interface
speaks; the questionnaire's own wording (translated in its YAML) is checked in French.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.e2e.steps import sign_in
from tests.surveys.conftest import add_responses

PHONE = {"width": 390, "height": 844}


def _campaign(ecuador: Any, alice: Any) -> Any:
    from django.utils import timezone

    from arusha.assessments.models import Assessment
    from arusha.questionnaires.loading import load_files
    from arusha.questionnaires.schema import shipped_questionnaires
    from arusha.reporting.models import Office
    from arusha.surveys.models import Campaign

    published = load_files(list(shipped_questionnaires()))
    version = next(p.version for p in published if p.version.slug == "private-sector-perception")
    framework = next(p.version for p in published if p.version.slug == "arusha-self-assessment")
    Assessment.objects.create(
        organisation=ecuador,
        cycle="2025",
        year=2025,
        questionnaire_version=framework,
        status=Assessment.Status.VALIDATED,
        validated_scores={str(kf): 0.5 + kf / 40 for kf in range(1, 11)},
        validated_overall=0.6,
    )
    Office.objects.create(organisation=ecuador, code="GYE-MAR", name="Puerto de Guayaquil")
    Office.objects.create(organisation=ecuador, code="UIO-AIR", name="Aeropuerto de Quito")
    today = timezone.localdate()
    return Campaign.objects.create(
        organisation=ecuador,
        title="Percepción 2026",
        questionnaire_version=version,
        opens_on=today - timedelta(days=3),
        closes_on=today + timedelta(days=30),
        created_by=alice,
    )


def _answer_everything(page: Any, questionnaire: Any) -> None:
    for _section, question in questionnaire.iter_questions():
        name = question.code
        if question.code == "about.main_office":
            page.locator(f'select[name="{name}"]').select_option("GYE-MAR")
        elif question.code == "about.business_kind":
            page.locator(f'input[name="{name}"][value="customs_broker"]').check()
        elif question.option_set == "agreement":
            page.locator(f'input[name="{name}"][value="disagree"]').check()
        elif question.option_set == "frequency":
            page.locator(f'input[name="{name}"][value="sometimes"]').check()
        elif question.required and question.kind == "single_choice":
            page.locator(f'input[name="{name}"][value="{question.choices[0].code}"]').check()


def test_a_broker_answers_in_french_on_a_phone_and_the_officer_reads_the_results(
    browser: Any, page: Any, live_server: Any, screenshot: Any, ecuador: Any, alice: Any
) -> None:
    from arusha.surveys.models import Draft, Invitation, Response

    campaign = _campaign(ecuador, alice)
    questionnaire = campaign.questionnaire_version.questionnaire()
    add_responses(campaign, 14, group="importer", agreement="agree")
    add_responses(campaign, 9, group="carrier", agreement="neutral")
    [token] = Invitation.issue(campaign, 1, "customs_broker")

    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True)
    respondent = phone.new_page()
    respondent.set_default_timeout(15000)
    respondent.goto(f"/survey/i/{token}/")
    respondent.locator("#survey-language-select").select_option("fr")
    respondent.locator("#survey-language-submit").click()
    respondent.locator("html[lang=fr]").wait_for()
    title = respondent.locator("#survey-title").inner_text()
    assert title == "Perception de l'intégrité de la douane par le secteur privé"
    first = questionnaire.question("kf1.message")
    assert first.text.get("fr") in respondent.locator("#q-kf1\\.message legend").inner_text()
    assert "Commissionnaire en douane" in respondent.content()

    # Half the survey, saved for later.
    respondent.locator('input[name="kf1.message"][value="disagree"]').check()
    respondent.locator('input[name="kf2.consistent"][value="agree"]').check()
    screenshot(respondent, "survey-01-questionnaire-fr-phone")
    respondent.locator("#save-draft").click()
    respondent.locator("#saved-notice").wait_for()
    assert Draft.objects.count() == 1 and Response.objects.count() == 23

    # Coming back later with the same link finds the answers.
    respondent.goto(f"/survey/i/{token}/")
    assert respondent.locator('input[name="kf1.message"][value="disagree"]').is_checked()
    assert respondent.locator('input[name="kf2.consistent"][value="agree"]').is_checked()

    # Submitting without everything asks for the rest, then everything goes through.
    respondent.locator("#submit-survey").click()
    respondent.locator("#form-errors").wait_for()
    _answer_everything(respondent, questionnaire)
    screenshot(respondent, "survey-02-complete-fr-phone")
    respondent.locator("#submit-survey").click()
    respondent.locator("#thanks").wait_for()
    screenshot(respondent, "survey-03-thanks-fr-phone")
    assert Response.objects.count() == 24 and Draft.objects.count() == 0
    assert Invitation.objects.get().used

    # The link cannot be used twice.
    respondent.goto(f"/survey/i/{token}/")
    respondent.locator("#problem-used").wait_for()
    phone.close()

    # The integrity officer reads the results.
    sign_in(page, "alice")
    page.locator("#nav-surveys").click()
    page.locator("#campaigns .results-link").first.click()
    page.locator("#results-title").wait_for()
    assert "24" in page.locator("#response-count").inner_text()
    # One broker answered: the group is hidden, with the next smallest (carriers) beside it.
    groups = page.locator("#groups tbody").inner_text()
    assert "14" in groups and "9" not in groups
    assert page.locator("#key-factors svg").count() == 1
    assert page.locator("#factor-table tbody tr").count() == 10
    # Customs rates leadership 52.5; the private sector's mean is shown beside it, with the gap.
    leadership = page.locator("#factor-1").inner_text()
    assert "53" in leadership or "52" in leadership
    screenshot(page, "survey-04-results")
    page.set_viewport_size(PHONE)
    screenshot(page, "survey-05-results-phone")
