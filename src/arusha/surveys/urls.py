"""URLs of the surveys app for staff, under /surveys/."""

from __future__ import annotations

from django.urls import path

from arusha.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<uuid:code>/", views.campaign_detail, name="detail"),
    path("<uuid:code>/invitations/", views.invitations_issue, name="invitations"),
    path("<uuid:code>/open-link/", views.open_link_rotate, name="open_link"),
    path("<uuid:code>/results/", views.campaign_results, name="results"),
    path(
        "<uuid:code>/results/<str:section>/",
        views.campaign_results_section,
        name="results_section",
    ),
    path("<uuid:code>/results.csv", views.results_csv, name="results_csv"),
    path("<uuid:code>/results.xlsx", views.results_xlsx, name="results_xlsx"),
    path("<uuid:code>/responses.csv", views.responses_csv, name="responses_csv"),
    path("regions/<str:region>/", views.region_results, name="region"),
    path("regions/<str:region>/launch/", views.regional_launch, name="regional_launch"),
]
