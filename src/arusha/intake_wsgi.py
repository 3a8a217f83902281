"""WSGI entry point of the anonymous intake, to serve on its own host name or onion address.

    DJANGO_SETTINGS_MODULE=arusha.settings_intake waitress-serve arusha.intake_wsgi:application

Run no access log in front of it (or one that records no address and no user agent).
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arusha.settings_intake")
application = get_wsgi_application()
