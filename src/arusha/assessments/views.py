"""Pages of an assessment cycle: open, assign, answer with evidence, submit, review, validate."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arusha.assessments import access
from arusha.assessments.forms import (
    AssignForm,
    InviteReviewerForm,
    OpenAssessmentForm,
    ReviewForm,
    SectionForm,
)
from arusha.assessments.models import (
    Assessment,
    AssessmentLocked,
    EvidenceFile,
    IncompleteAssessment,
    NoteMissing,
    WrongStatus,
)
from arusha.core import audit
from arusha.core.models import User
from arusha.questionnaires.models import QuestionnaireVersion
from arusha.questionnaires.scoring import AnswerError

SELF_ASSESSMENT = "arusha-self-assessment"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def language() -> str:
    return (get_language() or "en").split("-")[0]


def _sections(assessment: Assessment) -> list[tuple[str, str]]:
    lang = language()
    return [(s.code, s.title.get(lang)) for s in assessment.questionnaire().sections]


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    assessments = access.visible_assessments(user)
    context = {
        "assessments": assessments,
        "can_open": access.officer_organisations(user).exists(),
        "administrations": access.member_administrations(user),
    }
    return render(request, "assessments/assessment_list.html", context)


@login_required
def assessment_open(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organisations = access.officer_organisations(user)
    if not organisations.exists():
        raise Http404
    version = QuestionnaireVersion.objects.latest_of(SELF_ASSESSMENT)
    form = OpenAssessmentForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid() and version is not None:
        data = form.cleaned_data
        if Assessment.objects.filter(
            organisation=data["organisation"], cycle=data["cycle"]
        ).exists():
            form.add_error("cycle", _("This administration already has a cycle with that name."))
        else:
            assessment = _open(user, version, data)
            messages.success(request, _("The assessment cycle is open. Assign or answer sections."))
            return redirect("assessments:detail", assessment.code)
    context = {"form": form, "version": version}
    return render(request, "assessments/assessment_open.html", context)


@transaction.atomic
def _open(user: User, version: QuestionnaireVersion, data: dict[str, Any]) -> Assessment:
    assessment = Assessment.objects.create(
        organisation=data["organisation"],
        cycle=data["cycle"],
        year=data["year"],
        questionnaire_version=version,
        opened_by=user,
    )
    audit.record(
        user,
        "assessments.opened",
        assessment,
        organisation=assessment.organisation,
        details={"cycle": assessment.cycle, "questionnaire": version.content_hash},
    )
    return assessment


def _section_rows(assessment: Assessment, grant: access.AssessmentAccess) -> list[dict[str, Any]]:
    lang = language()
    answered = {a.question_code for a in assessment.answers.exclude(value=None)}
    assignees = {
        a.section_code: a.assignee for a in assessment.assignments.select_related("assignee")
    }
    rows = []
    for section in assessment.questionnaire().sections:
        codes = [q.code for q in section.questions]
        rows.append(
            {
                "code": section.code,
                "title": section.title.get(lang),
                "key_factor": section.key_factor,
                "answered": len(answered.intersection(codes)),
                "total": len(codes),
                "assignee": assignees.get(section.code),
                "can_answer": grant.can_answer(section.code),
            }
        )
    return rows


@login_required
def assessment_detail(request: HttpRequest, code: str) -> HttpResponse:
    grant = access.get_assessment_for_user(_user(request), code)
    assessment = grant.assessment
    people = User.objects.filter(
        memberships__organisation=assessment.organisation, is_active=True
    ).distinct()
    context = {
        "assessment": assessment,
        "grant": grant,
        "sections": _section_rows(assessment, grant),
        "comments": assessment.comments.select_related("author"),
        "assign_form": AssignForm(sections=_sections(assessment), people=people),
        "invite_form": InviteReviewerForm(),
        "review_form": ReviewForm(sections=_sections(assessment)),
        "reviewers": assessment.external_reviewers.all(),
        "title": assessment.questionnaire_version.title_in(language()),
    }
    return render(request, "assessments/assessment_detail.html", context)


@login_required
def section_answer(request: HttpRequest, code: str, section: str) -> HttpResponse:
    grant = access.get_assessment_for_user(_user(request), code)
    assessment = grant.assessment
    questionnaire = assessment.questionnaire()
    found = next((s for s in questionnaire.sections if s.code == section), None)
    if found is None:
        raise Http404
    can_answer = grant.can_answer(section)
    answers = {a.question_code: a for a in assessment.answers.all()}
    post = request.method == "POST"
    if post and not can_answer:
        raise Http404
    form = SectionForm(
        request.POST if post else None,
        request.FILES if post else None,
        section=found,
        language=language(),
        answers=answers,
        disabled=not can_answer,
    )
    if post and form.is_valid():
        try:
            _save_section(request, assessment, found.code, form)
        except AnswerError as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        except AssessmentLocked:
            messages.error(request, _("This assessment can no longer be changed."))
            return redirect("assessments:detail", assessment.code)
        else:
            messages.success(request, _("Your answers were saved."))
            return redirect("assessments:detail", assessment.code)
    files = assessment.evidence_files.filter(question_code__in=[q.code for q in found.questions])
    context = {
        "assessment": assessment,
        "section": found,
        "section_title": found.title.get(language()),
        "section_description": found.description.get(language()) if found.description else "",
        "form": form,
        "can_answer": can_answer,
        "files": files,
        "comments": assessment.comments.filter(section_code=found.code).select_related("author"),
    }
    return render(request, "assessments/section_form.html", context)


@transaction.atomic
def _save_section(
    request: HttpRequest, assessment: Assessment, section: str, form: SectionForm
) -> None:
    user = _user(request)
    assessment.save_section(user, section, form.answers())
    for question_code, upload in form.uploads().items():
        document = EvidenceFile.objects.create(
            assessment=assessment,
            question_code=question_code,
            title=upload.name[:200],
            document=upload,
            uploaded_by=user,
        )
        audit.record(
            user,
            "assessments.evidence_added",
            document,
            organisation=assessment.organisation,
            details={"question": question_code},
        )


@login_required
def evidence_download(request: HttpRequest, code: str, file_code: str) -> FileResponse:
    grant = access.get_assessment_for_user(_user(request), code)
    document = get_object_or_404(grant.assessment.evidence_files, code=file_code)
    return FileResponse(document.document.open("rb"), as_attachment=True, filename=document.title)


@require_POST
@login_required
def section_assign(request: HttpRequest, code: str) -> HttpResponse:
    grant = access.get_assessment_for_user(_user(request), code)
    if not grant.can_manage:
        raise Http404
    assessment = grant.assessment
    people = User.objects.filter(
        memberships__organisation=assessment.organisation, is_active=True
    ).distinct()
    form = AssignForm(request.POST, sections=_sections(assessment), people=people)
    if form.is_valid():
        try:
            assessment.assign(
                _user(request), form.cleaned_data["section"], form.cleaned_data["assignee"]
            )
            messages.success(request, _("The section assignment was saved."))
        except AssessmentLocked:
            messages.error(request, _("A validated assessment cannot be changed."))
    else:
        messages.error(request, _("Choose a section and a colleague of the administration."))
    return redirect("assessments:detail", assessment.code)


@require_POST
@login_required
def reviewer_invite(request: HttpRequest, code: str) -> HttpResponse:
    grant = access.get_assessment_for_user(_user(request), code)
    if not grant.can_manage:
        raise Http404
    form = InviteReviewerForm(request.POST)
    if form.is_valid():
        try:
            grant.assessment.invite_reviewer(_user(request), form.cleaned_data["email"])
            messages.success(request, _("The reviewer was invited to this assessment."))
        except AssessmentLocked:
            messages.error(request, _("A validated assessment cannot be changed."))
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.get("email", [])))
    return redirect("assessments:detail", grant.assessment.code)


@require_POST
@login_required
def assessment_submit(request: HttpRequest, code: str) -> HttpResponse:
    grant = access.get_assessment_for_user(_user(request), code)
    if not grant.can_manage:
        raise Http404
    try:
        grant.assessment.submit(_user(request))
    except IncompleteAssessment as exc:
        messages.error(
            request,
            _("Answer every required question before submitting. Still to answer: %(sections)s")
            % {"sections": _missing_by_section(grant.assessment, exc.missing)},
        )
    except WrongStatus:
        messages.error(request, _("This assessment cannot be submitted now."))
    else:
        messages.success(request, _("The assessment was submitted for review."))
    return redirect("assessments:detail", grant.assessment.code)


def _missing_by_section(assessment: Assessment, missing: list[str]) -> str:
    """ "Leadership and commitment (2), Automation (1)": the sections still to answer, in words."""
    lang, wanted = language(), set(missing)
    counts = []
    for section in assessment.questionnaire().sections:
        count = sum(1 for q in section.questions if q.code in wanted)
        if count:
            counts.append(f"{section.title.get(lang)} ({count})")
    return ", ".join(counts)


@require_POST
@login_required
def assessment_review(request: HttpRequest, code: str) -> HttpResponse:
    grant = access.get_assessment_for_user(_user(request), code)
    if not grant.can_review:
        raise Http404
    assessment = grant.assessment
    form = ReviewForm(request.POST, sections=_sections(assessment))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect("assessments:detail", assessment.code)
    data, user = form.cleaned_data, _user(request)
    try:
        if data["decision"] == "comment":
            assessment.comment(user, data["text"], data["section"])
            messages.success(request, _("Your comment was added."))
        elif data["decision"] == "request_changes":
            assessment.request_changes(user, data["text"], data["section"])
            messages.success(request, _("Changes were requested; the assessment is open again."))
        else:
            assessment.validate(user, data["text"])
            messages.success(request, _("The assessment is validated and now read-only."))
    except (WrongStatus, AssessmentLocked):
        messages.error(request, _("That step does not apply to the assessment now."))
    except NoteMissing:
        messages.error(request, _("Say what should change."))
    return redirect("assessments:detail", assessment.code)
