"""Integrity agreements between Customs and the private sector, and the joint work they lead to."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arusha.core import audit
from arusha.core.key_factors import KeyFactor
from arusha.core.models import Organisation, User, WcoRegion
from arusha.core.uploads import document_field

if TYPE_CHECKING:
    pass


class Side(models.TextChoices):
    CUSTOMS = "customs", _("Customs")
    PRIVATE = "private", _("Private sector")
    JOINT = "joint", _("Joint")


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def involving(self, organisations: Any) -> AgreementQuerySet:
        """Agreements these organisations signed or hold."""
        return self.filter(
            Q(signatories__organisation__in=organisations) | Q(administration__in=organisations)
        ).distinct()

    def published(self) -> AgreementQuerySet:
        return self.filter(is_public=True)

    def for_region(self, region: str) -> AgreementQuerySet:
        """Regional agreements of the region and national agreements of its administrations."""
        return self.filter(
            Q(scope=Agreement.Scope.REGIONAL, wco_region=region)
            | Q(scope=Agreement.Scope.NATIONAL, administration__wco_region=region)
        )


class Agreement(models.Model):
    class Kind(models.TextChoices):
        LETTER_OF_INTENT = "letter_of_intent", _("Letter of intent")
        MOU = "mou", _("Memorandum of understanding")
        CODE_OF_CONDUCT = "code_of_conduct", _("Code of conduct")
        DECLARATION = "declaration", _("Declaration")

    class Scope(models.TextChoices):
        REGIONAL = "regional", _("Regional")
        NATIONAL = "national", _("National")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")
        IN_FORCE = "in_force", _("In force")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=250)
    summary = models.TextField(_("summary"), blank=True)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    wco_region = models.CharField(
        _("WCO region"), max_length=8, choices=WcoRegion.choices, blank=True
    )
    administration = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="held_agreements",
        verbose_name=_("administration responsible"),
        help_text=_(
            "For a national agreement, the administration it binds; for a regional one, "
            "the administration that keeps its record on the platform."
        ),
    )
    date_signed = models.DateField(_("date signed"), null=True, blank=True)
    date_in_force = models.DateField(_("date in force"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    signed_text = document_field(_("signed text"), "partnerships")
    is_public = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-date_signed", "title"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=~Q(scope="regional") | ~Q(wco_region=""),
                name="regional_agreement_has_region",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def region(self) -> str:
        return self.wco_region or self.administration.wco_region

    def customs_signatories(self) -> models.QuerySet[Organisation]:
        return Organisation.objects.filter(
            signatures__agreement=self, kind=Organisation.Kind.CUSTOMS
        )


class Signatory(models.Model):
    """An organisation's signature of an agreement: at the signing, or later by adherence."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agreement = models.ForeignKey(Agreement, models.CASCADE, related_name="signatories")
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="signatures", verbose_name=_("organisation")
    )
    signed_by = models.CharField(_("signed by"), max_length=150, blank=True)
    capacity = models.CharField(_("in the capacity of"), max_length=150, blank=True)
    signed_on = models.DateField(_("signed on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["signed_on", "organisation__name"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organisation"], name="one_signature_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.agreement}"

    @property
    def is_adherence(self) -> bool:
        """True when the organisation joined after the agreement was first signed."""
        first = self.agreement.date_signed
        return first is not None and self.signed_on > first

    @property
    def side(self) -> str:
        return str(self.organisation.get_kind_display())


class Commitment(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agreement = models.ForeignKey(Agreement, models.CASCADE, related_name="commitments")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("commitment"))
    binds = models.CharField(_("binds"), max_length=10, choices=Side.choices)
    key_factors = models.JSONField(_("key factors"), default=list)

    class Meta:
        ordering = ["agreement", "number"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="one_commitment_per_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"

    def key_factor_labels(self) -> list[str]:
        return [str(KeyFactor(value).label) for value in self.key_factors]


class ActionPlan(models.Model):
    """One administration's joint action plan under one agreement."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agreement = models.ForeignKey(Agreement, models.CASCADE, related_name="plans")
    administration = models.ForeignKey(
        Organisation, models.PROTECT, related_name="action_plans", verbose_name=_("administration")
    )
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agreement", "administration__name"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "administration"], name="one_plan_per_administration"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ActionQuerySet(models.QuerySet["Action"]):
    def open(self) -> ActionQuerySet:
        return self.filter(status__in=Action.OPEN_STATUSES)

    def overdue(self, today: date | None = None) -> ActionQuerySet:
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def counted(self) -> ActionQuerySet:
        """The actions that count towards progress: dropped ones do not."""
        return self.exclude(status=Action.Status.DROPPED)

    def published(self) -> ActionQuerySet:
        return self.filter(is_public=True, plan__agreement__is_public=True)

    def owned_by(self, organisations: Any) -> ActionQuerySet:
        return self.filter(private_owner__in=organisations)


class Action(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        BLOCKED = "blocked", _("Blocked")
        DROPPED = "dropped", _("Dropped")

    OPEN_STATUSES = (Status.PLANNED, Status.IN_PROGRESS, Status.BLOCKED)

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(ActionPlan, models.CASCADE, related_name="actions")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("action"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    commitments = models.ManyToManyField(
        Commitment, related_name="actions", blank=True, verbose_name=_("commitments served")
    )
    customs_owner = models.CharField(
        _("owner in Customs"), max_length=150, help_text=_("The unit or person responsible.")
    )
    private_owner = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_actions",
        verbose_name=_("owner in the private sector"),
    )
    private_owner_contact = models.CharField(
        _("private-sector contact"), max_length=150, blank=True
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    source_activity = models.ForeignKey(
        "Activity",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_up_actions",
        verbose_name=_("follow-up of activity"),
    )
    is_public = models.BooleanField(_("published"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_action_per_number"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in self.OPEN_STATUSES
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )

    @classmethod
    def next_number(cls, plan: ActionPlan) -> int:
        last = plan.actions.aggregate(n=models.Max("number"))["n"]
        return (last or 0) + 1

    @transaction.atomic
    def change_status(self, user: User, status: str, progress: int, note: str) -> ActionUpdate:
        """Move the action to a new status and progress, with the note that explains it."""
        if not note.strip():
            raise StatusNoteMissing
        if status == self.Status.DONE:
            progress = 100
        update = ActionUpdate.objects.create(
            action=self,
            author=user,
            from_status=self.status,
            to_status=status,
            progress=progress,
            note=note.strip(),
        )
        details = {"from": self.status, "to": status, "progress": progress, "note": note.strip()}
        self.status, self.progress = status, progress
        self.save(update_fields=["status", "progress", "updated_at"])
        audit.record(
            user,
            "partnerships.action_status_changed",
            self,
            organisation=self.plan.administration,
            details=details,
        )
        return update


class StatusNoteMissing(Exception):
    """An action's status or progress changes only with a note that says why."""


class ActionUpdate(models.Model):
    """One entry of an action's history: who moved it to which status, and why."""

    action = models.ForeignKey(Action, models.CASCADE, related_name="updates")
    author = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=12, choices=Action.Status.choices)
    to_status = models.CharField(max_length=12, choices=Action.Status.choices)
    progress = models.PositiveSmallIntegerField()
    note = models.TextField(_("note"))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("action update")
        verbose_name_plural = _("action updates")

    def __str__(self) -> str:
        return f"{self.action} → {self.to_status}"


# An indicator's amounts have 14 digits, 2 after the point: anything at or beyond this is refused.
AMOUNT_LIMIT = 10**12
AMOUNT_FIELDS = ("baseline", "target", "measured")


def _amount_within_limit(field: str) -> models.CheckConstraint:
    """A guard under the forms: an amount the column cannot hold would break every read of it."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True})
        | Q(**{f"{field}__gt": -AMOUNT_LIMIT, f"{field}__lt": AMOUNT_LIMIT}),
        name=f"indicator_{field}_within_limit",
    )


class Indicator(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    action = models.ForeignKey(Action, models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    measured = models.DecimalField(
        _("measured"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    measured_on = models.DateField(_("measured on"), null=True, blank=True)

    class Meta:
        ordering = ["action", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [_amount_within_limit(field) for field in AMOUNT_FIELDS]

    def __str__(self) -> str:
        return self.name


class Evidence(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    action = models.ForeignKey(Action, models.CASCADE, related_name="evidence")
    title = models.CharField(_("title"), max_length=200)
    document = document_field(_("document"), "partnerships")
    link = models.URLField(_("link"), blank=True)
    added_by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=~Q(document="") | ~Q(link=""), name="evidence_has_document_or_link"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ActivityQuerySet(models.QuerySet["Activity"]):
    def for_agreements(self, agreements: Any) -> ActivityQuerySet:
        return self.filter(agreement__in=agreements)


class Activity(models.Model):
    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop")
        PANEL = "panel", _("Panel")
        TRAINING = "training", _("Training")
        CONSULTATION = "consultation", _("Consultation")

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agreement = models.ForeignKey(Agreement, models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=250)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=150, blank=True)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    organisers = models.ManyToManyField(
        Organisation, related_name="organised_activities", verbose_name=_("organisers")
    )
    commitments = models.ManyToManyField(
        Commitment, related_name="activities", blank=True, verbose_name=_("commitments served")
    )
    actions = models.ManyToManyField(
        Action, related_name="activities", blank=True, verbose_name=_("actions served")
    )
    outcomes = models.TextField(_("outcomes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "title"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.title

    def participant_total(self) -> int:
        return sum(self.participants.values_list("count", flat=True))


class ParticipantCount(models.Model):
    """How many people of one kind of organisation and one region took part."""

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="participants")
    organisation_kind = models.CharField(
        _("kind of organisation"), max_length=20, choices=Organisation.Kind.choices
    )
    wco_region = models.CharField(
        _("WCO region"), max_length=8, choices=WcoRegion.choices, blank=True
    )
    count = models.PositiveIntegerField(_("participants"))

    class Meta:
        ordering = ["organisation_kind", "wco_region"]
        verbose_name = _("participant count")
        verbose_name_plural = _("participant counts")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "organisation_kind", "wco_region"],
                name="one_count_per_kind_and_region",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_kind}/{self.wco_region}: {self.count}"
