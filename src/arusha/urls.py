"""URL map of the staff platform."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from arusha.api import api
from arusha.core import account, views

admin.site.__class__ = OTPAdminSite
admin.site.site_header = "Arusha"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("login/", account.LoginView.as_view(), name="login"),
    path("logout/", account.logout, name="logout"),
    path("account/", account.account, name="account"),
    path("account/confirm/", account.reauth, name="reauth"),
    path("account/password/", account.PasswordChangeView.as_view(), name="password_change"),
    path("account/2fa/setup/", account.two_factor_setup, name="two_factor_setup"),
    path("account/2fa/verify/", account.two_factor_verify, name="two_factor_verify"),
    path("account/2fa/disable/", account.two_factor_disable, name="two_factor_disable"),
    path("account/2fa/backup-codes/", account.backup_codes, name="backup_codes"),
    path("account/tokens/", account.token_create, name="token_create"),
    path("account/tokens/<uuid:code>/revoke/", account.token_revoke, name="token_revoke"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<uuid:code>/", views.organisation_detail, name="organisation_detail"),
    path("regions/<str:region>/", views.region_overview, name="region_overview"),
    path("audit/", views.audit_log, name="audit_log"),
    path("partnerships/", include("arusha.partnerships.urls")),
    path("public/agreements/", include("arusha.partnerships.public_urls")),
    path("assessments/", include("arusha.assessments.urls")),
    path("reports/", include("arusha.reporting.urls")),
    path("cases/", include("arusha.cases.urls")),
    path("integrity/", include("arusha.integrity.urls")),
    # The anonymous intake, also served alone on its own host by arusha.intake_wsgi.
    path("report/", include("arusha.reporting.intake_urls")),
    path("surveys/", include("arusha.surveys.urls")),
    # Survey respondents: no sign-in, scrubbed like the intake (surveys.middleware).
    path("survey/", include("arusha.surveys.respond_urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
