"""Assessment cycles, their answers and review, the corruption risk map, and integrity actions.

An assessment points at the frozen questionnaire version it answers; a new version of the
questionnaire never changes it. A validated assessment is read-only, and its key-factor scores
are kept as they were at validation.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from arusha.core import audit
from arusha.core.key_factors import KeyFactor
from arusha.core.models import Organisation, User
from arusha.core.uploads import document_field
from arusha.questionnaires.models import QuestionnaireVersion
from arusha.questionnaires.scoring import (
    AnswerError,
    Scores,
    missing_required,
    normalise_answer,
    score_answers,
)

if TYPE_CHECKING:
    from arusha.questionnaires.schema import Questionnaire


class AssessmentError(Exception):
    """Base of the workflow errors the views turn into messages."""


class AssessmentLocked(AssessmentError):
    """The assessment is submitted or validated: answers cannot change now."""


class WrongStatus(AssessmentError):
    """The step does not apply to the assessment's current status."""


class NoteMissing(AssessmentError):
    """Requesting changes needs a note that says what to change."""


class IncompleteAssessment(AssessmentError):
    """Required questions are unanswered; `missing` lists their codes."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(", ".join(missing))


@dataclass(frozen=True)
class AnswerInput:
    """One answer as a person gives it: the value, the evidence the question asks for, and
    optional notes and a link to supporting material."""

    value: Any = None
    evidence: str = ""
    note: str = ""
    link: str = ""


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def validated(self) -> AssessmentQuerySet:
        return self.filter(status=Assessment.Status.VALIDATED)

    def for_region(self, region: str) -> AssessmentQuerySet:
        return self.filter(
            organisation__wco_region=region, organisation__kind=Organisation.Kind.CUSTOMS
        )


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        VALIDATED = "validated", _("Validated")

    EDITABLE = (Status.DRAFT, Status.CHANGES_REQUESTED)

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="assessments", verbose_name=_("administration")
    )
    cycle = models.CharField(_("cycle"), max_length=60)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    questionnaire_version = models.ForeignKey(
        QuestionnaireVersion, models.PROTECT, related_name="assessments", editable=False
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    opened_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    external_reviewers = models.ManyToManyField(
        User, blank=True, related_name="invited_assessments", verbose_name=_("invited reviewers")
    )
    # Frozen at validation: {"1": 0.5, ...} and the overall score, so later versions of the
    # questionnaire or of the scoring code cannot change a validated result.
    validated_scores = models.JSONField(default=dict, blank=True, editable=False)
    validated_overall = models.FloatField(null=True, blank=True, editable=False)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "-year", "-opened_at"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "cycle"], name="one_assessment_a_cycle")
        ]

    def __str__(self) -> str:
        return f"{self.organisation.label} · {self.cycle}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_validated(self) -> bool:
        return self.status == self.Status.VALIDATED

    def questionnaire(self) -> Questionnaire:
        return self.questionnaire_version.questionnaire()

    def answer_map(self) -> dict[str, dict[str, Any]]:
        return {
            a.question_code: {"value": a.value, "evidence": a.evidence} for a in self.answers.all()
        }

    def scores(self) -> Scores:
        """Scores computed from the frozen questionnaire version and the stored answers."""
        return score_answers(self.questionnaire(), self.answer_map())

    def key_factor_scores(self) -> dict[int, float | None]:
        """Score by key factor: as frozen at validation, or computed for an open assessment."""
        if self.is_validated and self.validated_scores:
            return {int(kf): score for kf, score in self.validated_scores.items()}
        return {kf: group.score for kf, group in self.scores().key_factors.items()}

    def _audit(self, user: User | None, action: str, **details: Any) -> None:
        audit.record(
            user, f"assessments.{action}", self, organisation=self.organisation, details=details
        )

    @transaction.atomic
    def save_section(self, user: User, section_code: str, answers: dict[str, AnswerInput]) -> int:
        """Store the answers given for one section; return how many changed."""
        if not self.is_editable:
            raise AssessmentLocked
        questionnaire = self.questionnaire()
        section = next(s for s in questionnaire.sections if s.code == section_code)
        problems, changed = [], []
        for question in section.questions:
            given = answers.get(question.code)
            if given is None:
                continue
            try:
                normal = normalise_answer(
                    question, {"value": given.value, "evidence": given.evidence}
                )
            except ValueError as exc:
                problems.append(f"{question.code}: {exc}")
                continue
            if self._store(user, question.code, normal, given):
                changed.append(question.code)
        if problems:
            raise AnswerError(problems)
        if changed:
            self._audit(user, "answers_saved", section=section_code, questions=changed)
        return len(changed)

    def _store(self, user: User, code: str, normal: Any, given: AnswerInput) -> bool:
        value = None if normal is None else normal.value
        value = list(value) if isinstance(value, tuple) else value
        fields = {
            "value": value,
            "evidence": "" if normal is None else normal.evidence,
            "note": given.note.strip(),
            "link": given.link.strip(),
        }
        answer = self.answers.filter(question_code=code).first()
        if answer is None:
            if value is None and not fields["note"] and not fields["link"]:
                return False
            Answer.objects.create(assessment=self, question_code=code, answered_by=user, **fields)
            return True
        if all(getattr(answer, name) == new for name, new in fields.items()):
            return False
        for name, new in fields.items():
            setattr(answer, name, new)
        answer.answered_by = user
        answer.save()
        return True

    @transaction.atomic
    def submit(self, user: User) -> None:
        if not self.is_editable:
            raise WrongStatus
        missing = missing_required(self.questionnaire(), self.answer_map())
        if missing:
            raise IncompleteAssessment(missing)
        self.status, self.submitted_at = self.Status.SUBMITTED, timezone.now()
        self.save(update_fields=["status", "submitted_at"])
        self._audit(user, "submitted")

    @transaction.atomic
    def request_changes(self, user: User, note: str, section_code: str = "") -> ReviewComment:
        if self.status != self.Status.SUBMITTED:
            raise WrongStatus
        if not note.strip():
            raise NoteMissing
        comment = self.comments.create(
            author=user,
            text=note.strip(),
            kind=ReviewComment.Kind.CHANGES_REQUESTED,
            section_code=section_code,
        )
        self.status = self.Status.CHANGES_REQUESTED
        self.save(update_fields=["status"])
        self._audit(user, "changes_requested", note=note.strip(), section=section_code)
        return comment

    @transaction.atomic
    def validate(self, user: User, note: str = "") -> None:
        if self.status != self.Status.SUBMITTED:
            raise WrongStatus
        scores = self.scores()
        self.validated_scores = {str(kf): g.score for kf, g in scores.key_factors.items()}
        self.validated_overall = scores.overall.score
        self.status, self.validated_at, self.validated_by = (
            self.Status.VALIDATED,
            timezone.now(),
            user,
        )
        self.save()
        if note.strip():
            self.comments.create(author=user, text=note.strip(), kind=ReviewComment.Kind.VALIDATED)
        self._audit(user, "validated", overall=self.validated_overall)

    def comment(self, user: User, text: str, section_code: str = "") -> ReviewComment:
        if self.is_validated:
            raise AssessmentLocked
        comment = self.comments.create(author=user, text=text.strip(), section_code=section_code)
        self._audit(user, "commented", section=section_code)
        return comment

    def assign(self, user: User, section_code: str, assignee: User | None) -> None:
        if self.is_validated:
            raise AssessmentLocked
        if assignee is None:
            self.assignments.filter(section_code=section_code).delete()
        else:
            self.assignments.update_or_create(
                section_code=section_code, defaults={"assignee": assignee, "assigned_by": user}
            )
        self._audit(
            user,
            "section_assigned",
            section=section_code,
            assignee=assignee.get_username() if assignee else None,
        )

    def invite_reviewer(self, user: User, reviewer: User) -> None:
        if self.is_validated:
            raise AssessmentLocked
        self.external_reviewers.add(reviewer)
        self._audit(user, "reviewer_invited", reviewer=reviewer.get_username())


class SectionAssignment(models.Model):
    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="assignments")
    section_code = models.CharField(_("section"), max_length=64)
    assignee = models.ForeignKey(
        User, models.CASCADE, related_name="assessment_sections", verbose_name=_("colleague")
    )
    assigned_by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+")
    assigned_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment", "section_code"]
        verbose_name = _("section assignment")
        verbose_name_plural = _("section assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "section_code"], name="one_assignee_a_section"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.section_code} → {self.assignee}"


class Answer(models.Model):
    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="answers")
    question_code = models.CharField(_("question"), max_length=64)
    # The canonical answer (scoring.normalise_answer): a level code, "yes"/"no", a number...
    value = models.JSONField(_("answer"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    note = models.TextField(_("notes"), blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    answered_by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment", "question_code"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question_code"], name="one_answer_a_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_code}: {self.value}"


class EvidenceFile(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="evidence_files")
    question_code = models.CharField(_("question"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    document = document_field(_("document"), "assessments", blank=False)
    uploaded_by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["question_code", "uploaded_at"]
        verbose_name = _("evidence document")
        verbose_name_plural = _("evidence documents")

    def __str__(self) -> str:
        return self.title


class ReviewComment(models.Model):
    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        VALIDATED = "validated", _("Validated")

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="comments")
    section_code = models.CharField(_("section"), max_length=64, blank=True)
    author = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMMENT)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def section_title(self) -> str:
        """The title of the section commented on, in the reader's language."""
        found = next(
            (s for s in self.assessment.questionnaire().sections if s.code == self.section_code),
            None,
        )
        return found.title.get(_language()) if found else self.section_code


