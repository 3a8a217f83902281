"""An integrity officer runs a self-assessment in Spanish; a reviewer asks for a change and then
validates it; the officer reads the radar chart and the comparisons and turns a gap into an action.

Selectors are ids and form field names, so the test holds whatever language the interface speaks.
"""

from __future__ import annotations

from typing import Any

from tests.e2e.steps import choose_language, sign_in

# Answers by question code; questions left out get "established", "yes" or a top-band number.
LOW = {"kf7.gifts": "no", "kf8.rotation": "emerging", "kf2.exemptions": "nascent"}


def _sign_out(page: Any) -> None:
    page.locator("header form[action='/logout/'] button").click()
    page.locator("#id_username").wait_for()


def _regional_peers(version: Any) -> None:
    """Five other administrations of the region with a validated assessment."""
    from arusha.assessments.models import Assessment
    from arusha.core.models import Organisation

    for n, score in enumerate([0.3, 0.45, 0.6, 0.7, 0.8]):
        organisation = Organisation.objects.create(
            name=f"Aduana {n}", kind="customs", country="CL", wco_region="AMS"
        )
        Assessment.objects.create(
            organisation=organisation,
            cycle="2025",
            year=2025,
            questionnaire_version=version,
            status=Assessment.Status.VALIDATED,
            validated_scores={str(kf): score for kf in range(1, 11)},
            validated_overall=score,
        )


def _answer_section(page: Any, questions: list[Any]) -> None:
    for question in questions:
        name = question.code
        if question.kind == "maturity":
            page.locator(f'input[name="{name}"][value="{LOW.get(name, "established")}"]').check()
        elif question.kind == "yes_no_evidence":
            page.locator(f'input[name="{name}"][value="{LOW.get(name, "yes")}"]').check()
            page.locator(f'textarea[name="{name}__evidence"]').fill("Informe anual de la Unidad")
        elif question.kind == "number":
            top = question.score_bands[-1].at_least if question.score_bands else 5
            page.locator(f'input[name="{name}"]').fill(str(int(top)))
    page.locator("#save-section").click()
    page.locator("#assessment-status").wait_for()


