"""API for agreements, commitments, action plans, actions and activities, with the access rules
of the pages. Writes go through the same forms as the pages, so validation is the same too.

No `from __future__ import annotations` here: Django Ninja reads the annotations at import time.
"""

from typing import Any
from uuid import UUID

from django import forms as django_forms
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja import File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from arusha.core import audit
from arusha.core.models import Organisation, User
from arusha.partnerships import access, progress
from arusha.partnerships.access import ActionAccess
from arusha.partnerships.forms import (
    ActionForm,
    ActionPlanForm,
    ActivityForm,
    AgreementForm,
    CommitmentForm,
    EvidenceForm,
    IndicatorForm,
    ParticipantCountForm,
    SignatoryForm,
)
from arusha.partnerships.models import (
    Action,
    ActionPlan,
    Activity,
    Agreement,
    Commitment,
    Evidence,
    Indicator,
    Signatory,
    StatusNoteMissing,
)
from arusha.partnerships.schemas import (
    ActionIn,
    ActionOut,
    ActionPatch,
    ActivityIn,
    ActivityOut,
    ActivityPatch,
    AgreementIn,
    AgreementOut,
    AgreementPatch,
    AgreementProgressOut,
    CommitmentIn,
    CommitmentOut,
    CommitmentPatch,
    EvidenceOut,
    IndicatorIn,
    IndicatorOut,
    MeasurementIn,
    ParticipantsOut,
    PlanIn,
    PlanOut,
    PlanPatch,
    SignatoryIn,
    SignatoryOut,
    SignatoryPatch,
)

router = Router(tags=["partnerships"])


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _valid(form: django_forms.BaseForm) -> None:
    if not form.is_valid():
        raise NinjaValidationError(
            [
                {"loc": ["body", field], "msg": " ".join(str(e) for e in errors)}
                for field, errors in form.errors.items()
            ]
        )


def _forbidden() -> HttpError:
    return HttpError(403, "You may see this but not change it.")


def _org_pk(code: UUID | None) -> int | None:
    if code is None:
        return None
    found = Organisation.objects.filter(code=code).values_list("pk", flat=True).first()
    if found is None:
        raise NinjaValidationError(
            [{"loc": ["body"], "msg": f"No organisation has the code {code}."}]
        )
    return found


def _merge(instance_data: dict[str, Any], payload: Schema) -> dict[str, Any]:
    return instance_data | payload.dict(exclude_unset=True)


# --- Agreements ----------------------------------------------------------------------------


@router.get("/agreements", response=list[AgreementOut], summary="Agreements you may see")
@paginate
def list_agreements(request: HttpRequest) -> QuerySet[Agreement]:
    return access.visible_agreements(_user(request)).select_related("administration")


@router.get("/agreements/{code}", response=AgreementOut, summary="One agreement")
def get_agreement(request: HttpRequest, code: UUID) -> Agreement:
    agreement, _can_write = access.get_agreement_for_user(_user(request), code)
    return agreement


def _agreement_administrations(user: User) -> QuerySet[Organisation]:
    if user.is_platform_admin:
        return Organisation.objects.customs()
    return user.organisations_with_role(access.OFFICER).filter(kind=Organisation.Kind.CUSTOMS)


@router.post("/agreements", response={201: AgreementOut}, summary="Record an agreement")
def create_agreement(request: HttpRequest, payload: AgreementIn) -> Status[Agreement]:
    user = _user(request)
    if not access.can_create_agreements(user):
        raise _forbidden()
    data = payload.dict() | {"administration": _org_pk(payload.administration)}
    form = AgreementForm(data, administrations=_agreement_administrations(user))
    _valid(form)
    agreement = form.save()
    audit.record(
        user, "partnerships.agreement_created", agreement, organisation=agreement.administration
    )
    return Status(201, agreement)


@router.patch("/agreements/{code}", response=AgreementOut, summary="Change an agreement")
def update_agreement(request: HttpRequest, code: UUID, payload: AgreementPatch) -> Agreement:
    agreement, can_write = access.get_agreement_for_user(_user(request), code)
    if not can_write:
        raise _forbidden()
    current = {f: getattr(agreement, f) for f in AgreementPatch.model_fields}
    data = _merge(current, payload) | {"administration": agreement.administration_id}
    is_public = data.pop("is_public")
    form = AgreementForm(
        data,
        instance=agreement,
        administrations=Organisation.objects.filter(pk=agreement.administration_id),
    )
    _valid(form)
    agreement = form.save(commit=False)
    agreement.is_public = is_public
    agreement.save()
    audit.record(
        request.user,
        "partnerships.agreement_changed",
        agreement,
        organisation=agreement.administration,
        details={"fields": sorted(payload.dict(exclude_unset=True))},
    )
    return agreement


