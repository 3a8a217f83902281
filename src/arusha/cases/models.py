"""What case handling stores about a report: its status, classification, deadlines, labels,
assignment, sealed internal notes, conflict declarations, identity requests, referrals and the
bare fact that an expired case was purged.

Everything a reporter or a handler wrote stays sealed to the report key; the fields here are
metadata that handlers and statistics need without decrypting anything.
"""

from __future__ import annotations

import uuid
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arusha.cases import deadlines
from arusha.core.models import Organisation, User
from arusha.reporting.models import Channel, Office, Report


class CaseError(Exception):
    """Base of the errors a case raises on a move the workflow does not allow."""


class IllegalTransition(CaseError):
    """This status cannot follow the current one."""


class ReasonRequired(CaseError):
    """Reopening a closed case (or asking for an identity) needs a stated reason."""


class OutcomeRequired(CaseError):
    """A case closes only with an outcome."""


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("Unknown time zone."), code="time_zone") from None


class CasePolicy(models.Model):
    """Deadlines and retention of one channel; defaults follow the EU Directive 2019/1937."""

    channel = models.OneToOneField(Channel, models.CASCADE, related_name="case_policy")
    acknowledge_days = models.PositiveSmallIntegerField(_("days to acknowledge"), default=7)
    feedback_months = models.PositiveSmallIntegerField(
        _("months to give feedback"),
        default=3,
        help_text=_("3 for an internal channel; up to 6 for an external channel, when justified."),
    )
    due_soon_days = models.PositiveSmallIntegerField(_("days before a deadline to warn"), default=3)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    retain_substantiated_months = models.PositiveSmallIntegerField(default=60)
    retain_not_substantiated_months = models.PositiveSmallIntegerField(default=12)
    retain_insufficient_months = models.PositiveSmallIntegerField(default=12)
    retain_outside_scope_months = models.PositiveSmallIntegerField(default=3)

    class Meta:
        verbose_name = _("case policy")
        verbose_name_plural = _("case policies")

    def __str__(self) -> str:
        return f"policy of {self.channel}"

    @classmethod
    def for_channel(cls, channel: Channel) -> CasePolicy:
        policy, _created = cls.objects.get_or_create(channel=channel)
        return policy

    def deadline_policy(self) -> deadlines.Policy:
        return deadlines.Policy(
            self.acknowledge_days, self.feedback_months, self.due_soon_days, self.time_zone
        )

    def retention_months(self, outcome: str) -> int:
        months: dict[str, int] = {
            Case.Outcome.SUBSTANTIATED: self.retain_substantiated_months,
            Case.Outcome.NOT_SUBSTANTIATED: self.retain_not_substantiated_months,
            Case.Outcome.INSUFFICIENT: self.retain_insufficient_months,
            Case.Outcome.OUTSIDE_SCOPE: self.retain_outside_scope_months,
        }
        return months.get(outcome, self.retain_substantiated_months)


class Label(models.Model):
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="case_labels")
    name = models.CharField(_("label"), max_length=40)

    class Meta:
        ordering = ["name"]
        verbose_name = _("case label")
        verbose_name_plural = _("case labels")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_case_label")
        ]

    def __str__(self) -> str:
        return self.name


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.exclude(status=Case.Status.CLOSED)

    def for_channel(self, channel: Channel) -> CaseQuerySet:
        return self.filter(report__channel=channel)


