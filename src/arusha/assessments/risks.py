"""The corruption risk map: integrity risks by process step, rated before and after controls.

Inherent risk is likelihood × impact before any control; the risk after existing controls is
rated by the owner; residual risk is that rating lowered by each completed treatment action,
and is recomputed whenever a treatment is completed or reopened.
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arusha.core import audit
from arusha.core.key_factors import KeyFactor
from arusha.core.models import Organisation, User

RATING = [MinValueValidator(1), MaxValueValidator(5)]
REDUCTION = [MinValueValidator(0), MaxValueValidator(4)]


class ProcessStep(models.TextChoices):
    LODGING = "lodging", _("Lodging of the declaration")
    ASSIGNMENT = "assignment", _("Assignment to an officer")
    VALUATION = "valuation", _("Valuation")
    CLASSIFICATION = "classification", _("Classification")
    PHYSICAL_INSPECTION = "physical_inspection", _("Physical inspection")
    RELEASE = "release", _("Release")
    POST_CLEARANCE_AUDIT = "post_clearance_audit", _("Post-clearance audit")
    HUMAN_RESOURCES = "human_resources", _("Human resources")


def rating_band(score: int) -> str:
    """low (1-4), medium (5-9), high (10-16) or critical (20-25) for likelihood × impact."""
    if score <= 4:
        return "low"
    if score <= 9:
        return "medium"
    if score <= 16:
        return "high"
    return "critical"


class RiskQuerySet(models.QuerySet["Risk"]):
    def of(self, organisation: Organisation) -> RiskQuerySet:
        return self.filter(organisation=organisation)

    def due_for_review(self) -> RiskQuerySet:
        return self.filter(review_date__lte=timezone.localdate())


class Risk(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="risks")
    process_step = models.CharField(_("process step"), max_length=24, choices=ProcessStep.choices)
    title = models.CharField(_("risk"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    actors = models.CharField(
        _("actors involved"),
        max_length=250,
        blank=True,
        help_text=_("For example: declarant, broker, examining officer."),
    )
    key_factor = models.PositiveSmallIntegerField(_("key factor"), choices=KeyFactor.choices)
    likelihood = models.PositiveSmallIntegerField(_("likelihood (1-5)"), validators=RATING)
    impact = models.PositiveSmallIntegerField(_("impact (1-5)"), validators=RATING)
    existing_controls = models.TextField(_("existing controls"), blank=True)
    control_likelihood = models.PositiveSmallIntegerField(
        _("likelihood with existing controls (1-5)"), validators=RATING
    )
    control_impact = models.PositiveSmallIntegerField(
        _("impact with existing controls (1-5)"), validators=RATING
    )
    residual_likelihood = models.PositiveSmallIntegerField(editable=False, default=1)
    residual_impact = models.PositiveSmallIntegerField(editable=False, default=1)
    owner = models.CharField(_("owner"), max_length=150)
    review_date = models.DateField(_("next review"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RiskQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "process_step", "title"]
        verbose_name = _("integrity risk")
        verbose_name_plural = _("integrity risks")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(likelihood__gte=1, likelihood__lte=5)
                & models.Q(impact__gte=1, impact__lte=5),
                name="risk_ratings_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        self.residual_likelihood, self.residual_impact = self.compute_residual()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def inherent(self) -> int:
        return self.likelihood * self.impact

    @property
    def residual(self) -> int:
        return self.residual_likelihood * self.residual_impact

    @property
    def inherent_band(self) -> str:
        return rating_band(self.inherent)

    @property
    def residual_band(self) -> str:
        return rating_band(self.residual)

    def compute_residual(self) -> tuple[int, int]:
        """The rating after existing controls, lowered by every completed treatment (never
        below 1)."""
        done = list(self.treatments.filter(done=True)) if self.pk else []
        likelihood = self.control_likelihood - sum(t.reduces_likelihood for t in done)
        impact = self.control_impact - sum(t.reduces_impact for t in done)
        return max(1, likelihood), max(1, impact)

    @transaction.atomic
    def set_treatment_done(self, user: User, treatment: RiskTreatment, done: bool) -> None:
        before = self.residual
        treatment.done = done
        treatment.done_at = timezone.now() if done else None
        treatment.save(update_fields=["done", "done_at"])
        self.save()
        audit.record(
            user,
            "assessments.risk_treatment_done" if done else "assessments.risk_treatment_reopened",
            treatment,
            organisation=self.organisation,
            details={"risk": str(self.code), "residual_before": before, "residual": self.residual},
        )


class RiskTreatment(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    risk = models.ForeignKey(Risk, models.CASCADE, related_name="treatments")
    title = models.CharField(_("treatment action"), max_length=250)
    owner = models.CharField(_("owner"), max_length=150, blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True)
    reduces_likelihood = models.PositiveSmallIntegerField(
        _("lowers likelihood by"), default=0, validators=REDUCTION
    )
    reduces_impact = models.PositiveSmallIntegerField(
        _("lowers impact by"), default=0, validators=REDUCTION
    )
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["risk", "done", "due_date", "pk"]
        verbose_name = _("treatment action")
        verbose_name_plural = _("treatment actions")

    def __str__(self) -> str:
        return self.title
