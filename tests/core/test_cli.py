"""The `arusha` command and every management command explain themselves with an example."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from django.core.management import get_commands, load_command_class

from arusha.cli import build_parser


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
