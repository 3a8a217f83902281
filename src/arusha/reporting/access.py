"""Who may see which report: the administration's case handlers who hold a key grant for it.

Both are needed: a grant without current membership (a handler who left) opens nothing, and
membership without a grant (a handler who joined later) has no key to open it with anyway.
Anything else is answered with 404.
"""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from arusha.core.models import Organisation, Role, User
from arusha.reporting.models import Attachment, Report, ReportKeyGrant


def handler_organisations(user: User) -> QuerySet[Organisation]:
    return user.organisations_with_role(Role.CASE_HANDLER)


def visible_reports(user: User) -> QuerySet[Report]:
    """Reports of the user's administrations that were sealed to the user's key."""
    return Report.objects.filter(
        channel__organisation__in=handler_organisations(user),
        grants__user=user,
        grants__kind=ReportKeyGrant.Kind.REPORT,
    ).distinct()


def require_case_handler(user: User) -> None:
    if not user.has_role(Role.CASE_HANDLER):
        raise Http404


def get_report_for_handler(user: User, code: UUID | str) -> Report:
    try:
        return visible_reports(user).select_related("channel__organisation").get(code=code)
    except (Report.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_attachment_for_handler(user: User, code: UUID | str, file_code: UUID | str) -> Attachment:
    report = get_report_for_handler(user, code)
    try:
        return report.attachments.get(code=file_code)
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def incident_associations(user: User) -> QuerySet[Organisation]:
    """Private-sector bodies for which the user may upload incidents (their focal point)."""
    return user.organisations_with_role(Role.PRIVATE_FOCAL_POINT).filter(
        kind=Organisation.Kind.PRIVATE
    )