@router.get(
    "/agreements/{code}/progress", response=AgreementProgressOut, summary="How far it has come"
)
def agreement_progress(request: HttpRequest, code: UUID) -> dict[str, Any]:
    agreement, _can_write = access.get_agreement_for_user(_user(request), code)
    actions = list(progress.agreement_actions(agreement))

    def row(label: str, t: progress.Tally) -> dict[str, Any]:
        return {"label": label, "actions": t.total, "done": t.done, "percent": t.percent}

    return {
        "overall": row(agreement.title, progress.tally(actions)),
        "commitments": [
            row(str(c.number), t) for c, t in progress.by_commitment(agreement, actions)
        ],
        "key_factors": [row(str(f.label), t) for f, t in progress.by_key_factor(actions)],
        "administrations": [
            {
                "administration": p.administration.code,
                "administration_name": p.administration.name,
                "actions": t.total,
                "done": t.done,
                "overdue": t.overdue,
                "percent": t.percent,
            }
            for p, t in progress.by_administration(actions)
        ],
    }


@router.get("/agreements/{code}/signatories", response=list[SignatoryOut], summary="Signatories")
def list_signatories(request: HttpRequest, code: UUID) -> list[Signatory]:
    agreement, _can_write = access.get_agreement_for_user(_user(request), code)
    return list(agreement.signatories.select_related("organisation", "agreement"))


@router.post(
    "/agreements/{code}/signatories", response={201: SignatoryOut}, summary="Add a signatory"
)
def add_signatory(request: HttpRequest, code: UUID, payload: SignatoryIn) -> Status[Signatory]:
    agreement, can_write = access.get_agreement_for_user(_user(request), code)
    if not can_write:
        raise _forbidden()
    form = SignatoryForm(
        payload.dict() | {"organisation": _org_pk(payload.organisation)}, agreement=agreement
    )
    _valid(form)
    signatory = form.save(commit=False)
    signatory.agreement = agreement
    signatory.save()
    audit.record(
        request.user,
        "partnerships.signatory_added",
        agreement,
        organisation=agreement.administration,
        details={
            "organisation": str(signatory.organisation.code),
            "adherence": signatory.is_adherence,
        },
    )
    return Status(201, signatory)


# --- Commitments ---------------------------------------------------------------------------


@router.patch("/signatories/{code}", response=SignatoryOut, summary="Correct a signature")
def update_signatory(request: HttpRequest, code: UUID, payload: SignatoryPatch) -> Signatory:
    signatory = access.get_signatory_for_user(_user(request), code)
    agreement, can_write = access.get_agreement_for_user(_user(request), signatory.agreement.code)
    if not can_write:
        raise _forbidden()
    current = {"organisation": signatory.organisation_id} | {
        f: getattr(signatory, f) for f in SignatoryPatch.model_fields
    }
    form = SignatoryForm(_merge(current, payload), instance=signatory, agreement=agreement)
    form.fields["organisation"].queryset = Organisation.objects.filter(pk=signatory.organisation_id)  # type: ignore[attr-defined]
    _valid(form)
    form.save()
    audit.record(
        request.user,
        "partnerships.signatory_changed",
        agreement,
        organisation=agreement.administration,
        details={
            "organisation": str(signatory.organisation.code),
            "fields": sorted(payload.dict(exclude_unset=True)),
        },
    )
    return signatory


@router.get("/agreements/{code}/commitments", response=list[CommitmentOut], summary="Commitments")
def list_commitments(request: HttpRequest, code: UUID) -> list[Commitment]:
    agreement, _can_write = access.get_agreement_for_user(_user(request), code)
    return list(agreement.commitments.all())


@router.post(
    "/agreements/{code}/commitments", response={201: CommitmentOut}, summary="Add a commitment"
)
def add_commitment(request: HttpRequest, code: UUID, payload: CommitmentIn) -> Status[Commitment]:
    agreement, can_write = access.get_agreement_for_user(_user(request), code)
    if not can_write:
        raise _forbidden()
    form = CommitmentForm(
        payload.dict(), instance=Commitment(agreement=agreement), agreement=agreement
    )
    _valid(form)
    commitment = form.save()
    audit.record(
        request.user,
        "partnerships.commitment_added",
        commitment,
        organisation=agreement.administration,
    )
    return Status(201, commitment)


