"""Survey campaigns, their invitations, drafts kept while a respondent comes back, and responses.

A response carries no link to the invitation or draft it came from, no account, no address and
no time finer than the day; its primary key is random, so neither keys nor their order say which
invitation was used last. See docs/surveys.md for what is stored and the risks that remain.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import date
from typing import Any

from django.core.validators import MinLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arusha.core.models import Organisation, User
from arusha.questionnaires.models import QuestionnaireVersion
from arusha.reporting.models import Office
from arusha.surveys import tokens

# The attribute questions of the shipped survey that results break down by.
GROUP_QUESTION = "about.business_kind"
OFFICE_QUESTION = "about.main_office"


class TargetGroup(models.TextChoices):
    # Codes are those of the survey's "kind of business" question, so a target group and a
    # respondent's own answer can be compared.
    IMPORTER = "importer", _("Importers")
    EXPORTER = "exporter", _("Exporters")
    CUSTOMS_BROKER = "customs_broker", _("Customs brokers")
    CARRIER = "carrier", _("Carriers")
    FREIGHT_FORWARDER = "freight_forwarder", _("Freight forwarders")
    ASSOCIATION = "association", _("Associations")


def _salt() -> str:
    return secrets.token_hex(8)


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def of(self, organisation: Organisation) -> CampaignQuerySet:
        return self.filter(organisation=organisation)

    def for_region(self, region: str) -> CampaignQuerySet:
        return self.filter(organisation__wco_region=region)


class Campaign(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="survey_campaigns",
        verbose_name=_("administration"),
        limit_choices_to={"kind": Organisation.Kind.CUSTOMS},
    )
    title = models.CharField(_("title"), max_length=120, validators=[MinLengthValidator(3)])
    questionnaire_version = models.ForeignKey(
        QuestionnaireVersion, models.PROTECT, related_name="survey_campaigns"
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    offices = models.ManyToManyField(
        Office, blank=True, related_name="survey_campaigns", verbose_name=_("offices and posts")
    )
    open_link_enabled = models.BooleanField(_("open link for associations"), default=True)
    # Rotating the salt retires the old open link.
    open_salt = models.CharField(max_length=16, default=_salt, editable=False)
    launched_by = models.ForeignKey(
        Organisation,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A regional office that launched the campaign for the administration."),
    )
    created_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "-opens_on"]
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="campaign_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation.label} · {self.title}"

    def is_open_on(self, day: date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.opens_on <= day <= self.closes_on

    @property
    def open_token(self) -> str:
        return tokens.open_token(str(self.code), self.open_salt)

    def target_group_labels(self) -> list[str]:
        labels = dict(TargetGroup.choices)
        return [str(labels.get(code, code)) for code in self.target_groups]

    def office_options(self) -> list[tuple[str, str]]:
        """The offices a respondent may name: the campaign's, else all the administration's."""
        chosen = self.offices.filter(is_active=True)
        offices = chosen if chosen.exists() else self.organisation.offices.filter(is_active=True)
        return [(office.code, office.name) for office in offices]


class Invitation(models.Model):
    """A single-use link. Neither the address it was sent to nor the day it was used is kept."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="invitations")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    group = models.CharField(
        _("target group"), max_length=24, choices=TargetGroup.choices, blank=True
    )
    created_on = models.DateField(default=timezone.localdate, editable=False)
    used = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_on"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.campaign} · {'used' if self.used else 'unused'}"

    @classmethod
    def issue(cls, campaign: Campaign, count: int, group: str = "") -> list[str]:
        """Create `count` invitations; return their tokens, the only copies there are."""
        raw = [tokens.new_token() for _ in range(count)]
        Invitation.objects.bulk_create(
            [Invitation(campaign=campaign, digest=tokens.digest(t), group=group) for t in raw]
        )
        return raw


class Draft(models.Model):
    """Answers saved before submission, filed under an HMAC of the respondent's token and
    deleted when the answers are submitted."""

    key = models.CharField(max_length=64, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="+")
    answers = models.JSONField(default=dict)
    saved_on = models.DateField(default=timezone.localdate)

    class Meta:
        verbose_name = _("draft answers")
        verbose_name_plural = _("draft answers")

    def __str__(self) -> str:
        return f"draft for {self.campaign}"


class ResponseQuerySet(models.QuerySet["Response"]):
    def of(self, campaign: Campaign) -> ResponseQuerySet:
        return self.filter(campaign=campaign)


class Response(models.Model):
    """One submitted questionnaire. Deliberately without invitation, draft, user, address or
    time of day; the random primary key keeps the order of arrival out of the keys."""

    class Via(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        OPEN_LINK = "open", _("Open link")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="responses")
    questionnaire_version = models.ForeignKey(
        QuestionnaireVersion, models.PROTECT, related_name="+"
    )
    submitted_on = models.DateField()
    via = models.CharField(max_length=12, choices=Via.choices)
    answers = models.JSONField(default=dict)
    attributes = models.JSONField(default=dict)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        # Never by arrival: there is no arrival order to show.
        ordering = ["id"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return f"response to {self.campaign}"

    def all_answers(self) -> dict[str, Any]:
        return {**self.answers, **self.attributes}
