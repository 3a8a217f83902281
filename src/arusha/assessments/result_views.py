"""Results of an assessment (radar chart, earlier cycles, regional median), actions from gaps,
the printable report and the XLSX of the answers; and the regional aggregate for coordinators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from arusha.assessments import access, exports, results
from arusha.assessments.charts import Series, radar_svg
from arusha.assessments.forms import GapActionForm
from arusha.assessments.models import Assessment, IntegrityAction
from arusha.assessments.views import _user, language
from arusha.core import access as core_access
from arusha.core import audit
from arusha.core.key_factors import KeyFactor
from arusha.core.models import User, WcoRegion
from arusha.core.suppression import MIN_GROUP
from arusha.partnerships.models import Action, ActionPlan

STANDALONE = "integrity"


def _values(scores: dict[int, float | None]) -> list[float | None]:
    return [scores.get(kf) for kf in results.KEY_FACTORS]


def results_context(assessment: Assessment) -> dict[str, object]:
    lang = language()
    outcome = results.assessment_results(assessment, lang)
    earlier = results.previous_cycles(assessment)
    regional = results.regional_comparison(assessment.organisation.wco_region)
    own = assessment.key_factor_scores()
    series = [Series(assessment.cycle, _values(own))]
    series += [Series(a.cycle, _values(a.key_factor_scores())) for a in earlier[-2:]]
    if not regional.suppressed and regional.medians:
        series.append(Series(_("Regional median"), _values(regional.medians)))
    table = []
    for kf in results.KEY_FACTORS:
        row = {
            "key_factor": kf,
            "label": KeyFactor(kf).label,
            "score": results.as_percent(own.get(kf)),
            "earlier": [results.as_percent(a.key_factor_scores().get(kf)) for a in earlier],
            "median": results.as_percent(regional.medians.get(kf)) if regional.medians else None,
        }
        table.append(row)
    chart = radar_svg(
        [str(KeyFactor(kf).label) for kf in results.KEY_FACTORS],
        series,
        _("Scores by key factor"),
        _(
            "Radar chart of the score (0 to 100) of each of the ten key factors; the table below "
            "gives the same numbers."
        ),
    )
    return {
        "assessment": assessment,
        "results": outcome,
        "overall": results.as_percent(outcome.overall),
        "earlier": earlier,
        "regional": regional,
        "min_group": MIN_GROUP,
        "table": table,
        "chart": chart,
        "series": series,
    }


@login_required
def assessment_results(request: HttpRequest, code: str) -> HttpResponse:
    grant = access.get_assessment_for_user(_user(request), code)
    context = results_context(grant.assessment)
    context["grant"] = grant
    actions = {a.question_code: a for a in grant.assessment.actions.all()}
    for factor in context["results"].factors:  # type: ignore[attr-defined]
        for gap in factor.gaps:
            gap.action = actions.get(gap.code)
    return render(request, "assessments/results.html", context)


@login_required
def assessment_report(request: HttpRequest, code: str) -> HttpResponse:
    grant = access.get_assessment_for_user(_user(request), code)
    context = results_context(grant.assessment)
    return render(request, "assessments/report.html", context)


@login_required
def assessment_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    grant = access.get_assessment_for_user(_user(request), code)
    assessment = grant.assessment
    content = exports.answers_xlsx(assessment, language())
    audit.record(
        _user(request), "assessments.exported", assessment, organisation=assessment.organisation
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"assessment-{assessment.organisation.label}-{assessment.year}.xlsx".replace(" ", "-")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _plans(assessment: Assessment) -> list[tuple[str, str]]:
    own = (
        STANDALONE,
        _("Integrity action plan of %(administration)s")
        % {"administration": assessment.organisation.label},
    )
    joint = ActionPlan.objects.filter(administration=assessment.organisation)
    return [own, *[(str(p.code), p.title) for p in joint.select_related("agreement")]]


@login_required
def gap_action(request: HttpRequest, code: str, question: str) -> HttpResponse:
    grant = access.get_assessment_for_user(_user(request), code)
    if not grant.can_manage:
        raise Http404
    assessment = grant.assessment
    questionnaire = assessment.questionnaire()
    found = next(((s, q) for s, q in questionnaire.iter_questions() if q.code == question), None)
    if found is None:
        raise Http404
    section, item = found
    text = item.text.get(language())
    form = GapActionForm(
        request.POST or None,
        plans=_plans(assessment),
        initial={"title": text[:250], "plan": STANDALONE},
    )
    if request.method == "POST" and form.is_valid():
        _create_action(_user(request), assessment, section.key_factor, question, form)
        messages.success(request, _("The action was added to the plan."))
        return redirect("assessments:actions", assessment.organisation.code)
    context = {
        "assessment": assessment,
        "form": form,
        "question_text": text,
        "key_factor": KeyFactor(section.key_factor).label if section.key_factor else "",
    }
    return render(request, "assessments/gap_action.html", context)


@transaction.atomic
def _create_action(
    user: User, assessment: Assessment, key_factor: int | None, question: str, form: GapActionForm
) -> IntegrityAction:
    action: IntegrityAction = form.save(commit=False)
    action.organisation = assessment.organisation
    action.assessment = assessment
    action.key_factor = key_factor
    action.question_code = question
    action.created_by = user
    plan_code = form.cleaned_data["plan"]
    if plan_code != STANDALONE:
        plan = ActionPlan.objects.filter(
            administration=assessment.organisation, code=plan_code
        ).first()
        if plan is not None:
            action.partnership_action = Action.objects.create(
                plan=plan,
                number=Action.next_number(plan),
                title=action.title,
                description=action.description,
                customs_owner=action.owner or assessment.organisation.label,
                due_date=action.due_date,
            )
    action.save()
    audit.record(
        user,
        "assessments.gap_action_created",
        action,
        organisation=assessment.organisation,
        details={
            "assessment": str(assessment.code),
            "key_factor": key_factor,
            "question": question,
            "joint_plan_action": str(action.partnership_action.code)
            if action.partnership_action
            else None,
        },
    )
    return action


@login_required
def action_list(request: HttpRequest, code: str) -> HttpResponse:
    organisation, can_write = access.get_administration_for_member(_user(request), code)
    actions = organisation.integrity_actions.select_related(
        "assessment__questionnaire_version", "partnership_action__plan"
    )
    context = {"organisation": organisation, "actions": actions, "can_write": can_write}
    return render(request, "assessments/action_list.html", context)


@login_required
def region_results(request: HttpRequest, region: str) -> HttpResponse:
    region = core_access.region_for_coordinator(_user(request), region)
    comparison = results.regional_comparison(region)
    rows = [
        {
            "key_factor": kf,
            "label": KeyFactor(kf).label,
            "median": results.as_percent(comparison.medians.get(kf))
            if comparison.medians
            else None,
        }
        for kf in results.KEY_FACTORS
    ]
    chart = None
    if not comparison.suppressed and comparison.medians:
        chart = radar_svg(
            [str(KeyFactor(kf).label) for kf in results.KEY_FACTORS],
            [Series(_("Regional median"), _values(comparison.medians))],
            _("Regional median by key factor"),
            _("Median score of the latest validated assessment of each administration."),
        )
    context = {
        "region": region,
        "region_label": WcoRegion(region).label,
        "comparison": comparison,
        "rows": rows,
        "chart": chart,
        "min_group": MIN_GROUP,
    }
    return render(request, "assessments/region_results.html", context)
