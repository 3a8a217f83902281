"""API for published questionnaire versions. Their wording is not confidential; any signed-in
user may read it.

No `from __future__ import annotations` here: Django Ninja reads the annotations at import time.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from arusha.questionnaires.models import QuestionnaireVersion

router = Router(tags=["questionnaires"])


class VersionOut(Schema):
    code: UUID
    slug: str
    version: str
    kind: str
    content_hash: str
    published_at: datetime


class VersionDetailOut(VersionOut):
    content: dict[str, Any]


@router.get("", response=list[VersionOut], summary="Published questionnaire versions")
def list_versions(request: HttpRequest, slug: str = "") -> Any:
    versions = QuestionnaireVersion.objects.all()
    return versions.of(slug) if slug else versions


@router.get("/{code}", response=VersionDetailOut, summary="One version with its full content")
def get_version(request: HttpRequest, code: UUID) -> QuestionnaireVersion:
    return get_object_or_404(QuestionnaireVersion, code=code)
