"""The survey results page and its exports on the demo data, in-process through Django's test
client, against /healthz measured in the same run. Prints medians, ratios to the baseline and
the number of database queries of each request; asserts nothing.

    .venv/bin/python bench/bench_surveys.py              # 10 rounds each
    .venv/bin/python bench/bench_surveys.py --rounds 20

Runs in a fresh temporary directory (database, media); your var/ is never touched. The demo
data is loaded as `arusha demo` loads it (the load_demo command), and the demo user
"integrity" (SENAE's integrity officer) is signed in.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

DEMO_USER = "integrity"


def setup_django(directory: Path) -> None:
    for name in [n for n in os.environ if n.startswith(("ARUSHA_", "DATABASE_URL"))]:
        del os.environ[name]
    os.environ["ARUSHA_VAR_DIR"] = str(directory)
    os.environ["DJANGO_SETTINGS_MODULE"] = "arusha.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)


def endpoints() -> list[tuple[str, str]]:
    from arusha.surveys.models import Campaign

    campaign = Campaign.objects.filter(organisation__short_name="SENAE").order_by("opens_on").last()
    if campaign is None:
        raise SystemExit("The demo has no survey campaign.")
    base = f"/surveys/{campaign.code}"
    return [
        ("healthz (baseline)", "/healthz"),
        ("results page", f"{base}/results/"),
        ("results, one section", f"{base}/results/payments/"),
        ("results CSV", f"{base}/results.csv"),
        ("results XLSX", f"{base}/results.xlsx"),
        ("raw responses CSV", f"{base}/responses.csv"),
    ]


@contextmanager
def kept_connection() -> Iterator[None]:
    """Keep one connection open across requests, as Django's test runner does (and as a server
    with persistent connections would), so that its query log can be read."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def timed(rounds: int, run: Callable[[], object]) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each round. CPU time is what the request itself costs;
    on a busy machine the wall clock adds the time spent waiting for a core."""
    wall, cpu = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


Row = tuple[str, float, float, int, int]


def measure(rounds: int) -> list[Row]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from arusha.core.models import User

    client = Client()
    client.force_login(User.objects.get(username=DEMO_USER))
    rows = []
    for name, path in endpoints():

        def get(path: str = path) -> int:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return len(response.content)

        size = get()  # warm-up: imports, templates, first connection
        with CaptureQueriesContext(connection) as queries:
            get()
        count = len(queries)  # read now: the log is read lazily and other requests follow
        wall, cpu = timed(rounds, get)
        rows.append((name, statistics.median(wall), statistics.median(cpu), count, size))
    return rows


def report(rows: list[Row]) -> None:
    baseline = rows[0][1]
    print(f"{'':22} {'median':>10} {'x baseline':>11} {'CPU':>10} {'queries':>8} {'bytes':>9}")
    for name, wall, cpu, queries, size in rows:
        print(
            f"{name:22} {wall * 1000:7.1f} ms {wall / baseline:10.0f}x {cpu * 1000:7.1f} ms"
            f" {queries:8d} {size:9d}"
        )
    print(
        "\nMedians of each run, in-process (no network). The ratio to /healthz in the same run"
        " is what carries over between machines;\nCPU is the process time of the request,"
        " steadier than the wall clock when other work shares the cores.\nThe goal for the"
        " results page is < 300 ms."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    with tempfile.TemporaryDirectory(prefix="arusha-bench-") as directory:
        setup_django(Path(directory))
        with kept_connection():
            rows = measure(args.rounds)
        report(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