class IntegrityAction(models.Model):
    """An action of the administration's own integrity action plan, usually born from a gap.

    When the administration keeps a joint action plan under an agreement (partnerships app),
    the action may be placed there too: `partnership_action` then links the two.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="integrity_actions")
    assessment = models.ForeignKey(
        Assessment, models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    key_factor = models.PositiveSmallIntegerField(
        _("key factor"), choices=KeyFactor.choices, null=True, blank=True
    )
    question_code = models.CharField(_("question"), max_length=64, blank=True)
    title = models.CharField(_("action"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    owner = models.CharField(_("owner"), max_length=150, blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    partnership_action = models.ForeignKey(
        "partnerships.Action",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="integrity_gaps",
        verbose_name=_("action in a joint plan"),
    )
    created_by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "key_factor", "created_at"]
        verbose_name = _("integrity action")
        verbose_name_plural = _("integrity actions")

    def __str__(self) -> str:
        return self.title

    @property
    def question_text(self) -> str:
        """The wording of the question whose gap the action answers, in the reader's language."""
        if self.assessment is None or not self.question_code:
            return ""
        try:
            question = self.assessment.questionnaire().question(self.question_code)
        except KeyError:
            return self.question_code
        return question.text.get(_language())


def _language() -> str:
    return (get_language() or "en").split("-")[0]


from arusha.assessments.risks import Risk, RiskTreatment  # noqa: E402 - models of this app

__all__ = [
    "Answer",
    "Assessment",
    "EvidenceFile",
    "IntegrityAction",
    "ReviewComment",
    "Risk",
    "RiskTreatment",
    "SectionAssignment",
]
