"""Settings come from the environment; production is strict and passes Django's deploy check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings

from arusha.reporting.crypto import new_pepper, pepper_to_text

SECRET = "k3y-" + "production-secret-for-the-deploy-check-0123456789abcdef"


def _run(env: dict[str, str], *args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for this process; a deployment never would.
    prefixes = ("ARUSHA_", "DATABASE_URL", "DJANGO_")
    base = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    base |= {"ARUSHA_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "arusha.settings"} | env
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "django", *args],
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_passes_the_deploy_check_without_warnings(tmp_path: Path) -> None:
    env = {
        "ARUSHA_RECEIPT_LOOKUP_PEPPER": pepper_to_text(new_pepper()),
        "ARUSHA_RECEIPT_UNLOCK_PEPPER": pepper_to_text(new_pepper()),
        "ARUSHA_ENV": "production",
        "ARUSHA_SECRET_KEY": SECRET,
        "ARUSHA_ALLOWED_HOSTS": "arusha.example.org",
    }
    result = _run(env, "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = _run(
        {"ARUSHA_ENV": "production", "ARUSHA_ALLOWED_HOSTS": "x.org"}, "check", tmp_path=tmp_path
    )
    assert result.returncode != 0
    assert "ARUSHA_SECRET_KEY" in result.stderr


def test_a_bad_boolean_fails_loudly(tmp_path: Path) -> None:
    result = _run({"ARUSHA_DEBUG": "maybe"}, "check", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "ARUSHA_DEBUG='maybe' is not a boolean" in result.stderr


def test_a_short_secret_key_is_refused(tmp_path: Path) -> None:
    result = _run({"ARUSHA_SECRET_KEY": "short"}, "check", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "at least 50" in result.stderr


def test_the_development_key_is_generated_once(tmp_path: Path) -> None:
    _run({}, "check", tmp_path=tmp_path)
    first = (tmp_path / "secret_key").read_text()
    _run({}, "check", tmp_path=tmp_path)
    assert (tmp_path / "secret_key").read_text() == first
    assert len(first) >= 50


def test_passwords_are_hashed_with_argon2() -> None:
    # The test suite swaps in a fast hasher; the configured module value is Argon2.
    from arusha import settings as configured

    assert configured.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_pages_carry_a_strict_content_security_policy(client: Any) -> None:
    response = client.get("/login/")
    policy = response.headers["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'self'" in script_src
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_load_no_external_resource(client: Any, alice: Any) -> None:
    client.force_login(alice)
    for url in ["/", "/organisations/", "/account/", "/login/"]:
        page = client.get(url, follow=True).text
        assert "http://" not in page.replace("http://testserver", "")
        assert "https://" not in page
        assert "<script>" not in page  # no inline script


def test_time_is_kept_in_utc() -> None:
    assert settings.USE_TZ
    assert settings.TIME_ZONE == "UTC"


def test_unusable_receipt_peppers_stop_every_start(tmp_path: Path) -> None:
    env = {"ARUSHA_RECEIPT_LOOKUP_PEPPER": "not base64!", "ARUSHA_RECEIPT_UNLOCK_PEPPER": "x"}
    result = _run(env, "check", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "ARUSHA_RECEIPT_LOOKUP_PEPPER" in result.stderr
    assert "not valid URL-safe base64" in result.stderr


def test_every_response_of_both_sites_carries_a_permissions_policy(client: Any, db: Any) -> None:
    for url in ["/login/", "/healthz", "/report/", "/no-such-page/"]:
        policy = client.get(url).headers["Permissions-Policy"]
        for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
            assert f"{feature}=()" in policy, (url, feature)
        assert "interest-cohort=()" in policy


def test_the_stand_alone_intake_carries_the_permissions_policy_too() -> None:
    from arusha import settings_intake

    assert "arusha.core.middleware.PermissionsPolicyMiddleware" in settings_intake.MIDDLEWARE
