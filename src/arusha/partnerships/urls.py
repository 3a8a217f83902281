"""URL map of the partnerships app, under /partnerships/."""

from __future__ import annotations

from django.urls import path

from arusha.partnerships import activity_views, plan_views, views

app_name = "partnerships"

urlpatterns = [
    path("", views.agreement_list, name="agreement_list"),
    path("new/", views.agreement_create, name="agreement_create"),
    path("export.<str:fmt>", views.export_all, name="export_all"),
    path("overdue/", views.overdue_list, name="overdue_list"),
    path("regions/<str:region>/", views.region_progress, name="region_progress"),
    path("<uuid:code>/", views.agreement_detail, name="agreement_detail"),
    path("<uuid:code>/edit/", views.agreement_edit, name="agreement_edit"),
    path("<uuid:code>/document/", views.agreement_document, name="agreement_document"),
    path("<uuid:code>/publish/", views.agreement_publish, name="agreement_publish"),
    path("<uuid:code>/export.<str:fmt>", views.agreement_export, name="agreement_export"),
    path("<uuid:code>/signatories/new/", views.signatory_add, name="signatory_add"),
    path("<uuid:code>/commitments/new/", views.commitment_add, name="commitment_add"),
    path("commitments/<uuid:code>/edit/", views.commitment_edit, name="commitment_edit"),
    path("<uuid:code>/plans/new/", plan_views.plan_create, name="plan_create"),
    path("plans/<uuid:code>/", plan_views.plan_detail, name="plan_detail"),
    path("plans/<uuid:code>/import/", plan_views.plan_import, name="plan_import"),
    path("plans/<uuid:code>/template.xlsx", plan_views.plan_template, name="plan_template"),
    path("plans/<uuid:code>/actions/new/", plan_views.action_create, name="action_create"),
    path("actions/<uuid:code>/", plan_views.action_detail, name="action_detail"),
    path("actions/<uuid:code>/edit/", plan_views.action_edit, name="action_edit"),
    path("actions/<uuid:code>/status/", plan_views.action_update, name="action_update"),
    path("actions/<uuid:code>/publish/", plan_views.action_publish, name="action_publish"),
    path("actions/<uuid:code>/indicators/", plan_views.indicator_add, name="indicator_add"),
    path("indicators/<uuid:code>/", plan_views.indicator_measure, name="indicator_measure"),
    path("actions/<uuid:code>/evidence/", plan_views.evidence_add, name="evidence_add"),
    path("evidence/<uuid:code>/", plan_views.evidence_download, name="evidence_download"),
    path("<uuid:code>/activities/new/", activity_views.activity_create, name="activity_create"),
    path("activities/<uuid:code>/", activity_views.activity_detail, name="activity_detail"),
    path("activities/<uuid:code>/edit/", activity_views.activity_edit, name="activity_edit"),
    path(
        "activities/<uuid:code>/participants/",
        activity_views.participants_add,
        name="participants_add",
    ),
]
