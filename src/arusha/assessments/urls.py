"""URLs of the assessments app, under /assessments/."""

from __future__ import annotations

from django.urls import path

from arusha.assessments import result_views, risk_views, views

app_name = "assessments"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("open/", views.assessment_open, name="open"),
    path("<uuid:code>/", views.assessment_detail, name="detail"),
    path("<uuid:code>/sections/<str:section>/", views.section_answer, name="section"),
    path("<uuid:code>/assign/", views.section_assign, name="assign"),
    path("<uuid:code>/invite/", views.reviewer_invite, name="invite"),
    path("<uuid:code>/submit/", views.assessment_submit, name="submit"),
    path("<uuid:code>/review/", views.assessment_review, name="review"),
    path("<uuid:code>/evidence/<uuid:file_code>/", views.evidence_download, name="evidence"),
    path("<uuid:code>/results/", result_views.assessment_results, name="results"),
    path("<uuid:code>/report/", result_views.assessment_report, name="report"),
    path("<uuid:code>/answers.xlsx", result_views.assessment_xlsx, name="xlsx"),
    path("<uuid:code>/gaps/<str:question>/action/", result_views.gap_action, name="gap_action"),
    path("administrations/<uuid:code>/actions/", result_views.action_list, name="actions"),
    path("regions/<str:region>/", result_views.region_results, name="region"),
    path("risks/", risk_views.risk_home, name="risk_home"),
    path("risks/administrations/<uuid:code>/", risk_views.risk_map, name="risk_map"),
    path("risks/administrations/<uuid:code>/new/", risk_views.risk_create, name="risk_create"),
    path("risks/<uuid:code>/", risk_views.risk_detail, name="risk_detail"),
    path("risks/<uuid:code>/treatments/", risk_views.treatment_add, name="treatment_add"),
    path(
        "risks/<uuid:code>/treatments/<uuid:treatment>/done/",
        risk_views.treatment_done,
        name="treatment_done",
    ),
]
