"""Read-only admin view of the published questionnaire versions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from arusha.questionnaires.models import QuestionnaireVersion


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(admin.ModelAdmin):
    list_display = ["slug", "version", "kind", "content_hash", "published_at"]
    list_filter = ["slug", "kind"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