class Case(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        ASSESSMENT = "under_assessment", _("Under assessment")
        INVESTIGATION = "under_investigation", _("Under investigation")
        REFERRED = "referred", _("Referred")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        SUBSTANTIATED = "substantiated", _("Substantiated")
        NOT_SUBSTANTIATED = "not_substantiated", _("Not substantiated")
        INSUFFICIENT = "insufficient_information", _("Insufficient information")
        OUTSIDE_SCOPE = "outside_scope", _("Outside scope")

    class Nature(models.TextChoices):
        COERCIVE = "coercive", _("Coercive (extortion)")
        COLLUSIVE = "collusive", _("Collusive (shared gain)")

    class Purpose(models.TextChoices):
        EVADE_DUTY = "evade_duty", _("Evade duty")
        SPEED_UP = "speed_up", _("Speed up")
        AVOID_STORAGE = "avoid_storage", _("Avoid storage or delay")
        OTHER = "other", _("Other")

    # Which status may follow which; closing and referring have their own methods.
    NEXT = {
        Status.RECEIVED: {Status.ACKNOWLEDGED},
        Status.ACKNOWLEDGED: {Status.ASSESSMENT, Status.REFERRED, Status.CLOSED},
        Status.ASSESSMENT: {Status.INVESTIGATION, Status.REFERRED, Status.CLOSED},
        Status.INVESTIGATION: {Status.REFERRED, Status.CLOSED},
        Status.REFERRED: {Status.INVESTIGATION, Status.CLOSED},
        Status.CLOSED: set(),
    }

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.OneToOneField(Report, models.CASCADE, related_name="case")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    nature = models.CharField(_("nature"), max_length=10, choices=Nature.choices, blank=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, blank=True)
    office = models.ForeignKey(
        Office, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("office")
    )
    assignee = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="assigned_cases"
    )
    labels = models.ManyToManyField(Label, blank=True, related_name="cases")
    received_on = models.DateField(_("received on"))
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)
    feedback_on = models.DateField(_("first feedback on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    legal_hold = models.BooleanField(_("legal hold"), default=False)
    reminded_on = models.DateField(null=True, blank=True, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return f"case {self.code}"

    @classmethod
    def for_report(cls, report: Report) -> Case:
        case, _created = cls.objects.get_or_create(
            report=report, defaults={"received_on": report.received_on}
        )
        return case

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    def policy(self) -> CasePolicy:
        return CasePolicy.for_channel(self.report.channel)

    def today(self) -> date:
        return deadlines.local_day(timezone.now(), self.policy().time_zone)

    def clocks(self) -> tuple[deadlines.Deadline, deadlines.Deadline]:
        return deadlines.deadlines(
            self.received_on,
            self.acknowledged_on,
            self.feedback_on,
            self.policy().deadline_policy(),
        )

    def _move(self, status: str) -> None:
        if status not in self.NEXT[self.Status(self.status)]:
            raise IllegalTransition(f"{self.status} cannot become {status}")
        self.status = status

    def acknowledge(self, on: date) -> None:
        self._move(self.Status.ACKNOWLEDGED)
        self.acknowledged_on = on
        self.save()

    def move_to(self, status: str) -> None:
        if status in (self.Status.CLOSED, self.Status.ACKNOWLEDGED, self.Status.REFERRED):
            raise IllegalTransition(f"use close(), acknowledge() or a referral for {status}")
        self._move(status)
        self.save()

    def mark_referred(self) -> None:
        """Only ``handling.refer`` calls this: a referral is recorded with what was sent."""
        self._move(self.Status.REFERRED)
        self.save()

    def close(self, outcome: str, on: date) -> None:
        if outcome not in self.Outcome.values:
            raise OutcomeRequired
        self._move(self.Status.CLOSED)
        self.outcome, self.closed_on = outcome, on
        self.save()

    def reopen(self, reason: str) -> None:
        if not self.is_closed:
            raise IllegalTransition("only a closed case can reopen")
        if not reason.strip():
            raise ReasonRequired
        self.status, self.outcome, self.closed_on = self.Status.ASSESSMENT, "", None
        self.save()

    def feedback_given(self, on: date) -> None:
        """A handler's message after acknowledgement stops the feedback clock (the first one)."""
        if self.acknowledged_on is not None and self.feedback_on is None:
            self.feedback_on = on
            self.save(update_fields=["feedback_on"])


class InternalNote(models.Model):
    """A note among handlers, sealed to the report key like everything else about the report."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="notes")
    author = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+")
    body = models.BinaryField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self) -> str:
        return f"note on {self.case}"


class ConflictDeclaration(models.Model):
    """An office, unit or person a handler must not handle reports about."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, models.CASCADE, related_name="conflict_declarations")
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="+")
    office = models.ForeignKey(
        Office, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("office")
    )
    text = models.CharField(
        _("unit or person"),
        max_length=120,
        blank=True,
        help_text=_("A name as it would appear in a report, e.g. a unit or a colleague."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(office__isnull=False) | ~models.Q(text=""),
                name="conflict_names_something",
            )
        ]

    def __str__(self) -> str:
        return str(self.office or self.text)


class IdentityRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a custodian")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, models.CASCADE, related_name="identity_requests")
    requester = models.ForeignKey(User, models.CASCADE, related_name="+")
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("identity request")
        verbose_name_plural = _("identity requests")

    def __str__(self) -> str:
        return f"identity request on {self.case}"


class Referral(models.Model):
    """A logged act of passing chosen parts of a case to another body, sealed to that body."""

    class Kind(models.TextChoices):
        PLATFORM = "platform", _("Another administration on the platform")
        OUTSIDE = "outside", _("An outside body")

    class Part(models.TextChoices):
        ANSWERS = "answers", _("Answers to the questions")
        DESCRIPTION = "description", _("Description")
        THREAD = "thread", _("Messages with the reporter")
        CLASSIFICATION = "classification", _("Classification")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, models.CASCADE, related_name="referrals")
    kind = models.CharField(_("to"), max_length=10, choices=Kind.choices)
    to_organisation = models.ForeignKey(
        Organisation, models.PROTECT, null=True, blank=True, related_name="received_referrals"
    )
    outside_body = models.CharField(_("outside body"), max_length=200, blank=True)
    parts = models.JSONField(default=list)
    public_key = models.BinaryField(max_length=32, editable=False)
    package = models.BinaryField(editable=False)
    digest = models.CharField(max_length=64, editable=False)
    sent_by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    reporter_told = models.BooleanField(default=False)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"referral of {self.case} to {self.recipient_label}"

    @property
    def recipient_label(self) -> str:
        return self.to_organisation.label if self.to_organisation else self.outside_body


class ReferralGrant(models.Model):
    """The referral package's private key sealed to one recipient's public key."""

    referral = models.ForeignKey(Referral, models.CASCADE, related_name="grants")
    user = models.ForeignKey(User, models.CASCADE, related_name="+")
    wrapped_key = models.BinaryField(editable=False)

    class Meta:
        verbose_name = _("referral key grant")
        verbose_name_plural = _("referral key grants")
        constraints = [
            models.UniqueConstraint(fields=["referral", "user"], name="unique_referral_grant")
        ]

    def __str__(self) -> str:
        return f"grant of {self.referral} for {self.user}"


class DeletionRecord(models.Model):
    """The only thing left of a purged case: that one was deleted, when, and under which rule."""

    channel = models.ForeignKey(Channel, models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=30, choices=Case.Outcome.choices, blank=True)
    deleted_on = models.DateField()

    class Meta:
        ordering = ["-deleted_on", "-pk"]
        verbose_name = _("deletion record")
        verbose_name_plural = _("deletion records")

    def __str__(self) -> str:
        return f"case deleted on {self.deleted_on}"
