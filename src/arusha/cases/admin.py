"""Django admin: per-channel deadlines and retention; deletion records, read only. Case content
is sealed and never shown here."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from arusha.cases.models import CasePolicy, DeletionRecord


@admin.register(CasePolicy)
class CasePolicyAdmin(admin.ModelAdmin):
    list_display = ["channel", "acknowledge_days", "feedback_months", "time_zone"]


@admin.register(DeletionRecord)
class DeletionRecordAdmin(admin.ModelAdmin):
    list_display = ["deleted_on", "channel", "outcome"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
