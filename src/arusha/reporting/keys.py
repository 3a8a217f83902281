"""Handler keys in a web session: created at first sign-in, unlocked at every sign-in, rewrapped
when the password changes, recovered with the recovery key.

The unlocked private key is never stored in clear: the session holds it sealed under a random
key that lives only in an HttpOnly, SameSite=Strict cookie (``HANDLER_COOKIE``). A copy of the
session store opens nothing without the browser's cookie, and the cookie opens nothing without
the session.
"""

from __future__ import annotations

import base64
import binascii
import logging

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from nacl.public import PrivateKey

from arusha.core import audit
from arusha.core.models import Role, User
from arusha.reporting import crypto
from arusha.reporting.models import Channel, HandlerKey

logger = logging.getLogger(__name__)

HANDLER_COOKIE = "arusha_hk"
SESSION_SEALED_KEY = "arusha_handler_key"
SESSION_PENDING_RECOVERY = "arusha_recovery_pending"


class HandlerKeyLocked(Exception):
    """The handler's key is not unlocked in this browser session (or they have none)."""


class NoHandlerKey(HandlerKeyLocked):
    """The person has no key at all: no report can be sealed to them or opened by them."""


def kdf() -> crypto.KdfParams:
    """The Argon2id parameters in force: production's unless a setting lowers them (tests)."""
    params: crypto.KdfParams | None = getattr(settings, "REPORTING_KDF", None)
    return params or crypto.PRODUCTION_KDF


def needs_key(user: User) -> bool:
    """Case handlers and identity custodians hold a key; nobody else does."""
    return user.has_role(Role.CASE_HANDLER) or Channel.objects.filter(custodians=user).exists()


def create_key(user: User, password: str) -> tuple[HandlerKey, str, PrivateKey]:
    """A new key for the user; returns it with the recovery key (show it once) and the key."""
    new = crypto.create_handler_keys(password, kdf())
    handler_key = HandlerKey(user=user)
    handler_key.store(new.bundle)
    audit.record(user, "reporting.handler_key_created", user)
    return handler_key, new.recovery_key, crypto.recover_handler_key(new.bundle, new.recovery_key)


def unlock_key(handler_key: HandlerKey, password: str) -> PrivateKey:
    """Open the key with the password; move it to the current Argon2 cost if it has changed."""
    bundle = handler_key.key_bundle()
    private_key = crypto.unlock_handler_key(bundle, password)
    if crypto.bundle_needs_rewrap(bundle, kdf()):
        handler_key.store(crypto.rewrap_handler_key(bundle, password, password, kdf()))
    return private_key


def on_password_checked(
    request: HttpRequest, user: User, password: str, response: HttpResponse
) -> None:
    """At sign-in: create the key (first time) or unlock it, and keep it for the session."""
    if not needs_key(user):
        return
    handler_key = HandlerKey.objects.filter(user=user).first()
    if handler_key is None:
        _handler_key, recovery_key, private_key = create_key(user, password)
        remember(request, response, private_key, pending_recovery=recovery_key)
        return
    try:
        private_key = unlock_key(handler_key, password)
    except crypto.ReportingCryptoError:
        # The password changed outside Arusha (e.g. by an administrator): the recovery key helps.
        logger.warning("handler key of user %s did not open with the sign-in password", user.pk)
        return
    remember(request, response, private_key)


