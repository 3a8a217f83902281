"""Django admin for platform administrators: a plain view of the partnership records."""

from __future__ import annotations

from django.contrib import admin

from arusha.partnerships.models import (
    Action,
    ActionPlan,
    Activity,
    Agreement,
    Commitment,
    ParticipantCount,
    Signatory,
)


class SignatoryInline(admin.TabularInline):
    model = Signatory
    extra = 0
    autocomplete_fields = ["organisation"]


class CommitmentInline(admin.TabularInline):
    model = Commitment
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "scope", "wco_region", "status", "date_signed", "is_public"]
    list_filter = ["kind", "scope", "status", "is_public"]
    search_fields = ["title"]
    inlines = [SignatoryInline, CommitmentInline]


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "agreement", "administration"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "status", "progress", "due_date"]
    list_filter = ["status"]
    search_fields = ["title"]
    # Status and progress change only through the pages or the API, with a note and an audit entry.
    readonly_fields = ["status", "progress"]


class ParticipantCountInline(admin.TabularInline):
    model = ParticipantCount
    extra = 0


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "mode", "held_on", "agreement"]
    inlines = [ParticipantCountInline]
