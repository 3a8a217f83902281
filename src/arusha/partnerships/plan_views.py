"""Pages about joint action plans and their actions: status with a note, indicators, evidence,
publication and import from XLSX."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arusha.core.models import User
from arusha.partnerships import access, exports, imports, progress, services
from arusha.partnerships.access import ActionAccess
from arusha.partnerships.forms import (
    ActionForm,
    ActionPlanForm,
    ActionUpdateForm,
    EvidenceForm,
    ImportForm,
    IndicatorForm,
    MeasurementForm,
)
from arusha.partnerships.models import Action, ActionPlan, Activity
from arusha.partnerships.views import _export_response, _user, serve_file


@login_required
def plan_create(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    agreement, _can_write = access.get_agreement_for_user(user, code)
    administrations = access.plan_administrations_for(user, agreement)
    if not administrations.exists():
        raise Http404
    form: BaseForm = ActionPlanForm(administrations=administrations)
    if request.method == "POST":
        try:
            plan = services.create_plan(
                user, agreement, request.POST, administrations=administrations
            )
        except services.Invalid as invalid:
            form = invalid.form
        else:
            messages.success(request, _("The action plan was created. Add its actions."))
            return redirect("partnerships:plan_detail", plan.code)
    return render(request, "partnerships/plan_form.html", {"form": form, "agreement": agreement})


@login_required
def plan_detail(request: HttpRequest, code: str) -> HttpResponse:
    plan, can_write = access.get_plan_for_user(_user(request), code)
    actions = list(
        plan.actions.select_related("private_owner").prefetch_related("commitments", "indicators")
    )
    context = {
        "plan": plan,
        "agreement": plan.agreement,
        "agreement_visible": access.can_see_agreement(_user(request), plan.agreement),
        "can_write": can_write,
        "actions": actions,
        "overall": progress.tally(actions),
        "import_form": ImportForm(),
    }
    return render(request, "partnerships/plan_detail.html", context)


@login_required
def plan_import(request: HttpRequest, code: str) -> HttpResponse:
    plan, can_write = access.get_plan_for_user(_user(request), code)
    if not can_write:
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[imports.RowError] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = imports.import_action_plan(plan, form.cleaned_data["file"], _user(request))
        except imports.ImportRejected as rejected:
            errors = rejected.errors
        else:
            messages.success(request, result.message)
            return redirect("partnerships:plan_detail", plan.code)
    status = 400 if request.method == "POST" else 200
    context = {"plan": plan, "form": form, "errors": errors}
    return render(request, "partnerships/plan_import.html", context, status=status)


@login_required
def plan_template(request: HttpRequest, code: str) -> HttpResponse:
    plan, _can_write = access.get_plan_for_user(_user(request), code)
    table: exports.Table = ("Actions", exports.ACTION_COLUMNS, [])
    return _export_response(
        exports.to_xlsx([table]), "xlsx", f"action-plan-template-{plan.administration.label}"
    )


def _source_activity(plan: ActionPlan, raw: str) -> Activity | None:
    """The activity of the same agreement that a new action follows up, if the link names one."""
    try:
        return Activity.objects.filter(agreement=plan.agreement, code=UUID(raw)).first()
    except ValueError:
        return None


@login_required
def action_create(request: HttpRequest, code: str) -> HttpResponse:
    plan, can_write = access.get_plan_for_user(_user(request), code)
    if not can_write:
        raise Http404
    source = _source_activity(plan, request.GET.get("activity", ""))
    form: BaseForm = ActionForm(agreement=plan.agreement)
    if request.method == "POST":
        try:
            action = services.create_action(_user(request), plan, request.POST, source=source)
        except services.Invalid as invalid:
            form = invalid.form
        else:
            messages.success(request, _("Action %(n)s was added.") % {"n": action.number})
            return redirect("partnerships:plan_detail", plan.code)
    context = {"form": form, "plan": plan, "source": source}
    return render(request, "partnerships/action_form.html", context)


@login_required
def action_edit(request: HttpRequest, code: str) -> HttpResponse:
    action, level = access.get_action_for_user(_user(request), code)
    if level < ActionAccess.EDIT:
        raise Http404
    form: BaseForm = ActionForm(instance=action, agreement=action.plan.agreement)
    if request.method == "POST":
        try:
            services.update_action(_user(request), action, request.POST)
        except services.Invalid as invalid:
            form = invalid.form
        else:
            messages.success(request, _("The action was saved."))
            return redirect("partnerships:action_detail", action.code)
    return render(
        request,
        "partnerships/action_form.html",
        {"form": form, "plan": action.plan, "action": action},
    )


def _action_context(
    user: User, action: Action, level: ActionAccess, **forms: object
) -> dict[str, object]:
    indicators = [
        (i, MeasurementForm(instance=i, prefix=str(i.code))) for i in action.indicators.all()
    ]
    return {
        "action": action,
        "agreement_visible": access.can_see_agreement(user, action.plan.agreement),
        "plan": action.plan,
        "can_update": level >= ActionAccess.UPDATE,
        "can_edit": level >= ActionAccess.EDIT,
        "indicators": indicators,
        "updates": action.updates.select_related("author"),
        "evidence": action.evidence.all(),
        "activities": action.activities.all(),
        "update_form": forms.get("update_form")
        or ActionUpdateForm(initial={"status": action.status, "progress": action.progress}),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(),
        "indicator_form": forms.get("indicator_form") or IndicatorForm(),
    }


@login_required
def action_detail(request: HttpRequest, code: str) -> HttpResponse:
    action, level = access.get_action_for_user(_user(request), code)
    return render(
        request, "partnerships/action_detail.html", _action_context(_user(request), action, level)
    )


def _refused(
    request: HttpRequest, action: Action, level: ActionAccess, **forms: object
) -> HttpResponse:
    context = _action_context(_user(request), action, level, **forms)
    return render(request, "partnerships/action_detail.html", context, status=400)


@login_required
@require_POST
def action_update(request: HttpRequest, code: str) -> HttpResponse:
    action, level = access.get_action_for_user(_user(request), code)
    if level < ActionAccess.UPDATE:
        raise Http404
    try:
        services.change_action_status(_user(request), action, request.POST)
    except services.Invalid as invalid:
        return _refused(request, action, level, update_form=invalid.form)
    messages.success(
        request, _("The action is now “%(status)s”.") % {"status": action.get_status_display()}
    )
    return redirect("partnerships:action_detail", action.code)


@login_required
@require_POST
def action_publish(request: HttpRequest, code: str) -> HttpResponse:
    action, level = access.get_action_for_user(_user(request), code)
    if level < ActionAccess.EDIT:
        raise Http404
    services.publish_action(_user(request), action, request.POST.get("publish") == "1")
    return redirect("partnerships:action_detail", action.code)


@login_required
@require_POST
def indicator_add(request: HttpRequest, code: str) -> HttpResponse:
    action, level = access.get_action_for_user(_user(request), code)
    if level < ActionAccess.EDIT:
        raise Http404
    try:
        services.add_indicator(_user(request), action, request.POST)
    except services.Invalid as invalid:
        return _refused(request, action, level, indicator_form=invalid.form)
    return redirect("partnerships:action_detail", action.code)


@login_required
@require_POST
def indicator_measure(request: HttpRequest, code: str) -> HttpResponse:
    indicator, level = access.get_indicator_for_user(_user(request), code)
    if level < ActionAccess.UPDATE:
        raise Http404
    try:
        services.measure_indicator(
            _user(request), indicator, request.POST, prefix=str(indicator.code)
        )
    except services.Invalid:
        messages.error(request, _("The measurement was not saved: check the value and the date."))
    else:
        messages.success(request, _("The measurement was saved."))
    return redirect("partnerships:action_detail", indicator.action.code)


@login_required
@require_POST
def evidence_add(request: HttpRequest, code: str) -> HttpResponse:
    action, level = access.get_action_for_user(_user(request), code)
    if level < ActionAccess.UPDATE:
        raise Http404
    try:
        services.add_evidence(_user(request), action, request.POST, request.FILES)
    except services.Invalid as invalid:
        return _refused(request, action, level, evidence_form=invalid.form)
    messages.success(request, _("The evidence was added."))
    return redirect("partnerships:action_detail", action.code)


@login_required
def evidence_download(request: HttpRequest, code: str) -> HttpResponseBase:
    evidence = access.get_evidence_for_user(_user(request), code)
    return serve_file(evidence.document, evidence.title)
