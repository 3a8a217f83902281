"""WSGI entry point of the anonymous intake, to serve on its own host name or onion address.

    arusha serve --intake --port 8001
    DJANGO_SETTINGS_MODULE=arusha.settings_intake waitress-serve arusha.intake_wsgi:application

Run no access log in front of it (or one that records no address and no user agent). The intake
fails closed: with any system check at Error level (unusable receipt peppers, for one) it does
not start at all, rather than take a report it could not protect.
"""

from __future__ import annotations

import os

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arusha.settings_intake")
application = get_wsgi_application()
_errors = [str(m) for m in checks.run_checks() if m.level >= checks.ERROR]
if _errors:
    raise ImproperlyConfigured("The intake will not start: " + "; ".join(_errors))
