"""Pages about activities: workshops, panels, trainings and consultations under an agreement."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arusha.core.models import Organisation, User, WcoRegion
from arusha.partnerships import access, services
from arusha.partnerships.forms import ActivityForm, ParticipantCountForm
from arusha.partnerships.models import Action, Activity, Agreement
from arusha.partnerships.views import _user


def _actions_for(user: User, agreement: Agreement) -> QuerySet[Action]:
    return Action.objects.filter(
        plan__agreement=agreement, plan__in=access.visible_plans(user)
    ).select_related("plan__administration")


@login_required
def activity_create(request: HttpRequest, code: str) -> HttpResponse:
    agreement, can_write = access.get_agreement_for_user(_user(request), code)
    if not can_write:
        raise Http404
    return _activity_form(request, agreement, Activity(agreement=agreement))


@login_required
def activity_edit(request: HttpRequest, code: str) -> HttpResponse:
    activity, can_write = access.get_activity_for_user(_user(request), code)
    if not can_write:
        raise Http404
    return _activity_form(request, activity.agreement, activity)


def _activity_form(request: HttpRequest, agreement: Agreement, activity: Activity) -> HttpResponse:
    actions = _actions_for(_user(request), agreement)
    form: BaseForm = ActivityForm(instance=activity, agreement=agreement, actions=actions)
    if request.method == "POST":
        try:
            activity = services.save_activity(
                _user(request), activity, request.POST, actions=actions
            )
        except services.Invalid as invalid:
            form = invalid.form
        else:
            messages.success(request, _("The activity was saved."))
            return redirect("partnerships:activity_detail", activity.code)
    context = {"form": form, "agreement": agreement, "activity": activity}
    return render(request, "partnerships/activity_form.html", context)


def _counts(activity: Activity) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    by_kind: Counter[str] = Counter()
    by_region: Counter[str] = Counter()
    for row in activity.participants.all():
        by_kind[row.organisation_kind] += row.count
        by_region[row.wco_region] += row.count
    kinds = [(str(label), by_kind[k]) for k, label in Organisation.Kind.choices if by_kind[k]]
    regions = [(str(label), by_region[r]) for r, label in WcoRegion.choices if by_region[r]]
    if by_region[""]:
        regions.append((_("Global or no region"), by_region[""]))
    return kinds, regions


@login_required
def activity_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    activity, can_write = access.get_activity_for_user(user, code)
    by_kind, by_region = _counts(activity)
    readable = access.visible_plans(user)
    context = {
        "activity": activity,
        "agreement": activity.agreement,
        "can_write": can_write,
        "by_kind": by_kind,
        "by_region": by_region,
        "rows": activity.participants.all(),
        "actions": activity.actions.filter(plan__in=readable).select_related(
            "plan__administration"
        ),
        "follow_ups": activity.follow_up_actions.filter(plan__in=readable).select_related(
            "plan__administration"
        ),
        "editable_plans": [
            p for p in activity.agreement.plans.all() if access.can_edit_plan(user, p)
        ],
        "participant_form": ParticipantCountForm(),
    }
    return render(request, "partnerships/activity_detail.html", context)


@login_required
@require_POST
def participants_add(request: HttpRequest, code: str) -> HttpResponse:
    activity, can_write = access.get_activity_for_user(_user(request), code)
    if not can_write:
        raise Http404
    try:
        services.count_participants(_user(request), activity, request.POST)
    except services.Invalid as invalid:
        messages.error(request, _count_refusal(invalid))
    return redirect("partnerships:activity_detail", activity.code)


def _count_refusal(invalid: services.Invalid) -> str:
    if invalid.form.non_field_errors():
        return str(invalid.form.non_field_errors()[0])
    return _("The count was not saved: give a kind of organisation and a number.")