@router.patch("/commitments/{code}", response=CommitmentOut, summary="Change a commitment")
def update_commitment(request: HttpRequest, code: UUID, payload: CommitmentPatch) -> Commitment:
    commitment, can_write = access.get_commitment_for_user(_user(request), code)
    if not can_write:
        raise _forbidden()
    agreement = commitment.agreement
    current = {f: getattr(commitment, f) for f in CommitmentPatch.model_fields}
    form = CommitmentForm(_merge(current, payload), instance=commitment, agreement=agreement)
    _valid(form)
    form.save()
    audit.record(
        request.user,
        "partnerships.commitment_changed",
        commitment,
        organisation=agreement.administration,
    )
    return commitment


# --- Plans and actions -----------------------------------------------------------------------


@router.get("/agreements/{code}/plans", response=list[PlanOut], summary="Action plans you may read")
def list_plans(request: HttpRequest, code: UUID) -> list[ActionPlan]:
    user = _user(request)
    agreement, _can_write = access.get_agreement_for_user(user, code)
    plans = access.visible_plans(user).filter(agreement=agreement)
    return list(plans.select_related("agreement", "administration"))


@router.post("/agreements/{code}/plans", response={201: PlanOut}, summary="Start an action plan")
def create_plan(request: HttpRequest, code: UUID, payload: PlanIn) -> Status[ActionPlan]:
    user = _user(request)
    agreement, _can_write = access.get_agreement_for_user(user, code)
    administrations = access.plan_administrations_for(user, agreement)
    if not administrations.exists():
        raise _forbidden()
    form = ActionPlanForm(
        {"administration": _org_pk(payload.administration), "title": payload.title},
        administrations=administrations,
    )
    _valid(form)
    plan = ActionPlan.objects.create(agreement=agreement, **form.cleaned_data)
    audit.record(user, "partnerships.plan_created", plan, organisation=plan.administration)
    return Status(201, plan)


@router.get("/plans/{code}", response=PlanOut, summary="One action plan")
def get_plan(request: HttpRequest, code: UUID) -> ActionPlan:
    plan, _can_write = access.get_plan_for_user(_user(request), code)
    return plan


def _actions(queryset: QuerySet[Action]) -> QuerySet[Action]:
    return queryset.select_related("plan", "private_owner").prefetch_related(
        "commitments", "indicators"
    )


@router.get("/plans/{code}/actions", response=list[ActionOut], summary="Actions of a plan")
def list_actions(request: HttpRequest, code: UUID) -> list[Action]:
    plan, _can_write = access.get_plan_for_user(_user(request), code)
    return list(_actions(plan.actions.all()))


def _action_form_data(
    payload: Schema, agreement: Agreement, current: dict[str, Any]
) -> dict[str, Any]:
    data = _merge(current, payload)
    numbers = data.get("commitments") or []
    data["commitments"] = list(
        agreement.commitments.filter(number__in=numbers).values_list("pk", flat=True)
    )
    if len(data["commitments"]) != len(set(numbers)):
        raise NinjaValidationError(
            [{"loc": ["body", "commitments"], "msg": "Unknown commitment number."}]
        )
    data["private_owner"] = _org_pk(data.get("private_owner"))
    return data


@router.post("/plans/{code}/actions", response={201: ActionOut}, summary="Add an action")
def create_action(request: HttpRequest, code: UUID, payload: ActionIn) -> Status[Action]:
    plan, can_write = access.get_plan_for_user(_user(request), code)
    if not can_write:
        raise _forbidden()
    form = ActionForm(_action_form_data(payload, plan.agreement, {}), agreement=plan.agreement)
    _valid(form)
    action = form.save(commit=False)
    action.plan, action.number = plan, Action.next_number(plan)
    action.save()
    form.save_m2m()
    audit.record(
        request.user, "partnerships.action_created", action, organisation=plan.administration
    )
    return Status(201, _actions(Action.objects.filter(pk=action.pk)).get())


@router.get("/actions/{code}", response=ActionOut, summary="One action")
def get_action(request: HttpRequest, code: UUID) -> Action:
    action, _level = access.get_action_for_user(_user(request), code)
    return _actions(Action.objects.filter(pk=action.pk)).get()


EDIT_FIELDS = set(ActionIn.model_fields) | {"is_public"}


