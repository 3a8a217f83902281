"""Publish questionnaire files as frozen versions: a new version only when the content is new."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from arusha.core import audit
from arusha.questionnaires import schema
from arusha.questionnaires.models import QuestionnaireVersion


@dataclass(frozen=True)
class Published:
    version: QuestionnaireVersion
    created: bool


def publish(questionnaire: schema.Questionnaire, source: str = "") -> Published:
    """Archive the questionnaire under its content hash; an existing hash is left as it is."""
    digest = schema.content_hash(questionnaire)
    existing = QuestionnaireVersion.objects.filter(content_hash=digest).first()
    if existing is not None:
        return Published(existing, created=False)
    with transaction.atomic():
        version = QuestionnaireVersion.objects.create(
            slug=questionnaire.slug,
            version=questionnaire.version,
            kind=questionnaire.kind,
            content_hash=digest,
            content=json.loads(schema.canonical_json(questionnaire)),
            source=source,
        )
        audit.record(
            None,
            "questionnaires.published",
            version,
            details={"slug": version.slug, "version": version.version, "hash": digest},
        )
    return Published(version, created=True)


def load_files(paths: list[Path] | None = None) -> list[Published]:
    """Read and publish each file (the shipped ones by default); QuestionnaireError if any is
    unusable, before anything is published."""
    files = schema.shipped_questionnaires() if paths is None else paths
    parsed = [(schema.load_questionnaire(path), path.name) for path in files]
    return [publish(questionnaire, source) for questionnaire, source in parsed]
