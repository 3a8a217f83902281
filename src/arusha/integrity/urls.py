"""URLs of the integrity analytics app, under /integrity/."""

from __future__ import annotations

from django.urls import path

from arusha.integrity import views

app_name = "integrity"

urlpatterns = [
    path("", views.run_list, name="list"),
    path("upload/", views.run_upload, name="upload"),
    path("layouts/", views.layout_list, name="layouts"),
    path("examples/<str:name>", views.example_file, name="example"),
    path("reviews/", views.review_list, name="reviews"),
    path("reviews.csv", views.review_export, name="reviews_export"),
    path("runs/<uuid:code>/", views.run_detail, name="run"),
    path("runs/<uuid:code>/progress/", views.run_progress, name="progress"),
    path("runs/<uuid:code>/delete/", views.run_delete, name="delete"),
    path("runs/<uuid:code>/indicators.csv", views.run_export, name="export"),
    path("runs/<uuid:code>/leads.csv", views.run_leads_export, name="leads_export"),
    path("runs/<uuid:code>/<str:kind>/<path:entity>/", views.entity_detail, name="entity"),
]
