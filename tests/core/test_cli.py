"""The `arusha` command and every management command explain themselves with an example."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from django.core.management import get_commands, load_command_class

from arusha.cli import build_parser, waitress_options


def test_the_cli_help_names_every_command_with_an_example() -> None:
    text = build_parser().format_help()
    for command in ["demo", "serve", "manage", "analytics"]:
        assert command in text
    assert text.count("example:") >= 4


@pytest.mark.parametrize(
    "name", sorted(n for n, app in get_commands().items() if app == "arusha.core")
)
def test_each_arusha_management_command_has_a_runnable_example(name: str) -> None:
    command = load_command_class("arusha.core", name)
    assert "Example: arusha manage " + name in command.help


def test_manage_passes_through_to_django(tmp_path: Any) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "arusha.cli", "manage", "help", "verify_audit"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"ARUSHA_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert "Verify that no audit entry" in result.stdout


def _through_waitress(options: dict[str, Any], headers: dict[str, str]) -> tuple[int, str]:
    """One real HTTP request to /healthz through waitress, configured as `arusha serve` does."""
    import http.client
    import threading

    from django.core.wsgi import get_wsgi_application
    from waitress import create_server

    options = options | {"host": "127.0.0.1", "port": 0}
    server = create_server(get_wsgi_application(), **options)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    # A generous timeout: on a loaded machine (CI runs other suites alongside) the first request
    # through Django can take seconds.
    connection = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=60)
    try:
        connection.request("GET", "/healthz", headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("Location") or ""
    finally:
        connection.close()
        # The server is closed from its own loop: closed from this thread, its sockets would
        # vanish under the loop's `select` ("Bad file descriptor" in the server's thread).
        server.trigger.pull_trigger(server.close)
        thread.join(timeout=30)
        assert not thread.is_alive(), "waitress did not stop"


@pytest.fixture
def behind_proxy(settings: Any) -> Any:
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY = "127.0.0.1"
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return settings


def test_serve_behind_a_proxy_trusts_its_forwarded_scheme_and_nothing_else(behind_proxy):
    options = waitress_options("127.0.0.1", 8000, 4)
    assert options["trusted_proxy"] == "127.0.0.1"
    # Never X-Forwarded-For: a reporter's address must not reach the application.
    assert options["trusted_proxy_headers"] == {"x-forwarded-proto"}
    assert options["clear_untrusted_proxy_headers"] is True


def test_a_request_forwarded_as_https_is_answered_not_redirected_again(behind_proxy):
    options = waitress_options("127.0.0.1", 0, 2)
    status, _location = _through_waitress(options, {"X-Forwarded-Proto": "https"})
    assert status == 200
    status, location = _through_waitress(options, {})
    assert status == 301
    assert location.startswith("https://")


def test_without_the_proxy_option_waitress_drops_the_scheme_and_redirects(behind_proxy):
    # What happened before: the redirect loop this option ends.
    behind_proxy.BEHIND_PROXY = False
    options = waitress_options("127.0.0.1", 0, 2)
    assert "trusted_proxy" not in options
    status, _location = _through_waitress(options, {"X-Forwarded-Proto": "https"})
    assert status == 301


def test_serve_refuses_to_start_with_unusable_receipt_peppers(tmp_path: Any) -> None:
    same = "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="
    env = {
        "ARUSHA_VAR_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "ARUSHA_RECEIPT_LOOKUP_PEPPER": same,
        "ARUSHA_RECEIPT_UNLOCK_PEPPER": same,
    }
    for args in (["serve", "--port", "0"], ["serve", "--intake", "--port", "0"]):
        result = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "arusha.cli", *args],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
        assert result.returncode != 0
        assert "must be different" in result.stderr
        assert "is serving" not in result.stdout


def test_serve_refuses_to_start_when_a_system_check_fails(monkeypatch, capsys):
    from django.core import checks

    from arusha import cli

    error = checks.Error("The receipt peppers are not set.", id="arusha.reporting.E001")
    monkeypatch.setattr(checks, "run_checks", lambda: [error])
    monkeypatch.setattr("waitress.serve", lambda *a, **k: pytest.fail("must not serve"))
    assert cli.serve("127.0.0.1", 0, 1) == 2
    assert "The receipt peppers are not set." in capsys.readouterr().err


def test_waitress_takes_a_declarations_file_as_large_as_the_upload_limit(settings: Any) -> None:
    settings.INTEGRITY_UPLOAD_MAX_MB = 2000  # beyond waitress's own default of 1 GiB
    options = waitress_options("127.0.0.1", 8000, 4)
    assert options["max_request_body_size"] > 2000 * 1024 * 1024
