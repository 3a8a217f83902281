"""Who may see which case: exactly the handlers who may see its report (an administration's case
handler holding a key grant, never a conflicted one), plus identity custodians for requests and
the administration's integrity officers for statistics. Anything else is a 404."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from arusha.cases.models import Case, CaseQuerySet, IdentityRequest, Referral
from arusha.core.models import Organisation, Role, User
from arusha.reporting import access as reporting_access
from arusha.reporting.models import Channel, Report


def ensure_cases(reports: QuerySet[Report]) -> None:
    """Every report has a case from the moment a handler looks (reports come from the intake)."""
    missing = reports.filter(case__isnull=True)
    Case.objects.bulk_create(Case(report=r, received_on=r.received_on) for r in missing)


def visible_cases(user: User) -> CaseQuerySet:
    reports = reporting_access.visible_reports(user)
    ensure_cases(reports)
    return Case.objects.filter(report__in=reports).select_related(
        "report__channel__organisation", "assignee", "office"
    )


def require_case_handler(user: User) -> None:
    reporting_access.require_case_handler(user)


def get_case_for_handler(user: User, code: UUID | str) -> Case:
    try:
        return visible_cases(user).get(code=code)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def custodian_channels(user: User) -> QuerySet[Channel]:
    return Channel.objects.filter(custodians=user, organisation__memberships__user=user).distinct()


def require_custodian(user: User) -> QuerySet[Channel]:
    channels = custodian_channels(user)
    if not channels.exists():
        raise Http404
    return channels


def get_identity_request_for_custodian(user: User, code: UUID | str) -> IdentityRequest:
    try:
        return IdentityRequest.objects.select_related("case__report__channel", "requester").get(
            code=code, case__report__channel__in=custodian_channels(user)
        )
    except (IdentityRequest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def received_referrals(user: User) -> QuerySet[Referral]:
    """Referrals whose package was sealed to this person."""
    return Referral.objects.filter(grants__user=user).select_related("case__report__channel")


def get_referral_for_recipient(user: User, code: UUID | str) -> Referral:
    try:
        return received_referrals(user).get(code=code)
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def statistics_organisations(user: User) -> QuerySet[Organisation]:
    """Administrations whose case statistics the user may see."""
    return user.organisations_with_role(Role.CASE_HANDLER, Role.INTEGRITY_OFFICER).filter(
        reporting_channel__isnull=False
    )


def get_statistics_organisation(user: User, code: UUID | str) -> Organisation:
    try:
        return statistics_organisations(user).get(code=code)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
