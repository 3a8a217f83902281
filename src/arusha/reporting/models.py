"""What the reporting channel stores: sealed reports and messages, key grants, handler key
bundles, and coarse statistics records that cannot be linked back to a report.

Nothing a reporter wrote is stored in clear; see docs/reporting.md for the full list of what is.
Dates of reporter actions are days, never times.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from arusha.core.models import Organisation, Role, User
from arusha.reporting import crypto, taxonomy

ATTACHMENT_DIR = "reports"
# Paths of the intake that a channel's address must not shadow.
RESERVED_SLUGS = frozenset({"language", "return", "thread", "leave", "static"})


def validate_channel_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This address is used by the intake itself."), code="reserved")


class Channel(models.Model):
    """The intake of one customs administration. Closed, or without a handler key, it accepts
    nothing (fail closed)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.OneToOneField(
        Organisation,
        models.PROTECT,
        related_name="reporting_channel",
        limit_choices_to={"kind": Organisation.Kind.CUSTOMS},
    )
    slug = models.SlugField(
        _("address"),
        max_length=40,
        unique=True,
        validators=[validate_channel_slug],
        help_text=_("Part of the intake address."),
    )
    is_open = models.BooleanField(_("open"), default=True)
    custodians = models.ManyToManyField(
        User,
        blank=True,
        related_name="custodian_of_channels",
        verbose_name=_("identity custodians"),
        help_text=_("People who may open a reporter's identity and grant it to a handler."),
    )

    class Meta:
        ordering = ["slug"]
        verbose_name = _("reporting channel")
        verbose_name_plural = _("reporting channels")

    def __str__(self) -> str:
        return self.organisation.label

    def handler_keys(self) -> models.QuerySet[HandlerKey]:
        """Keys of the administration's active case handlers: every new report is sealed to them."""
        return HandlerKey.objects.filter(
            user__is_active=True,
            user__memberships__organisation=self.organisation,
            user__memberships__role=Role.CASE_HANDLER,
        ).distinct()

    def custodian_keys(self) -> models.QuerySet[HandlerKey]:
        return HandlerKey.objects.filter(user__is_active=True, user__in=self.custodians.all())

    def is_ready(self) -> bool:
        """True when a report sent now could be opened by at least one handler."""
        return self.is_open and self.handler_keys().exists()

    def accepts_identity(self) -> bool:
        return self.custodian_keys().exists()


class Office(models.Model):
    """An office or border post of an administration, as the administration lists it."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="offices")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("office or border post")
        verbose_name_plural = _("offices and border posts")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="unique_office_code")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class HandlerKey(models.Model):
    """A handler's public key and the two wrapped copies of the private key (password, recovery).

    Safe to store: without the password or the recovery key, the bundle opens nothing.
    """

    user = models.OneToOneField(User, models.CASCADE, related_name="handler_key")
    bundle = models.JSONField(editable=False)
    public_key = models.BinaryField(max_length=32, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("handler key")
        verbose_name_plural = _("handler keys")

    def __str__(self) -> str:
        return f"key of {self.user}"

    def key_bundle(self) -> crypto.HandlerKeyBundle:
        return crypto.HandlerKeyBundle.from_dict(self.bundle)

    def store(self, bundle: crypto.HandlerKeyBundle) -> None:
        self.bundle = bundle.to_dict()
        self.public_key = bundle.public_key
        self.save()


class Report(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.ForeignKey(Channel, models.PROTECT, related_name="reports")
    receipt_lookup_id = models.CharField(max_length=64, unique=True, editable=False)
    public_key = models.BinaryField(max_length=32, editable=False)
    content = models.BinaryField(editable=False)
    reporter_key = models.BinaryField(editable=False)
    identity_public_key = models.BinaryField(max_length=32, null=True, editable=False)
    identity = models.BinaryField(null=True, editable=False)
    received_on = models.DateField(_("received on"), editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"report {self.code}"

    @property
    def has_identity(self) -> bool:
        return self.identity is not None


class ReportKeyGrant(models.Model):
    """A report's (or its identity's) private key sealed to one person's public key."""

    class Kind(models.TextChoices):
        REPORT = "report", _("Report key")
        IDENTITY = "identity", _("Identity key")

    report = models.ForeignKey(Report, models.CASCADE, related_name="grants")
    user = models.ForeignKey(User, models.CASCADE, related_name="report_grants")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REPORT)
    wrapped_key = models.BinaryField(editable=False)

    class Meta:
        verbose_name = _("report key grant")
        verbose_name_plural = _("report key grants")
        constraints = [
            models.UniqueConstraint(fields=["report", "user", "kind"], name="unique_report_grant")
        ]

    def __str__(self) -> str:
        return f"{self.kind} key of {self.report} for {self.user}"


