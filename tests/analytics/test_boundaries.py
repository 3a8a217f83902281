"""The analytics library stands alone: it imports neither Django nor the rest of Arusha."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import arusha.analytics

PACKAGE = Path(arusha.analytics.__file__).parent


def test_importing_the_library_loads_no_django() -> None:
    code = (
        "import sys, arusha.analytics, arusha.analytics.cli; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'ninja')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)  # noqa: S603
    assert done.returncode == 0, done.stdout + done.stderr
    assert "django" not in done.stdout


def test_no_module_imports_another_arusha_package() -> None:
    outside = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            outside += [
                f"{path.name}: {n}"
                for n in names
                if n.split(".")[0] in ("arusha", "django", "ninja")
                and not n.startswith("arusha.analytics")
            ]
    assert outside == []
