"""Settings of the stand-alone anonymous intake (``arusha.intake_wsgi``): the same database and
keys as the staff platform, but only the intake's URLs and a minimal middleware stack.

No session, no authentication, no admin, no login lockout (which would record addresses), no
messages; every cookie SameSite=Strict; the intake middleware scrubs every request.
"""

from __future__ import annotations

from arusha.settings import *  # noqa: F403 - this module is the staff settings, narrowed
from arusha.settings import TEMPLATES

ARUSHA_INTAKE_SURFACE = True
ROOT_URLCONF = "arusha.reporting.intake_root_urls"
WSGI_APPLICATION = "arusha.intake_wsgi.application"
MIDDLEWARE = [
    "arusha.reporting.middleware.IntakeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "arusha.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "arusha.core.middleware.NoNulCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
TEMPLATES = [
    {
        **TEMPLATES[0],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
            ]
        },
    }
]
AUTHENTICATION_BACKENDS = []
CSRF_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_SAMESITE = "Strict"
LANGUAGE_COOKIE_SAMESITE = "Strict"
LANGUAGE_COOKIE_HTTPONLY = True
