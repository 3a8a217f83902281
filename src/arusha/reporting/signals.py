"""Receivers: the handler key follows the sign-in password (unlock, first creation, rewrap)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from arusha.core.account import password_changed, password_verified
from arusha.core.models import User
from arusha.reporting import keys


@receiver(password_verified)
def unlock_handler_key(
    sender: Any, request: HttpRequest, user: User, password: str, response: HttpResponse, **kw: Any
) -> None:
    # A new key's recovery key waits, sealed, until the handler's first reporting page.
    keys.on_password_checked(request, user, password, response)


@receiver(password_changed)
def rewrap_handler_key(
    sender: Any, user: User, old_password: str, new_password: str, **kw: Any
) -> None:
    keys.on_password_changed(user, old_password, new_password)
