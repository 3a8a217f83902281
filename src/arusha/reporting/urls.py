"""URL map of the reporting channel's staff side, mounted under /reports/."""

from __future__ import annotations

from django.urls import path

from arusha.reporting import handler_views as views

app_name = "reporting"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("key/", views.key_status, name="key"),
    path("key/recover/", views.key_recover, name="key_recover"),
    path("incidents/", views.incident_upload, name="incident_upload"),
    path(
        "incidents/template/<slug:channel>/<str:language>.xlsx",
        views.incident_template,
        name="incident_template",
    ),
    path("<uuid:code>/", views.report_detail, name="report_detail"),
    path("<uuid:code>/files/<uuid:file_code>/", views.attachment, name="attachment"),
]
