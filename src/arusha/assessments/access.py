"""Who may see and do what with assessments and risk maps; each helper is the first line of the
views that use it.

An administration's members see its assessments; its integrity officers run them (open, assign,
answer, submit); colleagues answer the sections assigned to them; its assessment reviewers, or an
external reviewer invited to one assessment, comment, request changes and validate. Regional
coordinators see only the suppressed regional aggregate. Detailed results belong to the
administration, so platform administrators do not see them either. Everything else is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from arusha.assessments.models import Assessment, Risk
from arusha.core.models import Organisation, Role, User


@dataclass(frozen=True)
class AssessmentAccess:
    assessment: Assessment
    can_manage: bool  # an integrity officer of the administration
    can_review: bool  # its assessment reviewer, or an invited external reviewer
    assigned: frozenset[str]  # sections assigned to this user

    def can_answer(self, section_code: str) -> bool:
        if not self.assessment.is_editable:
            return False
        return self.can_manage or section_code in self.assigned

    @property
    def can_answer_any(self) -> bool:
        return self.assessment.is_editable and (self.can_manage or bool(self.assigned))


def visible_assessments(user: User) -> QuerySet[Assessment]:
    if not user.is_active:
        return Assessment.objects.none()
    return (
        Assessment.objects.filter(
            Q(organisation__in=user.organisations().filter(kind=Organisation.Kind.CUSTOMS))
            | Q(external_reviewers=user)
        )
        .distinct()
        .select_related("organisation", "questionnaire_version")
    )


def officer_organisations(user: User) -> QuerySet[Organisation]:
    """Administrations where the user may open assessment cycles and keep the risk map."""
    return user.organisations_with_role(Role.INTEGRITY_OFFICER).filter(
        kind=Organisation.Kind.CUSTOMS
    )


def get_assessment_for_user(user: User, code: UUID | str) -> AssessmentAccess:
    try:
        assessment = visible_assessments(user).get(code=code)
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    roles = set(
        user.memberships.filter(organisation=assessment.organisation).values_list("role", flat=True)
    )
    invited = assessment.external_reviewers.filter(pk=user.pk).exists()
    assigned = frozenset(
        assessment.assignments.filter(assignee=user).values_list("section_code", flat=True)
    )
    return AssessmentAccess(
        assessment=assessment,
        can_manage=Role.INTEGRITY_OFFICER in roles,
        can_review=Role.ASSESSMENT_REVIEWER in roles or invited,
        assigned=assigned,
    )


def member_administrations(user: User) -> QuerySet[Organisation]:
    return (
        user.organisations().filter(kind=Organisation.Kind.CUSTOMS)
        if user.is_active
        else Organisation.objects.none()
    )


def get_administration_for_member(user: User, code: UUID | str) -> tuple[Organisation, bool]:
    """An administration the user belongs to, and whether they may keep its risk map."""
    try:
        organisation = member_administrations(user).get(code=code)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return organisation, officer_organisations(user).filter(pk=organisation.pk).exists()


def visible_risks(user: User) -> QuerySet[Risk]:
    return Risk.objects.filter(organisation__in=member_administrations(user))


def get_risk_for_user(user: User, code: UUID | str) -> tuple[Risk, bool]:
    try:
        risk = visible_risks(user).select_related("organisation").get(code=code)
    except (Risk.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return risk, officer_organisations(user).filter(pk=risk.organisation_id).exists()
