"""Who may see and change agreements, action plans and actions: one helper per object type.

An agreement is seen by the members of its signatories and of the administration that holds it;
its integrity officers in Customs edit it. An action plan belongs to one administration: only
that administration's integrity officers change it, and other signatories see its aggregate
progress only. A private-sector focal point updates the actions their organisation owns.
Regional coordinators see regional aggregates. Platform administrators see and change
everything. Anything else is answered with 404.
"""

from __future__ import annotations

from enum import IntEnum
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from arusha.core.models import Organisation, Role, User
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

OFFICER = Role.INTEGRITY_OFFICER


class ActionAccess(IntEnum):
    """What a user may do with one action, from least to most."""

    READ = 1
    UPDATE = 2  # status, progress, indicators, evidence: the private-side owner's focal point
    EDIT = 3  # everything: the plan's administration


def _officer_orgs(user: User) -> QuerySet[Organisation]:
    return user.organisations_with_role(OFFICER)


def can_create_agreements(user: User) -> bool:
    return (
        user.is_platform_admin
        or _officer_orgs(user).filter(kind=Organisation.Kind.CUSTOMS).exists()
    )


def visible_agreements(user: User) -> QuerySet[Agreement]:
    if user.is_platform_admin:
        return Agreement.objects.all()
    return Agreement.objects.involving(user.organisations())


def can_see_agreement(user: User, agreement: Agreement) -> bool:
    return visible_agreements(user).filter(pk=agreement.pk).exists()


def can_edit_agreement(user: User, agreement: Agreement) -> bool:
    if user.is_platform_admin:
        return True
    officer_of = _officer_orgs(user).filter(kind=Organisation.Kind.CUSTOMS)
    return (
        officer_of.filter(pk=agreement.administration_id).exists()
        or officer_of.filter(signatures__agreement=agreement).exists()
    )


def get_agreement_for_user(user: User, code: UUID | str) -> tuple[Agreement, bool]:
    """The agreement with this code and whether the user may change it, or 404."""
    try:
        agreement = visible_agreements(user).select_related("administration").get(code=code)
    except (Agreement.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return agreement, can_edit_agreement(user, agreement)


def get_published_agreement(code: UUID | str) -> Agreement:
    try:
        return Agreement.objects.published().select_related("administration").get(code=code)
    except (Agreement.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def visible_plans(user: User) -> QuerySet[ActionPlan]:
    """Plans whose actions the user may read: their administration's, or ones they act in."""
    if user.is_platform_admin:
        return ActionPlan.objects.all()
    mine = user.organisations()
    return ActionPlan.objects.filter(
        Q(administration__in=mine) | Q(actions__private_owner__in=mine)
    ).distinct()


def can_edit_plan(user: User, plan: ActionPlan) -> bool:
    return user.is_platform_admin or _officer_orgs(user).filter(pk=plan.administration_id).exists()


def get_plan_for_user(user: User, code: UUID | str) -> tuple[ActionPlan, bool]:
    try:
        plan = visible_plans(user).select_related("agreement", "administration").get(code=code)
    except (ActionPlan.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return plan, can_edit_plan(user, plan)


def action_access(user: User, action: Action) -> ActionAccess:
    if can_edit_plan(user, action.plan):
        return ActionAccess.EDIT
    focal_of = user.organisations_with_role(Role.PRIVATE_FOCAL_POINT)
    if action.private_owner_id and focal_of.filter(pk=action.private_owner_id).exists():
        return ActionAccess.UPDATE
    return ActionAccess.READ


def get_action_for_user(user: User, code: UUID | str) -> tuple[Action, ActionAccess]:
    """The action with this code and what the user may do with it, or 404."""
    actions = Action.objects.filter(plan__in=visible_plans(user))
    try:
        action = actions.select_related("plan__agreement", "plan__administration").get(code=code)
    except (Action.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return action, action_access(user, action)


def get_activity_for_user(user: User, code: UUID | str) -> tuple[Activity, bool]:
    activities = Activity.objects.filter(agreement__in=visible_agreements(user))
    try:
        activity = activities.select_related("agreement").get(code=code)
    except (Activity.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return activity, can_edit_agreement(user, activity.agreement)


def region_for_user(user: User, region: str) -> str:
    """The region if the user coordinates it or administers the platform, else 404."""
    if user.is_platform_admin or region in user.coordinated_regions():
        return region
    raise Http404


def plan_administrations_for(user: User, agreement: Agreement) -> QuerySet[Organisation]:
    """Administrations for which the user may start an action plan under this agreement."""
    candidates = Organisation.objects.customs().filter(
        Q(signatures__agreement=agreement) | Q(pk=agreement.administration_id)
    )
    if not user.is_platform_admin:
        candidates = candidates.filter(pk__in=_officer_orgs(user).values("pk"))
    return candidates.exclude(action_plans__agreement=agreement).distinct()


def get_commitment_for_user(user: User, code: UUID | str) -> tuple[Commitment, bool]:
    commitments = Commitment.objects.filter(agreement__in=visible_agreements(user))
    try:
        commitment = commitments.select_related("agreement__administration").get(code=code)
    except (Commitment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return commitment, can_edit_agreement(user, commitment.agreement)


def get_signatory_for_user(user: User, code: UUID | str) -> Signatory:
    try:
        return Signatory.objects.filter(agreement__in=visible_agreements(user)).get(code=code)
    except (Signatory.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_indicator_for_user(user: User, code: UUID | str) -> tuple[Indicator, ActionAccess]:
    indicators = Indicator.objects.filter(action__plan__in=visible_plans(user))
    try:
        indicator = indicators.select_related("action__plan").get(code=code)
    except (Indicator.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return indicator, action_access(user, indicator.action)


def get_evidence_for_user(user: User, code: UUID | str) -> Evidence:
    try:
        return Evidence.objects.filter(action__plan__in=visible_plans(user)).get(code=code)
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
