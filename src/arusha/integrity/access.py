"""Who may see analysis runs: only the integrity officers of the run's administration.

The results name officers and declarants as leads for review, so viewers, coordinators and
platform administrators do not see them either. Everything else is a 404.
"""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from arusha.core.models import Organisation, Role, User
from arusha.integrity.models import AnalysisRun, ColumnLayout


def officer_administrations(user: User) -> QuerySet[Organisation]:
    """Customs administrations where the user is an integrity officer."""
    if not user.is_active:
        return Organisation.objects.none()
    return user.organisations_with_role(Role.INTEGRITY_OFFICER).filter(
        kind=Organisation.Kind.CUSTOMS
    )


def visible_runs(user: User) -> QuerySet[AnalysisRun]:
    return AnalysisRun.objects.filter(
        organisation__in=officer_administrations(user)
    ).select_related("organisation", "uploaded_by")


def visible_layouts(user: User) -> QuerySet[ColumnLayout]:
    """The layouts (mapping files) saved by the administrations where the user is an integrity
    officer."""
    return ColumnLayout.objects.filter(
        organisation__in=officer_administrations(user)
    ).select_related("organisation", "saved_by")


def get_run_for_user(user: User, code: UUID | str) -> AnalysisRun:
    try:
        return visible_runs(user).get(code=code)
    except (AnalysisRun.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
