"""System checks: the receipt peppers must be usable, and an open channel needs a handler key."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.db import DatabaseError

from arusha.reporting import crypto


@register()
def check_receipt_peppers(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    names = ("ARUSHA_RECEIPT_LOOKUP_PEPPER", "ARUSHA_RECEIPT_UNLOCK_PEPPER")
    try:
        lookup, unlock = (crypto.pepper_from_text(getattr(settings, name)) for name in names)
        crypto.check_peppers(lookup, unlock)
    except AttributeError:
        return [Error("The receipt peppers are not set.", hint=_HINT, id="arusha.reporting.E001")]
    except crypto.InvalidPepper as error:
        message = f"The receipt peppers are unusable: {error}."
        return [Error(message, hint=_HINT, id="arusha.reporting.E001")]
    return []


_HINT = (
    "Set ARUSHA_RECEIPT_LOOKUP_PEPPER and ARUSHA_RECEIPT_UNLOCK_PEPPER to two different values "
    'from: python -c "from arusha.reporting import crypto; '
    'print(crypto.pepper_to_text(crypto.new_pepper()))"'
)


@register()
def check_channels_have_handler_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from arusha.reporting.models import Channel

    try:
        channels = list(Channel.objects.filter(is_open=True).select_related("organisation"))
        closed = [c for c in channels if not c.handler_keys().exists()]
    except DatabaseError:  # tables not created yet: nothing to check
        return []
    return [
        Warning(
            f"The reporting channel '{channel.slug}' is open but no case handler of "
            f"{channel.organisation.label} has a key, so its intake refuses every report (503).",
            hint="A case handler of that administration gets a key by signing in once.",
            obj=channel,
            id="arusha.reporting.W001",
        )
        for channel in closed
    ]
