"""Who may see and do what with survey campaigns; each helper is the first line of its views.

Detailed results belong to the administration (as for assessments): its members see its
campaigns and results, its integrity officers launch and manage them. Regional coordinators see
only the pooled, suppressed regional aggregate, never one administration's campaign. Platform
administrators get no special access. Everything else is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from arusha.core.models import Organisation, Role, User
from arusha.surveys.models import Campaign


@dataclass(frozen=True)
class CampaignAccess:
    campaign: Campaign
    can_manage: bool


def member_administrations(user: User) -> QuerySet[Organisation]:
    if not user.is_active:
        return Organisation.objects.none()
    return user.organisations().filter(kind=Organisation.Kind.CUSTOMS)


def officer_administrations(user: User) -> QuerySet[Organisation]:
    """Administrations where the user may launch and manage campaigns."""
    if not user.is_active:
        return Organisation.objects.none()
    return user.organisations_with_role(Role.INTEGRITY_OFFICER).filter(
        kind=Organisation.Kind.CUSTOMS
    )


def visible_campaigns(user: User) -> QuerySet[Campaign]:
    return Campaign.objects.filter(organisation__in=member_administrations(user)).select_related(
        "organisation", "questionnaire_version"
    )


def get_campaign_for_user(user: User, code: UUID | str) -> CampaignAccess:
    try:
        campaign = visible_campaigns(user).get(code=code)
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    can_manage = officer_administrations(user).filter(pk=campaign.organisation_id).exists()
    return CampaignAccess(campaign, can_manage)


def get_campaign_to_manage(user: User, code: UUID | str) -> Campaign:
    grant = get_campaign_for_user(user, code)
    if not grant.can_manage:
        raise Http404
    return grant.campaign


def region_for_coordinator(user: User, region: str) -> str:
    """The region if the user coordinates it, else 404 (platform administrators included:
    survey results are the administrations')."""
    if user.is_active and region in user.coordinated_regions():
        return region
    raise Http404