class Message(models.Model):
    class Author(models.TextChoices):
        REPORTER = "reporter", _("Reporter")
        HANDLER = "handler", _("Case handler")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(Report, models.CASCADE, related_name="messages")
    author_kind = models.CharField(max_length=10, choices=Author.choices)
    # The handler who wrote it; never set for the reporter.
    author = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    body = models.BinaryField(editable=False)
    created_on = models.DateField(editable=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"message {self.code} ({self.author_kind})"


class Attachment(models.Model):
    """An encrypted file under MEDIA_ROOT/reports/; its name and type are sealed too."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(Report, models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    stored_name = models.CharField(max_length=80, unique=True, editable=False)
    sealed_meta = models.BinaryField(editable=False)
    size = models.PositiveBigIntegerField(editable=False)
    created_on = models.DateField(editable=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"attachment {self.code}"

    @property
    def path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / ATTACHMENT_DIR / self.stored_name


class BulkUpload(models.Model):
    """One spreadsheet of non-attributable incidents from a private-sector association."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    association = models.ForeignKey(Organisation, models.PROTECT, related_name="incident_uploads")
    channel = models.ForeignKey(Channel, models.PROTECT, related_name="bulk_uploads")
    uploaded_by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+")
    row_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bulk incident upload")
        verbose_name_plural = _("bulk incident uploads")

    def __str__(self) -> str:
        return f"{self.association} · {self.row_count} incidents"


class PendingCoarseRecord(models.Model):
    """A consented coarse tuple waiting for enough others to be released with (``consented``).

    Sealed under a key derived from the secret key, so a copy of the database cannot pair the
    latest reports with their tuples by the order in which both were written. No date at all.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.ForeignKey(Channel, models.CASCADE, related_name="+")
    sealed = models.BinaryField(editable=False)

    class Meta:
        verbose_name = _("pending statistics record")
        verbose_name_plural = _("pending statistics records")

    def __str__(self) -> str:
        return f"pending record {self.id}"


class CoarseRecord(models.Model):
    """One incident as coarse categories, for aggregated statistics only.

    From a report (with the reporter's consent) or from an association's bulk upload. Never
    linked to a report; the random primary key keeps insertion order out of the visible ids,
    and consented records are written in shuffled batches, never one per report (``consented``).
    """

    class Source(models.TextChoices):
        CONSENT = "consent", _("Report, with the reporter's consent")
        BULK = "bulk", _("Association upload")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.ForeignKey(Channel, models.PROTECT, related_name="coarse_records")
    office = models.ForeignKey(Office, models.PROTECT, null=True, blank=True, related_name="+")
    month = models.DateField(_("month"), null=True, blank=True)
    stage = models.CharField(max_length=20, choices=taxonomy.Stage.choices, blank=True)
    demand = models.CharField(max_length=20, choices=taxonomy.DemandKind.choices, blank=True)
    by_whom = models.CharField(max_length=20, choices=taxonomy.ByWhom.choices, blank=True)
    amount_band = models.CharField(max_length=20, choices=taxonomy.AmountBand.choices, blank=True)
    consequence = models.CharField(max_length=20, choices=taxonomy.Consequence.choices, blank=True)
    paid = models.CharField(max_length=10, choices=taxonomy.Paid.choices, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    batch = models.ForeignKey(
        BulkUpload, models.CASCADE, null=True, blank=True, related_name="records"
    )
    taxonomy_version = models.CharField(max_length=20, default=taxonomy.VERSION)

    class Meta:
        verbose_name = _("coarse incident record")
        verbose_name_plural = _("coarse incident records")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source="bulk", batch__isnull=False)
                | models.Q(source="consent", batch__isnull=True),
                name="coarse_batch_only_for_bulk",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} · {self.month} · {self.stage}"