@router.patch(
    "/actions/{code}",
    response=ActionOut,
    summary="Change an action",
    description=(
        "The plan's administration changes anything; the focal point of the private-side owner "
        "changes status and progress only. A change of status or progress needs a note."
    ),
)
def update_action(request: HttpRequest, code: UUID, payload: ActionPatch) -> Action:
    user = _user(request)
    action, level = access.get_action_for_user(user, code)
    sent = payload.dict(exclude_unset=True)
    if level < ActionAccess.UPDATE or (EDIT_FIELDS & set(sent) and level < ActionAccess.EDIT):
        raise _forbidden()
    if EDIT_FIELDS & set(sent):
        _edit_action(user, action, payload)
    if "status" in sent or "progress" in sent:
        try:
            action.change_status(
                user,
                sent.get("status", action.status),
                sent.get("progress", action.progress),
                sent.get("note") or "",
            )
        except StatusNoteMissing:
            raise NinjaValidationError(
                [{"loc": ["body", "note"], "msg": "A change of status needs a note."}]
            ) from None
    return _actions(Action.objects.filter(pk=action.pk)).get()


def _edit_action(user: User, action: Action, payload: ActionPatch) -> None:
    current = {f: getattr(action, f) for f in ActionIn.model_fields}
    current["commitments"] = [c.number for c in action.commitments.all()]
    current["private_owner"] = action.private_owner.code if action.private_owner else None
    data = _action_form_data(payload, action.plan.agreement, current)
    form = ActionForm(data, instance=action, agreement=action.plan.agreement)
    _valid(form)
    form.save()
    if payload.is_public is not None:
        action.is_public = payload.is_public
        action.save(update_fields=["is_public"])
    audit.record(
        user,
        "partnerships.action_changed",
        action,
        organisation=action.plan.administration,
        details={"fields": sorted(payload.dict(exclude_unset=True))},
    )


@router.get("/actions/{code}/evidence", response=list[EvidenceOut], summary="Evidence of an action")
def list_evidence(request: HttpRequest, code: UUID) -> list[Evidence]:
    action, _level = access.get_action_for_user(_user(request), code)
    return list(action.evidence.all())


@router.post(
    "/actions/{code}/evidence",
    response={201: EvidenceOut},
    summary="Add evidence (multipart: title, link and/or document)",
)
def add_evidence(
    request: HttpRequest,
    code: UUID,
    title: Form[str],
    link: Form[str] = "",
    document: UploadedFile | None = File(None),  # noqa: B008 - how Ninja declares a file part
) -> Status[Evidence]:
    action, level = access.get_action_for_user(_user(request), code)
    if level < ActionAccess.UPDATE:
        raise _forbidden()
    files: MultiValueDict[str, Any] = MultiValueDict({"document": [document]} if document else {})
    form = EvidenceForm({"title": title, "link": link}, files)
    _valid(form)
    evidence = form.save(commit=False)
    evidence.action, evidence.added_by = action, _user(request)
    evidence.save()
    audit.record(
        request.user,
        "partnerships.evidence_added",
        action,
        organisation=action.plan.administration,
        details={"evidence": str(evidence.code), "title": evidence.title},
    )
    return Status(201, evidence)


@router.patch("/plans/{code}", response=PlanOut, summary="Rename an action plan")
def update_plan(request: HttpRequest, code: UUID, payload: PlanPatch) -> ActionPlan:
    plan, can_write = access.get_plan_for_user(_user(request), code)
    if not can_write:
        raise _forbidden()
    plan.title = payload.title.strip()[:200] or plan.title
    plan.save(update_fields=["title"])
    audit.record(request.user, "partnerships.plan_changed", plan, organisation=plan.administration)
    return plan


@router.post("/actions/{code}/indicators", response={201: IndicatorOut}, summary="Add an indicator")
def add_indicator(request: HttpRequest, code: UUID, payload: IndicatorIn) -> Status[Indicator]:
    action, level = access.get_action_for_user(_user(request), code)
    if level < ActionAccess.EDIT:
        raise _forbidden()
    form = IndicatorForm(payload.dict())
    _valid(form)
    indicator = form.save(commit=False)
    indicator.action = action
    indicator.save()
    audit.record(
        request.user,
        "partnerships.indicator_added",
        action,
        organisation=action.plan.administration,
    )
    return Status(201, indicator)


