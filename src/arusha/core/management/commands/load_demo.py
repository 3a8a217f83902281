"""Load the demo data of every app that has some. Running it twice changes nothing."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from arusha.core.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Load (or refresh) the demo data. Example: arusha manage load_demo"

    def handle(self, *args: Any, **options: Any) -> None:
        lines: list[str] = []
        for config in apps.get_app_configs():
            if not config.name.startswith("arusha.") or find_spec(f"{config.name}.demo") is None:
                continue
            result = import_module(f"{config.name}.demo").load()
            lines.extend(result or [])
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Sign in with:"))
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(f"  password for every demo user: {DEMO_PASSWORD}")
