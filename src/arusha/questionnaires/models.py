"""Published questionnaire versions, each archived by the hash of its content.

A version is never edited: a changed file becomes a new version, and answers keep pointing at
the version they answered.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from arusha.questionnaires import schema


class VersionIsFrozen(Exception):
    """A published questionnaire version cannot be changed."""


class QuestionnaireVersionQuerySet(models.QuerySet["QuestionnaireVersion"]):
    def of(self, slug: str) -> QuestionnaireVersionQuerySet:
        return self.filter(slug=slug)

    def self_assessments(self) -> QuestionnaireVersionQuerySet:
        return self.filter(kind=QuestionnaireVersion.Kind.SELF_ASSESSMENT)

    def latest_of(self, slug: str) -> QuestionnaireVersion | None:
        return self.of(slug).order_by("-published_at", "-pk").first()


class QuestionnaireVersion(models.Model):
    class Kind(models.TextChoices):
        SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
        PERCEPTION_SURVEY = "perception_survey", _("Perception survey")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("questionnaire"), max_length=64)
    version = models.CharField(_("version"), max_length=64)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    content_hash = models.CharField(_("content hash"), max_length=64, unique=True, editable=False)
    # The canonical parsed content (schema.canonical_json), not the YAML it came from.
    content = models.JSONField(_("content"), editable=False)
    source = models.CharField(_("source file"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published"), auto_now_add=True)

    objects = QuestionnaireVersionQuerySet.as_manager()

    class Meta:
        ordering = ["slug", "-published_at", "-pk"]
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")

    def __str__(self) -> str:
        # Shown to people (choice lists, pages): the title and version in words, never the slug
        # or the content hash; the admin lists those in columns of their own.
        return self.label

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise VersionIsFrozen(
                f"{self.slug} {self.version} ({self.content_hash[:12]}) is published and "
                "cannot change"
            )
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        """The questionnaire's title in the active language, and its version."""
        language = (get_language() or "en").split("-")[0]
        try:
            title = self.title_in(language)
        except schema.QuestionnaireError:  # damaged content: still name it, never fail a page
            title = self.slug
        return gettext("%(title)s (version %(version)s)") % {
            "title": title,
            "version": self.version,
        }

    def questionnaire(self) -> schema.Questionnaire:
        """The questionnaire as the library sees it, rebuilt from the stored content."""
        return questionnaire_from_content(self.content_hash, self.content)

    def title_in(self, language: str) -> str:
        return self.questionnaire().title.get(language)


# Versions never change, so a parsed questionnaire can be kept for the life of the process.
_PARSED: dict[str, schema.Questionnaire] = {}


def questionnaire_from_content(content_hash: str, content: dict[str, Any]) -> schema.Questionnaire:
    """Rebuild a Questionnaire from stored canonical JSON, checking it still has its hash."""
    if content_hash not in _PARSED:
        questionnaire = schema.parse_questionnaire(content, source=content_hash[:12])
        if schema.content_hash(questionnaire) != content_hash:
            raise schema.QuestionnaireError(content_hash[:12], ["content does not match its hash"])
        _PARSED[content_hash] = questionnaire
    return _PARSED[content_hash]