def remember(
    request: HttpRequest,
    response: HttpResponse,
    private_key: PrivateKey,
    *,
    pending_recovery: str | None = None,
) -> None:
    """Seal the key into the session and set the cookie that holds the sealing key."""
    session_key = crypto.new_session_key()
    store_sealed(request.session, session_key, private_key, pending_recovery)
    response.set_cookie(
        HANDLER_COOKIE,
        base64.urlsafe_b64encode(session_key).decode(),
        httponly=True,
        samesite="Strict",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def store_sealed(
    session: SessionBase,
    session_key: bytes,
    private_key: PrivateKey,
    pending_recovery: str | None = None,
) -> None:
    session[SESSION_SEALED_KEY] = _b64(crypto.seal_key_for_session(session_key, private_key))
    if pending_recovery is not None:
        sealed = crypto.seal_for_session(session_key, pending_recovery.encode())
        session[SESSION_PENDING_RECOVERY] = _b64(sealed)


def unlocked_key(request: HttpRequest) -> PrivateKey:
    """The signed-in handler's private key for this request; raises ``HandlerKeyLocked``."""
    if not HandlerKey.objects.filter(user=request.user.pk).exists():
        raise NoHandlerKey
    sealed = request.session.get(SESSION_SEALED_KEY)
    session_key = _cookie_key(request)
    if sealed is None or session_key is None:
        raise HandlerKeyLocked
    try:
        private_key = crypto.open_key_from_session(session_key, _unb64(sealed))
    except (crypto.DecryptionFailed, binascii.Error, ValueError):
        raise HandlerKeyLocked from None
    if private_key.public_key.encode() != bytes(request.user.handler_key.public_key):  # type: ignore[union-attr]
        raise HandlerKeyLocked
    return private_key


def pop_pending_recovery_key(request: HttpRequest) -> str | None:
    """The recovery key waiting to be shown, removed from the session: it is shown once."""
    sealed = request.session.pop(SESSION_PENDING_RECOVERY, None)
    session_key = _cookie_key(request)
    if sealed is None or session_key is None:
        return None
    try:
        return crypto.open_from_session(session_key, _unb64(sealed)).decode()
    except (crypto.DecryptionFailed, binascii.Error, ValueError):
        return None


def has_pending_recovery_key(request: HttpRequest) -> bool:
    return SESSION_PENDING_RECOVERY in request.session


def on_password_changed(user: User, old_password: str, new_password: str) -> bool:
    """Rewrap the key under the new password (same keypair, same recovery key)."""
    handler_key = HandlerKey.objects.filter(user=user).first()
    if handler_key is None:
        return True
    try:
        handler_key.store(
            crypto.rewrap_handler_key(handler_key.key_bundle(), old_password, new_password, kdf())
        )
    except crypto.ReportingCryptoError:
        logger.warning("handler key of user %s was not rewrapped", user.pk)
        return False
    audit.record(user, "reporting.handler_key_rewrapped", user)
    return True


def new_recovery_key(user: User, password: str) -> str:
    """Replace a lost recovery key (the old one stops working); raises ``KeyUnlockFailed``."""
    handler_key = HandlerKey.objects.get(user=user)
    new = crypto.rotate_recovery_key(handler_key.key_bundle(), password)
    handler_key.store(new.bundle)
    audit.record(user, "reporting.recovery_key_replaced", user)
    return new.recovery_key


@transaction.atomic
def recover_key(user: User, recovery_key: str, password: str) -> tuple[PrivateKey, str]:
    """Rewrap the key under the (current) password with the recovery key; a new recovery key
    replaces the spent one. Raises ``ReportingCryptoError`` subclasses on a wrong key."""
    handler_key = HandlerKey.objects.select_for_update().get(user=user)
    new = crypto.reset_password_with_recovery(
        handler_key.key_bundle(), recovery_key, password, kdf()
    )
    handler_key.store(new.bundle)
    audit.record(user, "reporting.handler_key_recovered", user)
    return crypto.recover_handler_key(new.bundle, new.recovery_key), new.recovery_key


def _cookie_key(request: HttpRequest) -> bytes | None:
    raw = request.COOKIES.get(HANDLER_COOKIE)
    if not raw:
        return None
    try:
        key = base64.urlsafe_b64decode(raw.encode())
    except (binascii.Error, ValueError):
        return None
    return key if len(key) == crypto.KEY_BYTES else None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode(), validate=True)
