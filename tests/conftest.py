"""Shared personas. Alice and Bob work at Ecuador's administration; Charlie at Peru's must never
see their data. Django imports stay inside fixtures so Django-free suites can run on their own."""

from __future__ import annotations

from typing import Any

import pytest

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: Any) -> None:
    # Argon2 is the production hasher (tested in test_settings); tests need speed, not strength.
    # Django-free suites may run with `-p no:django`, where there are no settings to change.
    if request.config.pluginmanager.hasplugin("django"):
        settings = request.getfixturevalue("settings")
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db: None) -> Any:
    from arusha.core.models import Membership, User

    def make(username: str, organisation: Any, role: str, **extra: Any) -> User:
        user = User.objects.create_user(username, f"{username}@example.org", PASSWORD, **extra)
        Membership.objects.create(user=user, organisation=organisation, role=role)
        return user

    return make


@pytest.fixture
def ecuador(db: None) -> Any:
    from arusha.core.models import Organisation

    return Organisation.objects.create(
        name="Servicio Nacional de Aduana del Ecuador",
        short_name="SENAE",
        kind="customs",
        country="EC",
        wco_region="AMS",
    )


@pytest.fixture
def peru(db: None) -> Any:
    from arusha.core.models import Organisation

    return Organisation.objects.create(
        name="SUNAT", short_name="SUNAT", kind="customs", country="PE", wco_region="AMS"
    )


@pytest.fixture
def association(db: None) -> Any:
    from arusha.core.models import Organisation

    return Organisation.objects.create(
        name="Cámara de Comercio Exterior",
        kind="private",
        private_kind="chamber",
        country="EC",
        wco_region="AMS",
    )


@pytest.fixture
def regional_office(db: None) -> Any:
    from arusha.core.models import Organisation

    return Organisation.objects.create(
        name="ROCB Americas",
        kind="international",
        international_kind="regional_office",
        wco_region="AMS",
    )


@pytest.fixture
def alice(make_user: Any, ecuador: Any) -> Any:
    return make_user("alice", ecuador, "integrity_officer")


@pytest.fixture
def bob(make_user: Any, ecuador: Any) -> Any:
    return make_user("bob", ecuador, "viewer")


@pytest.fixture
def charlie(make_user: Any, peru: Any) -> Any:
    return make_user("charlie", peru, "integrity_officer")


@pytest.fixture
def coordinator(make_user: Any, regional_office: Any) -> Any:
    return make_user("cora", regional_office, "regional_coordinator")


@pytest.fixture
def admin_user(make_user: Any, regional_office: Any) -> Any:
    from arusha.core.models import Organisation

    wco = Organisation.objects.create(
        name="WCO Secretariat", kind="international", international_kind="secretariat"
    )
    return make_user("ada", wco, "platform_admin")


def verified_client(client: Any, user: Any) -> Any:
    """A test client logged in as `user` who has also passed a TOTP second factor."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def _is_transactional(request: Any) -> bool:
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    return bool(
        {"transactional_db", "live_server"} & names or (marker and marker.kwargs.get("transaction"))
    )


@pytest.fixture(autouse=True)
def _default_language_after_each_test(request: Any) -> Any:
    """A request in another language leaves that language active in the thread; the next test
    would then read French where it expects English. Start every test from the default."""
    yield
    if request.config.pluginmanager.hasplugin("django"):
        from django.utils import translation

        translation.deactivate()


@pytest.fixture(autouse=True)
def _audit_guards_around_flush(request: Any) -> Any:
    """SQLite's append-only triggers would stop pytest-django from emptying the database after a
    transactional test; lift them for that flush only and put them back for the next test."""
    if not _is_transactional(request):
        yield
        return
    from django.db import connection

    from arusha.core import db_guards as guards

    request.getfixturevalue("transactional_db")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for statement in guards.SQLITE_REVERSE + guards.SQLITE:
                cursor.execute(statement)
    yield
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for statement in guards.SQLITE_REVERSE:
                cursor.execute(statement)
