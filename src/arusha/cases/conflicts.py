"""Conflicts of interest: a handler who declared an office, unit or person never receives the key
of a report that names it, so they cannot list, open or decrypt it.

At submission the report is in memory in clear, so ``excluded_for_submission`` (a hook that the
reporting intake calls) skips the conflicted handlers' key grants. A declaration made later is
applied with the declaring handler's own unlocked key: each report they can open is checked, and
their grant is deleted where it matches.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from nacl.public import PrivateKey

from arusha.cases.models import Case, ConflictDeclaration
from arusha.core import audit
from arusha.core.models import Organisation, User
from arusha.reporting import access as reporting_access
from arusha.reporting.models import Channel, Office, ReportKeyGrant
from arusha.reporting.submission import Submission
from arusha.reporting.threads import read_content, report_key_for


def _names(declaration: ConflictDeclaration, office_id: int | None, text: str) -> bool:
    if declaration.office_id is not None and declaration.office_id == office_id:
        return True
    return bool(declaration.text) and declaration.text.casefold() in text.casefold()


def excluded_for_submission(channel: Channel, submission: Submission) -> set[int]:
    office_id = submission.office.pk if submission.office else None
    text = " ".join([submission.description, *submission.answers.values()])
    declarations = ConflictDeclaration.objects.filter(organisation=channel.organisation)
    return {d.user_id for d in declarations if _names(d, office_id, text)}


def _content_names(declaration: ConflictDeclaration, content: dict[str, Any]) -> bool:
    office = declaration.office
    if office is not None and content.get("office") == office.code:
        return True
    text = " ".join([str(content.get("description", "")), *map(str, content["answers"].values())])
    return _names(declaration, None, text)


@transaction.atomic
def declare(
    user: User,
    organisation: Organisation,
    handler_key: PrivateKey,
    office: Office | None = None,
    text: str = "",
) -> tuple[ConflictDeclaration, int]:
    """Record a declaration and give up the keys of the reports it names; returns how many."""
    declaration = ConflictDeclaration.objects.create(
        user=user, organisation=organisation, office=office, text=text.strip()
    )
    dropped = 0
    reports = reporting_access.visible_reports(user).filter(channel__organisation=organisation)
    for report in reports:
        case = Case.objects.filter(report=report).first()
        by_office = office is not None and case is not None and case.office_id == office.pk
        content = read_content(report, report_key_for(report, user, handler_key))
        if by_office or _content_names(declaration, content):
            ReportKeyGrant.objects.filter(report=report, user=user).delete()
            Case.objects.filter(report=report, assignee=user).update(assignee=None)
            dropped += 1
    audit.record(
        user,
        "cases.conflict_declared",
        declaration,
        organisation=organisation,
        details={"reports_given_up": dropped},
    )
    return declaration, dropped


def conflicted_users(case: Case) -> set[int]:
    """Handlers whose declarations name the case's office (as classified)."""
    if case.office_id is None:
        return set()
    return set(
        ConflictDeclaration.objects.filter(office_id=case.office_id).values_list(
            "user_id", flat=True
        )
    )
