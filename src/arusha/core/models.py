"""Organisations, the people in them, their roles, and their API tokens."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from arusha.core.audit import AuditEntry, AuditHead

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "Membership",
    "Organisation",
    "Role",
    "User",
    "WcoRegion",
]


class WcoRegion(models.TextChoices):
    """The six regions of the World Customs Organization."""

    ESA = "ESA", _("East and Southern Africa")
    WCA = "WCA", _("West and Central Africa")
    MENA = "MENA", _("North of Africa, Near and Middle East")
    EUR = "EUR", _("Europe")
    AP = "AP", _("Asia/Pacific")
    AMS = "AMS", _("Americas and Caribbean")


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")
    INTEGRITY_OFFICER = "integrity_officer", _("Integrity officer")
    ASSESSMENT_REVIEWER = "assessment_reviewer", _("Assessment reviewer")
    CASE_HANDLER = "case_handler", _("Case handler")
    PRIVATE_FOCAL_POINT = "private_focal_point", _("Private-sector focal point")
    REGIONAL_COORDINATOR = "regional_coordinator", _("Regional coordinator")
    VIEWER = "viewer", _("Viewer")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def customs(self) -> OrganisationQuerySet:
        return self.filter(kind=Organisation.Kind.CUSTOMS)

    def private_sector(self) -> OrganisationQuerySet:
        return self.filter(kind=Organisation.Kind.PRIVATE)

    def for_region(self, region: str) -> OrganisationQuerySet:
        return self.filter(wco_region=region)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        CUSTOMS = "customs", _("Customs administration")
        PRIVATE = "private", _("Private-sector body")
        INTERNATIONAL = "international", _("International body")

    class PrivateKind(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        COMPANY = "company", _("Company")
        CHAMBER = "chamber", _("Chamber of commerce")

    class InternationalKind(models.TextChoices):
        SECRETARIAT = "secretariat", _("WCO Secretariat")
        REGIONAL_OFFICE = "regional_office", _("Regional office")
        DEVELOPMENT_PARTNER = "development_partner", _("Development partner")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = CountryField(_("country"), blank=True)
    wco_region = models.CharField(
        _("WCO region"), max_length=8, choices=WcoRegion.choices, blank=True
    )
    private_kind = models.CharField(
        _("private-sector kind"), max_length=20, choices=PrivateKind.choices, blank=True
    )
    pscg_member = models.BooleanField(
        _("member of the Private Sector Consultative Group"), default=False
    )
    international_kind = models.CharField(
        _("international body kind"), max_length=24, choices=InternationalKind.choices, blank=True
    )
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="customs") | ~models.Q(country=""),
                name="customs_has_country",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="customs") | ~models.Q(wco_region=""),
                name="customs_has_region",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name

    def kind_detail(self) -> str:
        """The most specific description of what this organisation is."""
        if self.kind == self.Kind.PRIVATE and self.private_kind:
            return str(self.get_private_kind_display())
        if self.kind == self.Kind.INTERNATIONAL and self.international_kind:
            return str(self.get_international_kind_display())
        return str(self.get_kind_display())


class User(AbstractUser):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )

    def memberships_in(self, organisation: Organisation) -> Iterable[Membership]:
        return self.memberships.filter(organisation=organisation)

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.memberships.filter(role__in=roles).exists()

    def roles(self) -> set[str]:
        return set(self.memberships.values_list("role", flat=True))

    def organisations(self) -> models.QuerySet[Organisation]:
        return Organisation.objects.filter(memberships__user=self).distinct()

    def organisations_with_role(self, *roles: str) -> models.QuerySet[Organisation]:
        return Organisation.objects.filter(
            memberships__user=self, memberships__role__in=roles
        ).distinct()

    @property
    def is_platform_admin(self) -> bool:
        return self.has_role(Role.PLATFORM_ADMIN)

    def needs_two_factor(self) -> bool:
        return bool(self.roles() & settings.TWO_FACTOR_ROLES)

    def coordinated_regions(self) -> set[str]:
        """The WCO regions whose aggregates this user may see as regional coordinator."""
        return set(
            self.memberships.filter(role=Role.REGIONAL_COORDINATOR)
            .exclude(organisation__wco_region="")
            .values_list("organisation__wco_region", flat=True)
        )


class Membership(models.Model):
    user = models.ForeignKey(User, models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_membership_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A personal token for the REST API. Only a hash is kept; the token is shown once."""

    PREFIX = "ar_"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_on = models.DateField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        """Create a token for the user; return it with the only copy of its secret."""
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, digest=cls.digest_of(raw), hint=raw[:8])
        return token, raw

    @classmethod
    def authenticate(cls, raw: str) -> User | None:
        token = cls.objects.active().select_related("user").filter(digest=cls.digest_of(raw))
        found = token.first()
        if found is None:
            return None
        today = timezone.localdate()
        if found.last_used_on != today:
            cls.objects.filter(pk=found.pk).update(last_used_on=today)
        return found.user

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
