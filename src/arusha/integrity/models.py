"""Stored analysis runs: one per uploaded file, with the scored entities and their indicators."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from arusha.analytics.validation import Problem
from arusha.core.models import Organisation


class AnalysisRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being analysed")
        FAILED_VALIDATION = "failed_validation", _("Failed validation")
        FAILED = "failed", _("Could not be analysed")
        DONE = "done", _("Done")

    class MappingName(models.TextChoices):
        CANONICAL = "", _("Canonical schema")
        KCS = "kcs", _("KCS export")
        BACUDA = "bacuda", _("BACUDA export")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="analysis_runs"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    source_name = models.CharField(max_length=255)
    mapping = models.CharField(max_length=20, choices=MappingName.choices, blank=True)
    # A layout of the administration's own (a mapping file given with the upload, through the
    # API or to `integrity_import`): its YAML as it was when the file was analysed, so that the
    # run says how its columns were read even after the file changes. Empty for the canonical
    # schema and the shipped layouts.
    mapping_text = models.TextField(blank=True)
    # The name of the saved layout (ColumnLayout) it was read with or saved as, if any.
    layout_name = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    rows = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    is_demo = models.BooleanField(default=False)
    # A large file is analysed in the background (see background.py): where it waits, how to
    # read it, how far the analysis is, and why it stopped if it could not finish.
    pending_file = models.CharField(max_length=500, blank=True)
    csv_settings = models.JSONField(default=dict, blank=True)
    step = models.PositiveSmallIntegerField(default=0)
    steps = models.PositiveSmallIntegerField(default=0)
    step_label = models.CharField(max_length=200, blank=True)  # the library's English
    error = models.JSONField(default=dict, blank=True)  # kind, row, column, value
    # The server process analysing the run ("host:process number"); its thread renews
    # updated_at while it does (background.HEARTBEAT), so that another process can tell a run
    # being analysed from one a stopped server left.
    worker = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("analysis run")
        verbose_name_plural = _("analysis runs")

    def __str__(self) -> str:
        return f"{self.source_name} ({self.created_at:%Y-%m-%d})"

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def is_pending(self) -> bool:
        """Waiting for, or in, a background analysis."""
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def needs_mapping(self) -> bool:
        """The file was read in the canonical schema and lacks required columns: most likely
        the administration's own export, whose columns have other names."""
        if self.status != self.Status.FAILED_VALIDATION or self.mapping or self.mapping_text:
            return False
        return any(Problem.from_dict(p).lacks_required_column for p in self.problems)


class EntityScore(models.Model):
    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="entities")
    entity_kind = models.CharField(max_length=20)
    entity_id = models.CharField(max_length=255)
    office_id = models.CharField(max_length=100, blank=True)
    score = models.FloatField()
    rank = models.PositiveIntegerField()
    flags = models.PositiveIntegerField(default=0)
    top_reason = models.TextField(blank=True)
    top_indicator = models.CharField(max_length=50, blank=True)  # whose explanation top_reason is
    # top_reason's structured form (see IndicatorValue.wording); empty in runs stored before it.
    top_wording = models.JSONField(default=list, blank=True)
    contributions = models.JSONField(default=dict)

    class Meta:
        ordering = ["entity_kind", "rank"]
        verbose_name = _("entity score")
        verbose_name_plural = _("entity scores")
        indexes = [models.Index(fields=["run", "entity_kind", "rank"])]

    def __str__(self) -> str:
        return f"{self.entity_kind} {self.entity_id}"

    def get_absolute_url(self) -> str:
        """The lead's page in its run (in its office, for one scored in several)."""
        url = reverse("integrity:entity", args=[self.run.code, self.entity_kind, self.entity_id])
        return f"{url}?{urlencode({'office': self.office_id})}" if self.office_id else url

    @property
    def lead(self) -> dict[str, str]:
        """What names the lead across analyses: its kind, identifier and office (the fields an
        indicator value, a review and an audit entry name it by)."""
        return {
            "entity_kind": self.entity_kind,
            "entity_id": self.entity_id,
            "office_id": self.office_id,
        }


