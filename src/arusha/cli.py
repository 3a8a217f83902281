"""The `arusha` command: a thin front over Django's management commands and the libraries.

Examples:
    arusha demo                      # migrate, load the demo data, serve on 127.0.0.1:8000
    arusha serve --port 8080         # serve the platform with a production WSGI server
    arusha serve --intake            # serve the anonymous intake alone, for its own host name
    arusha manage verify_audit       # any Django management command
    arusha analytics --help          # integrity risk analytics on declaration data
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

INTAKE_SETTINGS = "arusha.settings_intake"


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arusha.settings")
    import django

    django.setup()


def waitress_options(host: str, port: int, threads: int) -> dict[str, Any]:
    """What `arusha serve` passes to waitress, from the settings.

    Behind a TLS proxy, waitress must be told to trust the proxy's X-Forwarded-Proto, or it
    removes the header, every request looks like plain HTTP and SECURE_SSL_REDIRECT loops.
    Only the scheme is trusted: the client address (X-Forwarded-For) is never taken over.
    """
    from django.conf import settings

    options: dict[str, Any] = {"host": host, "port": port, "threads": threads, "ident": "arusha"}
    # The largest request is a declarations file for risk analytics, with its form around it.
    options["max_request_body_size"] = (settings.INTEGRITY_UPLOAD_MAX_MB + 1) * 1024 * 1024
    if settings.BEHIND_PROXY:
        options |= {
            "trusted_proxy": settings.TRUSTED_PROXY,
            "trusted_proxy_count": 1,
            "trusted_proxy_headers": {"x-forwarded-proto"},
            "clear_untrusted_proxy_headers": True,
        }
    return options


def _start_up_errors() -> list[str]:
    """Errors of the system checks (bad receipt peppers among them): refuse to serve with any."""
    from django.core import checks

    return [str(m) for m in checks.run_checks() if m.level >= checks.ERROR]


def _resume_analyses() -> None:
    """Analyses a stop interrupted, and files left waiting, start again (integrity/background)."""
    from django.db import DatabaseError

    from arusha.integrity import background

    try:
        again = background.recover()
    except DatabaseError as exc:  # no tables yet: `arusha manage migrate` has not run
        print(f"Waiting analyses not resumed: {type(exc).__name__}", file=sys.stderr)
        return
    if again:
        print(f"{again} interrupted analysis(es) queued again", flush=True)


def serve(host: str, port: int, threads: int, intake: bool = False) -> int:
    """Serve the platform (or the intake alone) with waitress, which runs wherever Python does."""
    if intake:
        os.environ["DJANGO_SETTINGS_MODULE"] = INTAKE_SETTINGS
    _django_setup()
    if errors := _start_up_errors():
        print("Arusha will not start:", *errors, sep="\n", file=sys.stderr)
        return 2
    from django.core.wsgi import get_wsgi_application
    from waitress import serve as waitress_serve

    what = "the anonymous intake" if intake else "Arusha"
    if not intake:
        _resume_analyses()
    print(f"{what} is serving on http://{host}:{port}/  (Ctrl+C stops it)", flush=True)
    waitress_serve(get_wsgi_application(), **waitress_options(host, port, threads))
    return 0


def demo(host: str, port: int, threads: int, serve_after: bool) -> int:
    _django_setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo")
    if not serve_after:
        return 0
    return serve(host, port, threads)


def manage(args: Sequence[str]) -> int:
    _django_setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["arusha manage", *args])
    return 0


def analytics(args: Sequence[str]) -> int:
    try:
        from arusha.analytics.cli import main as analytics_main
    except ImportError as error:  # the analytics extra is part of the base install
        print(f"arusha analytics is not available: {error}", file=sys.stderr)
        return 2
    return analytics_main(list(args))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="arusha",
        description="Arusha, the integrity platform for Customs and its private-sector partners.",
        epilog="Example: arusha demo --port 8000",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in [
        ("demo", "migrate, load the demo data and serve (example: arusha demo)"),
        ("serve", "serve the platform (example: arusha serve --host 0.0.0.0 --port 8000)"),
    ]:
        sub = commands.add_parser(name, help=text, description=text)
        sub.add_argument("--host", default="127.0.0.1")
        sub.add_argument("--port", type=int, default=8000)
        sub.add_argument("--threads", type=int, default=8)
        if name == "demo":
            sub.add_argument("--no-serve", action="store_true", help="load the demo data and stop")
        else:
            sub.add_argument(
                "--intake",
                action="store_true",
                help="serve only the anonymous intake, for its own host name or onion address",
            )
    commands.add_parser(
        "manage",
        help="run a Django management command (example: arusha manage verify_audit)",
        add_help=False,
    )
    commands.add_parser(
        "analytics",
        help="integrity risk analytics (example: arusha analytics --help)",
        add_help=False,
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "manage":
        return manage(args[1:])
    if args and args[0] == "analytics":
        return analytics(args[1:])
    parsed = build_parser().parse_args(args)
    if parsed.command == "serve":
        return serve(parsed.host, parsed.port, parsed.threads, intake=parsed.intake)
    return demo(parsed.host, parsed.port, parsed.threads, serve_after=not parsed.no_serve)


if __name__ == "__main__":
    raise SystemExit(main())
