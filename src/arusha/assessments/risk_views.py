"""Pages of the corruption risk map: the register with its heat maps, and each risk with its
treatment actions."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arusha.assessments import access
from arusha.assessments.charts import heatmap_svg
from arusha.assessments.forms import RiskForm, TreatmentForm
from arusha.assessments.risks import ProcessStep, Risk
from arusha.assessments.views import _user
from arusha.core import audit


@login_required
def risk_home(request: HttpRequest) -> HttpResponse:
    administrations = access.member_administrations(_user(request))
    if not administrations.exists():
        raise Http404
    return redirect("assessments:risk_map", administrations.first().code)  # type: ignore[union-attr]


def heatmaps(risks: list[Risk]) -> tuple[object, object]:
    inherent = Counter((r.likelihood, r.impact) for r in risks)
    residual = Counter((r.residual_likelihood, r.residual_impact) for r in risks)
    likelihood, impact = _("Likelihood"), _("Impact")
    return (
        heatmap_svg(
            dict(inherent),
            "heat-inherent",
            _("Inherent risk"),
            _("Number of risks in each cell of likelihood by impact, before any control."),
            likelihood,
            impact,
        ),
        heatmap_svg(
            dict(residual),
            "heat-residual",
            _("Residual risk"),
            _("Number of risks in each cell after controls and completed treatment actions."),
            likelihood,
            impact,
        ),
    )


@login_required
def risk_map(request: HttpRequest, code: str) -> HttpResponse:
    organisation, can_write = access.get_administration_for_member(_user(request), code)
    risks = list(Risk.objects.of(organisation).prefetch_related("treatments"))
    inherent, residual = heatmaps(risks)
    by_step = [
        (label, [r for r in risks if r.process_step == step]) for step, label in ProcessStep.choices
    ]
    context = {
        "organisation": organisation,
        "can_write": can_write,
        "risks": risks,
        "by_step": [(label, items) for label, items in by_step if items],
        "inherent_map": inherent,
        "residual_map": residual,
    }
    return render(request, "assessments/risk_map.html", context)


@login_required
def risk_create(request: HttpRequest, code: str) -> HttpResponse:
    organisation, can_write = access.get_administration_for_member(_user(request), code)
    if not can_write:
        raise Http404
    form = RiskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        risk = form.save(commit=False)
        risk.organisation = organisation
        risk.save()
        audit.record(_user(request), "assessments.risk_created", risk, organisation=organisation)
        messages.success(request, _("The risk was added to the map."))
        return redirect("assessments:risk_detail", risk.code)
    return render(
        request, "assessments/risk_form.html", {"form": form, "organisation": organisation}
    )


@login_required
def risk_detail(request: HttpRequest, code: str) -> HttpResponse:
    risk, can_write = access.get_risk_for_user(_user(request), code)
    form = RiskForm(request.POST or None, instance=risk) if can_write else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            form.save()
            audit.record(
                _user(request),
                "assessments.risk_changed",
                risk,
                organisation=risk.organisation,
                details={"fields": form.changed_data},
            )
            messages.success(request, _("The risk was saved."))
            return redirect("assessments:risk_detail", risk.code)
    context = {
        "risk": risk,
        "can_write": can_write,
        "form": form,
        "treatment_form": TreatmentForm(),
        "treatments": risk.treatments.all(),
    }
    return render(request, "assessments/risk_detail.html", context)


@require_POST
@login_required
def treatment_add(request: HttpRequest, code: str) -> HttpResponse:
    risk, can_write = access.get_risk_for_user(_user(request), code)
    if not can_write:
        raise Http404
    form = TreatmentForm(request.POST)
    if form.is_valid():
        treatment = form.save(commit=False)
        treatment.risk = risk
        treatment.save()
        audit.record(
            _user(request),
            "assessments.risk_treatment_added",
            treatment,
            organisation=risk.organisation,
            details={"risk": str(risk.code)},
        )
        messages.success(request, _("The treatment action was added."))
    else:
        messages.error(request, _("Give the treatment action a title; reductions go from 0 to 4."))
    return redirect("assessments:risk_detail", risk.code)


@require_POST
@login_required
def treatment_done(request: HttpRequest, code: str, treatment: str) -> HttpResponse:
    risk, can_write = access.get_risk_for_user(_user(request), code)
    if not can_write:
        raise Http404
    item = get_object_or_404(risk.treatments, code=treatment)
    risk.set_treatment_done(_user(request), item, request.POST.get("done") == "1")
    messages.success(request, _("Residual risk is now %(score)s.") % {"score": risk.residual})
    return redirect("assessments:risk_detail", risk.code)