def test_an_assessment_from_opening_to_an_action(
    page: Any, screenshot: Any, make_user: Any, ecuador: Any
) -> None:
    from arusha.assessments.models import Assessment, IntegrityAction
    from arusha.questionnaires.loading import load_files

    version = load_files()[0].version
    assert version.slug == "arusha-self-assessment"
    questionnaire = version.questionnaire()
    make_user("ines", ecuador, "integrity_officer", first_name="Inés")
    make_user(
        "rafael", ecuador, "assessment_reviewer", first_name="Rafael", preferred_language="es"
    )
    _regional_peers(version)
    Assessment.objects.create(
        organisation=ecuador,
        cycle="2024",
        year=2024,
        questionnaire_version=version,
        status=Assessment.Status.VALIDATED,
        validated_scores={str(kf): 0.4 for kf in range(1, 11)},
        validated_overall=0.4,
    )

    # Inés signs in, switches to Spanish and opens the 2026 cycle.
    sign_in(page, "ines")
    choose_language(page, "es")
    page.goto("/assessments/")
    page.locator("#open-assessment").click()
    page.locator("#id_cycle").fill("Autoevaluación 2026")
    page.locator("#id_year").fill("2026")
    page.locator("main form button[type=submit]").click()
    page.locator("#assessment-status").wait_for()
    assessment = Assessment.objects.get(cycle="Autoevaluación 2026")

    # She answers every section; the questions are in Spanish.
    for section in questionnaire.sections:
        page.locator(f'a[data-section="{section.code}"]').click()
        page.locator("#section-form").wait_for()
        assert section.title.es in page.locator("h1").inner_text()
        if section.code == "kf1":
            assert "¿En qué medida se recoge la integridad" in page.content()
            screenshot(page, "assessment-01-section-es")
        _answer_section(page, section.questions)
    screenshot(page, "assessment-02-detail-es")
    page.locator("#submit-assessment").click()
    page.wait_for_selector("#assessment-status.status-submitted")
    _sign_out(page)

    # Rafael, the reviewer, asks for a change; Inés makes it and submits again.
    sign_in(page, "rafael")
    page.goto(f"/assessments/{assessment.code}/")
    page.locator('#review-form input[value="request_changes"]').check()
    page.locator("#review-form select[name=section]").select_option("kf8")
    page.locator("#review-form textarea[name=text]").fill("Añadan la resolución de rotación.")
    page.locator("#send-review").click()
    page.wait_for_selector("#assessment-status.status-changes_requested")
    _sign_out(page)
    sign_in(page, "ines")
    # The request names the section it is about, and that section's page shows it.
    kf8 = next(s for s in questionnaire.sections if s.code == "kf8")
    page.goto(f"/assessments/{assessment.code}/")
    assert page.locator("article.comment .comment-section").inner_text() == kf8.title.es
    page.locator("article.comment .comment-section").click()
    page.locator("#section-comments").wait_for()
    assert "Añadan la resolución de rotación." in page.locator("#section-comments").inner_text()
    screenshot(page, "assessment-02b-changes-requested-es")
    page.locator('fieldset[id="q-kf8.rotation"] summary').click()
    page.locator('textarea[name="kf8.rotation__note"]').fill("Resolución 45/2025 de rotación")
    page.locator("#save-section").click()
    page.locator("#submit-assessment").click()
    page.wait_for_selector("#assessment-status.status-submitted")
    _sign_out(page)
    sign_in(page, "rafael")
    page.goto(f"/assessments/{assessment.code}/")
    page.locator('#review-form input[value="validate"]').check()
    page.locator("#send-review").click()
    page.wait_for_selector("#assessment-status.status-validated")
    assert page.locator("#submit-assessment").count() == 0
    _sign_out(page)

    # Inés reads the results: radar chart, the earlier cycle and the regional median.
    sign_in(page, "ines")
    page.goto(f"/assessments/{assessment.code}/")
    page.locator("#see-results").click()
    page.locator("svg.radar").wait_for()
    assert page.locator("svg.radar polygon").count() == 4 + 3  # rings; 2026, 2024, median
    table = page.locator("#comparison-table").inner_text()
    assert "2024" in table and "40" in table  # the earlier cycle
    assert "60" in table  # the regional median of 0.3, 0.45, 0.6, 0.7, 0.8
    screenshot(page, "assessment-03-results-es")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "assessment-04-results-es-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # From the gap on the gifts register, an action in the integrity action plan.
    page.locator('a.gap-action[data-question="kf7.gifts"]').click()
    page.locator("#id_title").fill("Crear un registro de regalos")
    page.locator("#id_owner").fill("Unidad de Integridad")
    page.locator("#create-action").click()
    page.locator("#action-table").wait_for()
    assert "Crear un registro de regalos" in page.locator("#action-table").inner_text()
    screenshot(page, "assessment-05-action-plan-es")
    action = IntegrityAction.objects.get()
    assert (action.key_factor, action.question_code) == (7, "kf7.gifts")
    assessment.refresh_from_db()
    assert assessment.status == "validated"
    assert assessment.answers.get(question_code="kf8.rotation").note.startswith("Resolución 45")


def test_the_demo_risk_map_follows_a_completed_treatment(page: Any, screenshot: Any) -> None:
    from django.core.management import call_command

    from arusha.assessments.risks import Risk
    from arusha.core.demo import DEMO_PASSWORD

    call_command("load_demo")
    risk = Risk.objects.get(title="Brokers pay to have incomplete declarations accepted")
    sign_in(page, "integrity", DEMO_PASSWORD)
    page.goto("/assessments/risks/")
    assert page.locator("svg.heatmap").count() == 2
    screenshot(page, "assessment-06-risk-map")
    page.goto(f"/assessments/risks/{risk.code}/")
    before = page.locator("#residual-score").inner_text()
    page.locator("details:not([open]) summary").first.wait_for()
    form = page.locator("form[action$='/treatments/']")
    form.locator("input[name=title]").fill("Revisión automática de documentos obligatorios")
    form.locator("input[name=reduces_likelihood]").fill("1")
    form.locator("button[type=submit]").click()
    page.locator("form[action$='/done/'] button").first.click()
    page.wait_for_load_state()
    after = page.locator("#residual-score").inner_text()
    assert (before, after) == ("6", "3")  # (2 × 3) → (1 × 3)
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "assessment-07-risk-phone")