@router.patch("/indicators/{code}", response=IndicatorOut, summary="Record a measurement")
def measure_indicator(request: HttpRequest, code: UUID, payload: MeasurementIn) -> Indicator:
    indicator, level = access.get_indicator_for_user(_user(request), code)
    if level < ActionAccess.UPDATE:
        raise _forbidden()
    indicator.measured, indicator.measured_on = payload.measured, payload.measured_on
    indicator.save(update_fields=["measured", "measured_on"])
    audit.record(
        request.user,
        "partnerships.indicator_measured",
        indicator.action,
        organisation=indicator.action.plan.administration,
        details={"indicator": indicator.name, "measured": indicator.measured},
    )
    return indicator


# --- Activities ----------------------------------------------------------------------------


def _activities(queryset: QuerySet[Activity]) -> QuerySet[Activity]:
    return queryset.select_related("agreement").prefetch_related(
        "organisers", "commitments", "participants"
    )


@router.get("/agreements/{code}/activities", response=list[ActivityOut], summary="Activities")
def list_activities(request: HttpRequest, code: UUID) -> list[Activity]:
    agreement, _can_write = access.get_agreement_for_user(_user(request), code)
    return list(_activities(agreement.activities.all()))


@router.get("/activities/{code}", response=ActivityOut, summary="One activity")
def get_activity(request: HttpRequest, code: UUID) -> Activity:
    activity, _can_write = access.get_activity_for_user(_user(request), code)
    return _activities(Activity.objects.filter(pk=activity.pk)).get()


def _activity_data(agreement: Agreement, data: dict[str, Any]) -> dict[str, Any]:
    organisers = list(
        Organisation.objects.filter(code__in=data.get("organisers") or []).values_list(
            "pk", flat=True
        )
    )
    commitments = agreement.commitments.filter(number__in=data.get("commitments") or [])
    return data | {
        "organisers": organisers,
        "commitments": list(commitments.values_list("pk", flat=True)),
    }


@router.post(
    "/agreements/{code}/activities", response={201: ActivityOut}, summary="Record an activity"
)
def create_activity(request: HttpRequest, code: UUID, payload: ActivityIn) -> Status[Activity]:
    agreement, can_write = access.get_agreement_for_user(_user(request), code)
    if not can_write:
        raise _forbidden()
    form = ActivityForm(
        _activity_data(agreement, payload.dict()),
        instance=Activity(agreement=agreement),
        agreement=agreement,
        actions=Action.objects.none(),
    )
    _valid(form)
    with transaction.atomic():
        activity = form.save()
        _set_participants(activity, payload.participants)
    audit.record(
        request.user, "partnerships.activity_added", activity, organisation=agreement.administration
    )
    return Status(201, _activities(Activity.objects.filter(pk=activity.pk)).get())


def _set_participants(activity: Activity, rows: list[ParticipantsOut] | None) -> None:
    if rows is None:
        return
    activity.participants.all().delete()
    for row in rows:
        form = ParticipantCountForm(row.dict())
        _valid(form)
        count = form.save(commit=False)
        count.activity = activity
        count.save()


@router.patch("/activities/{code}", response=ActivityOut, summary="Change an activity")
def update_activity(request: HttpRequest, code: UUID, payload: ActivityPatch) -> Activity:
    activity, can_write = access.get_activity_for_user(_user(request), code)
    if not can_write:
        raise _forbidden()
    agreement = activity.agreement
    current = {
        f: getattr(activity, f) for f in ("kind", "title", "held_on", "place", "mode", "outcomes")
    }
    current["organisers"] = [o.code for o in activity.organisers.all()]
    current["commitments"] = [c.number for c in activity.commitments.all()]
    data = _activity_data(agreement, _merge(current, payload))
    data["actions"] = list(activity.actions.values_list("pk", flat=True))
    actions = Action.objects.filter(pk__in=data["actions"])
    form = ActivityForm(data, instance=activity, agreement=agreement, actions=actions)
    _valid(form)
    with transaction.atomic():
        form.save()
        _set_participants(activity, payload.participants)
    audit.record(
        request.user,
        "partnerships.activity_changed",
        activity,
        organisation=agreement.administration,
        details={"fields": sorted(payload.dict(exclude_unset=True))},
    )
    return _activities(Activity.objects.filter(pk=activity.pk)).get()


# --- Public ----------------------------------------------------------------------------------


@router.get(
    "/public/agreements", response=list[AgreementOut], auth=None, summary="Published agreements"
)
@paginate
def list_public_agreements(request: HttpRequest) -> QuerySet[Agreement]:
    return Agreement.objects.published().select_related("administration")
