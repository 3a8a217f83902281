"""What people do to agreements, plans, actions and activities: one function per act, called by the
pages and the API alike. Each validates through the app's forms and writes the audit entry, so the
same input gets the same answer and leaves the same trail whichever way it came.

A function takes the data as a form would (field name to value, organisations and commitments by
primary key) and raises ``Invalid`` with the bound form when the data does not pass.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from arusha.core import audit
from arusha.core.invalid import Invalid
from arusha.core.models import Organisation, User
from arusha.partnerships.forms import (
    ActionForm,
    ActionPlanForm,
    ActionUpdateForm,
    ActivityForm,
    AgreementForm,
    CommitmentForm,
    EvidenceForm,
    IndicatorForm,
    MeasurementForm,
    ParticipantCountForm,
    PlanTitleForm,
    SignatoryForm,
)
from arusha.partnerships.models import (
    Action,
    ActionPlan,
    ActionUpdate,
    Activity,
    Agreement,
    Commitment,
    Evidence,
    Indicator,
    ParticipantCount,
    Signatory,
)

Data = dict[str, Any]
Files = MultiValueDict[str, Any] | None
F = TypeVar("F", bound=forms.BaseForm)


def _valid(form: F) -> F:
    if not form.is_valid():
        raise Invalid(form)
    return form


# --- Agreements --------------------------------------------------------------------------------


def create_agreement(
    user: User, data: Data, files: Files = None, *, administrations: QuerySet[Organisation]
) -> Agreement:
    form = _valid(AgreementForm(data, files, administrations=administrations))
    agreement = form.save()
    audit.record(
        user,
        "partnerships.agreement_created",
        agreement,
        organisation=agreement.administration,
        details={"title": agreement.title, "kind": agreement.kind},
    )
    return agreement


def update_agreement(
    user: User,
    agreement: Agreement,
    data: Data,
    files: Files = None,
    *,
    administrations: QuerySet[Organisation],
) -> Agreement:
    form = _valid(AgreementForm(data, files, instance=agreement, administrations=administrations))
    form.save()
    audit.record(
        user,
        "partnerships.agreement_changed",
        agreement,
        organisation=agreement.administration,
        details={"fields": form.changed_data},
    )
    return agreement


def publish_agreement(user: User, agreement: Agreement, public: bool) -> None:
    agreement.is_public = public
    agreement.save(update_fields=["is_public"])
    verb = "published" if public else "unpublished"
    audit.record(
        user, f"partnerships.agreement_{verb}", agreement, organisation=agreement.administration
    )


def add_signatory(user: User, agreement: Agreement, data: Data) -> Signatory:
    form = _valid(SignatoryForm(data, agreement=agreement))
    signatory = form.save(commit=False)
    signatory.agreement = agreement
    signatory.save()
    audit.record(
        user,
        "partnerships.signatory_added",
        agreement,
        organisation=agreement.administration,
        details={
            "organisation": str(signatory.organisation.code),
            "signed_on": signatory.signed_on,
            "adherence": signatory.is_adherence,
        },
    )
    return signatory


def update_signatory(user: User, signatory: Signatory, data: Data) -> Signatory:
    """Correct who signed, in which capacity and when; the organisation stays."""
    agreement = signatory.agreement
    form = SignatoryForm(
        data | {"organisation": signatory.organisation_id}, instance=signatory, agreement=agreement
    )
    form.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
        pk=signatory.organisation_id
    )
    _valid(form).save()
    audit.record(
        user,
        "partnerships.signatory_changed",
        agreement,
        organisation=agreement.administration,
        details={"organisation": str(signatory.organisation.code), "fields": form.changed_data},
    )
    return signatory


def save_commitment(user: User, commitment: Commitment, data: Data) -> Commitment:
    """Add the commitment (an unsaved one of its agreement) or change it."""
    is_new = commitment.pk is None
    agreement = commitment.agreement
    form = _valid(CommitmentForm(data, instance=commitment, agreement=agreement))
    commitment = form.save()
    audit.record(
        user,
        "partnerships.commitment_added" if is_new else "partnerships.commitment_changed",
        commitment,
        organisation=agreement.administration,
        details={"agreement": str(agreement.code), "number": commitment.number},
    )
    return commitment


# --- Plans and actions -------------------------------------------------------------------------


def create_plan(
    user: User, agreement: Agreement, data: Data, *, administrations: QuerySet[Organisation]
) -> ActionPlan:
    form = _valid(ActionPlanForm(data, administrations=administrations))
    plan = ActionPlan.objects.create(agreement=agreement, **form.cleaned_data)
    audit.record(
        user,
        "partnerships.plan_created",
        plan,
        organisation=plan.administration,
        details={"agreement": str(agreement.code)},
    )
    return plan


def rename_plan(user: User, plan: ActionPlan, data: Data) -> ActionPlan:
    form = _valid(PlanTitleForm(data, instance=plan))
    form.save()
    audit.record(
        user,
        "partnerships.plan_changed",
        plan,
        organisation=plan.administration,
        details={"fields": form.changed_data},
    )
    return plan


def create_action(
    user: User, plan: ActionPlan, data: Data, *, source: Activity | None = None
) -> Action:
    form = _valid(ActionForm(data, agreement=plan.agreement))
    with transaction.atomic():
        action = form.save(commit=False)
        action.plan, action.number, action.source_activity = plan, Action.next_number(plan), source
        action.save()
        form.save_m2m()
        audit.record(
            user,
            "partnerships.action_created",
            action,
            organisation=plan.administration,
            details={
                "plan": str(plan.code),
                "title": action.title,
                "activity": str(source.code) if source else "",
            },
        )
    return action


def update_action(user: User, action: Action, data: Data) -> Action:
    form = _valid(ActionForm(data, instance=action, agreement=action.plan.agreement))
    form.save()
    audit.record(
        user,
        "partnerships.action_changed",
        action,
        organisation=action.plan.administration,
        details={"fields": form.changed_data},
    )
    return action


def publish_action(user: User, action: Action, public: bool) -> None:
    action.is_public = public
    action.save(update_fields=["is_public", "updated_at"])
    verb = "published" if public else "unpublished"
    audit.record(
        user, f"partnerships.action_{verb}", action, organisation=action.plan.administration
    )


def change_action_status(user: User, action: Action, data: Data) -> ActionUpdate:
    """Move the action to a status and progress, with the note that says why (audited by the
    model)."""
    form = _valid(ActionUpdateForm(data))
    clean = form.cleaned_data
    return action.change_status(user, clean["status"], clean["progress"], clean["note"])


def add_indicator(user: User, action: Action, data: Data) -> Indicator:
    form = _valid(IndicatorForm(data))
    indicator = form.save(commit=False)
    indicator.action = action
    indicator.save()
    audit.record(
        user,
        "partnerships.indicator_added",
        action,
        organisation=action.plan.administration,
        details={
            "indicator": indicator.name,
            "baseline": indicator.baseline,
            "target": indicator.target,
        },
    )
    return indicator


def measure_indicator(user: User, indicator: Indicator, data: Data, *, prefix: str = "") -> None:
    form = _valid(MeasurementForm(data, instance=indicator, prefix=prefix or None))
    form.save()
    action = indicator.action
    audit.record(
        user,
        "partnerships.indicator_measured",
        action,
        organisation=action.plan.administration,
        details={"indicator": indicator.name, "measured": indicator.measured},
    )


def add_evidence(user: User, action: Action, data: Data, files: Files) -> Evidence:
    form = _valid(EvidenceForm(data, files))
    evidence = form.save(commit=False)
    evidence.action, evidence.added_by = action, user
    evidence.save()
    audit.record(
        user,
        "partnerships.evidence_added",
        action,
        organisation=action.plan.administration,
        details={"evidence": str(evidence.code), "title": evidence.title},
    )
    return evidence


# --- Activities --------------------------------------------------------------------------------


def save_activity(
    user: User, activity: Activity, data: Data, *, actions: QuerySet[Action]
) -> Activity:
    """Record the activity (an unsaved one of its agreement) or change it."""
    is_new = activity.pk is None
    agreement = activity.agreement
    form = _valid(ActivityForm(data, instance=activity, agreement=agreement, actions=actions))
    activity = form.save()
    audit.record(
        user,
        "partnerships.activity_added" if is_new else "partnerships.activity_changed",
        activity,
        organisation=agreement.administration,
        details={"agreement": str(agreement.code), "title": activity.title},
    )
    return activity


def _duplicate_count(form: ParticipantCountForm) -> Invalid:
    form.add_error(None, _("There is already a count for that kind of organisation and region."))
    return Invalid(form)


def count_participants(user: User, activity: Activity, data: Data) -> ParticipantCount:
    form = _valid(ParticipantCountForm(data))
    row = form.save(commit=False)
    row.activity = activity
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise _duplicate_count(form) from None
    audit.record(
        user,
        "partnerships.participants_counted",
        activity,
        organisation=activity.agreement.administration,
        details={"kind": row.organisation_kind, "region": row.wco_region, "count": row.count},
    )
    return row


@transaction.atomic
def replace_participants(user: User, activity: Activity, rows: list[Data]) -> None:
    """Replace every participant count of the activity; nothing changes unless every row passes."""
    activity.participants.all().delete()
    for data in rows:
        count_participants(user, activity, data)