class IndicatorValue(models.Model):
    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="indicators")
    entity_kind = models.CharField(max_length=20)
    entity_id = models.CharField(max_length=255)
    office_id = models.CharField(max_length=100, blank=True)
    indicator = models.CharField(max_length=50)
    period = models.CharField(max_length=20, blank=True)
    value = models.FloatField(null=True)
    expected = models.FloatField(null=True)
    p_value = models.FloatField(null=True)
    q_value = models.FloatField(null=True)
    flagged = models.BooleanField(default=False)
    explanation = models.TextField(blank=True)  # the library's English
    # The explanation's parts, [{"key": ..., "params": {...}}], worded in the reader's language by
    # wording.explanation; empty in runs stored before it, which show the English.
    wording = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["q_value", "indicator"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        indexes = [models.Index(fields=["run", "entity_kind", "entity_id"])]

    def __str__(self) -> str:
        return f"{self.indicator} of {self.entity_kind} {self.entity_id}"


class PairCellQuerySet(models.QuerySet["PairCell"]):
    def of_officer(self, officer_id: str) -> PairCellQuerySet:
        return self.filter(officer_id=officer_id)

    def of_declarant(self, declarant_id: str) -> PairCellQuerySet:
        return self.filter(declarant_id=declarant_id)

    def at(self, office_id: str, period: str) -> PairCellQuerySet:
        return self.filter(office_id=office_id, period=period)


class PairCell(models.Model):
    """One tested (office, quarter, officer, declarant) cell: what the pair charts are drawn from.

    Only cells with enough declarations are tested, so an officer's cells cover part of their
    declarations, not all of them.
    """

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="pair_cells")
    office_id = models.CharField(max_length=100)
    period = models.CharField(max_length=20)
    officer_id = models.CharField(max_length=255)
    declarant_id = models.CharField(max_length=255)
    n = models.PositiveIntegerField(help_text="declarations of the pair in the office and quarter")
    n_officer = models.PositiveIntegerField(help_text="the officer's declarations there")
    n_declarant = models.PositiveIntegerField(help_text="the declarant's declarations there")
    n_office = models.PositiveIntegerField(help_text="the office's declarations that quarter")
    expected = models.FloatField()
    p_value = models.FloatField(null=True)
    q_value = models.FloatField(null=True)
    flagged = models.BooleanField(default=False)

    objects = PairCellQuerySet.as_manager()

    class Meta:
        ordering = ["office_id", "period", "officer_id", "declarant_id"]
        verbose_name = _("pair cell")
        verbose_name_plural = _("pair cells")
        indexes = [
            models.Index(fields=["run", "officer_id"]),
            models.Index(fields=["run", "declarant_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.officer_id}|{self.declarant_id} at {self.office_id} in {self.period}"


class LeadReview(models.Model):
    """What the integrity unit concluded on one lead of an analysis, and why: the record that
    every lead was reviewed with due process. Reviews are added, never edited, so a lead's
    history shows every conclusion in turn.

    A lead is an officer, declarant, pair or office of an administration (an officer or
    declarant in one office), so its reviews follow it from one analysis to the next. Deleting
    an analysis keeps the reviews made on it: they are the unit's own decisions."""

    class Decision(models.TextChoices):
        FOLLOW_UP = "follow_up", _("Needs follow-up")
        EXPLAINED = "explained", _("Explained by a legitimate reason")
        DATA_ERROR = "data_error", _("Data error")
        REFERRED = "referred", _("Referred for investigation")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="lead_reviews"
    )
    run = models.ForeignKey(
        AnalysisRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    entity_kind = models.CharField(max_length=20)
    entity_id = models.CharField(max_length=255)
    office_id = models.CharField(max_length=100, blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices)
    note = models.TextField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("lead review")
        verbose_name_plural = _("lead reviews")
        indexes = [models.Index(fields=["organisation", "entity_kind", "entity_id", "office_id"])]

    def __str__(self) -> str:
        return f"{self.entity_kind} {self.entity_id}: {self.decision}"


class ColumnLayout(models.Model):
    """A mapping file an administration saved, to read its own exports without giving the file
    with each one. A run read with it keeps a copy of its text (AnalysisRun.mapping_text)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="column_layouts"
    )
    name = models.CharField(_("name"), max_length=100)
    text = models.TextField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("column layout")
        verbose_name_plural = _("column layouts")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="one_layout_per_name")
        ]

    def __str__(self) -> str:
        return self.name
