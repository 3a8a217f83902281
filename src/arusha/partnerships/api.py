"""API for agreements, commitments, action plans, actions and activities, with the access rules
of the pages. Every write goes through `services`, the functions the pages call, so validation and
the audit trail are the same; `services.Invalid` becomes a 422 in `arusha.api`.

No `from __future__ import annotations` here: Django Ninja reads the annotations at import time.
"""

from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja import File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile
from ninja.responses import Status

from arusha.core.models import Organisation, User
from arusha.core.paging import paginate
from arusha.partnerships import access, progress, services
from arusha.partnerships.access import ActionAccess
from arusha.partnerships.models import (
    Action,
    ActionPlan,
    Activity,
    Agreement,
    Commitment,
    Evidence,
    Indicator,
    Signatory,
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
    agreement = services.create_agreement(
        user, data, administrations=_agreement_administrations(user)
    )
    return Status(201, agreement)


@router.patch("/agreements/{code}", response=AgreementOut, summary="Change an agreement")
def update_agreement(request: HttpRequest, code: UUID, payload: AgreementPatch) -> Agreement:
    user = _user(request)
    agreement, can_write = access.get_agreement_for_user(user, code)
    if not can_write:
        raise _forbidden()
    sent = payload.dict(exclude_unset=True)
    public = sent.pop("is_public", None)
    with transaction.atomic():
        if sent:
            current = {f: getattr(agreement, f) for f in AgreementPatch.model_fields}
            data = current | sent | {"administration": agreement.administration_id}
            administrations = Organisation.objects.filter(pk=agreement.administration_id)
            services.update_agreement(user, agreement, data, administrations=administrations)
        if public is not None and public != agreement.is_public:
            services.publish_agreement(user, agreement, public)
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
    data = payload.dict() | {"organisation": _org_pk(payload.organisation)}
    return Status(201, services.add_signatory(_user(request), agreement, data))


# --- Commitments ---------------------------------------------------------------------------


@router.patch("/signatories/{code}", response=SignatoryOut, summary="Correct a signature")
def update_signatory(request: HttpRequest, code: UUID, payload: SignatoryPatch) -> Signatory:
    signatory = access.get_signatory_for_user(_user(request), code)
    _agreement, can_write = access.get_agreement_for_user(_user(request), signatory.agreement.code)
    if not can_write:
        raise _forbidden()
    current = {f: getattr(signatory, f) for f in SignatoryPatch.model_fields}
    return services.update_signatory(_user(request), signatory, _merge(current, payload))


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
    commitment = Commitment(agreement=agreement)
    return Status(201, services.save_commitment(_user(request), commitment, payload.dict()))


@router.patch("/commitments/{code}", response=CommitmentOut, summary="Change a commitment")
def update_commitment(request: HttpRequest, code: UUID, payload: CommitmentPatch) -> Commitment:
    commitment, can_write = access.get_commitment_for_user(_user(request), code)
    if not can_write:
        raise _forbidden()
    current = {f: getattr(commitment, f) for f in CommitmentPatch.model_fields}
    return services.save_commitment(_user(request), commitment, _merge(current, payload))


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
    data = {"administration": _org_pk(payload.administration), "title": payload.title}
    plan = services.create_plan(user, agreement, data, administrations=administrations)
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
    data = _action_form_data(payload, plan.agreement, {})
    action = services.create_action(_user(request), plan, data)
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
    edits = EDIT_FIELDS & set(sent)
    if level < ActionAccess.UPDATE or (edits and level < ActionAccess.EDIT):
        raise _forbidden()
    with transaction.atomic():
        if edits - {"is_public"}:
            _edit_action(user, action, payload)
        if "is_public" in sent and sent["is_public"] != action.is_public:
            services.publish_action(user, action, sent["is_public"])
        if {"status", "progress", "note"} & set(sent):
            status = {"status": action.status, "progress": action.progress, "note": ""}
            services.change_action_status(user, action, status | sent)
    return _actions(Action.objects.filter(pk=action.pk)).get()


def _edit_action(user: User, action: Action, payload: ActionPatch) -> None:
    current = {f: getattr(action, f) for f in ActionIn.model_fields}
    current["commitments"] = [c.number for c in action.commitments.all()]
    current["private_owner"] = action.private_owner.code if action.private_owner else None
    services.update_action(user, action, _action_form_data(payload, action.plan.agreement, current))


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
    data = {"title": title, "link": link}
    return Status(201, services.add_evidence(_user(request), action, data, files))


@router.patch("/plans/{code}", response=PlanOut, summary="Rename an action plan")
def update_plan(request: HttpRequest, code: UUID, payload: PlanPatch) -> ActionPlan:
    plan, can_write = access.get_plan_for_user(_user(request), code)
    if not can_write:
        raise _forbidden()
    return services.rename_plan(_user(request), plan, payload.dict())


@router.post("/actions/{code}/indicators", response={201: IndicatorOut}, summary="Add an indicator")
def add_indicator(request: HttpRequest, code: UUID, payload: IndicatorIn) -> Status[Indicator]:
    action, level = access.get_action_for_user(_user(request), code)
    if level < ActionAccess.EDIT:
        raise _forbidden()
    return Status(201, services.add_indicator(_user(request), action, payload.dict()))


@router.patch("/indicators/{code}", response=IndicatorOut, summary="Record a measurement")
def measure_indicator(request: HttpRequest, code: UUID, payload: MeasurementIn) -> Indicator:
    indicator, level = access.get_indicator_for_user(_user(request), code)
    if level < ActionAccess.UPDATE:
        raise _forbidden()
    services.measure_indicator(_user(request), indicator, payload.dict())
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
    data = _activity_data(agreement, payload.dict())
    with transaction.atomic():
        activity = services.save_activity(
            _user(request), Activity(agreement=agreement), data, actions=Action.objects.none()
        )
        services.replace_participants(_user(request), activity, data["participants"])
    return Status(201, _activities(Activity.objects.filter(pk=activity.pk)).get())


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
    with transaction.atomic():
        services.save_activity(_user(request), activity, data, actions=actions)
        if payload.participants is not None:
            services.replace_participants(_user(request), activity, data["participants"])
    return _activities(Activity.objects.filter(pk=activity.pk)).get()


# --- Public ----------------------------------------------------------------------------------


@router.get(
    "/public/agreements", response=list[AgreementOut], auth=None, summary="Published agreements"
)
@paginate
def list_public_agreements(request: HttpRequest) -> QuerySet[Agreement]:
    return Agreement.objects.published().select_related("administration")
