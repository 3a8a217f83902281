"""What the security settings cost a reporter: a full submission and a return with the receipt,
end to end through Django (form, upload, sealing, database), with the production Argon2id
parameters against the cheapest valid ones in the same run. Prints figures; asserts nothing.

    .venv/bin/python bench/bench_submission.py              # 10 rounds each
    .venv/bin/python bench/bench_submission.py --rounds 20

Runs in a fresh temporary directory (database, media, peppers); your var/ is never touched.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH_PASSWORD = "bench-password-123"  # noqa: S105 - throwaway users in a temporary database


def setup_django(directory: Path) -> None:
    for name in [n for n in os.environ if n.startswith(("ARUSHA_", "DATABASE_URL"))]:
        del os.environ[name]
    os.environ["ARUSHA_VAR_DIR"] = str(directory)
    os.environ["DJANGO_SETTINGS_MODULE"] = "arusha.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def make_channel() -> None:
    from arusha.core.models import Membership, Organisation, User
    from arusha.reporting import keys
    from arusha.reporting.models import Channel, Office

    senae = Organisation.objects.create(
        name="SENAE", kind="customs", country="EC", wco_region="AMS"
    )
    Office.objects.create(organisation=senae, code="GYE", name="Guayaquil")
    Channel.objects.create(organisation=senae, slug="senae")
    for name in ("h1", "h2", "h3"):  # three handlers: three grants per report
        user = User.objects.create_user(name, password=BENCH_PASSWORD)
        Membership.objects.create(user=user, organisation=senae, role="case_handler")
        keys.create_key(user, BENCH_PASSWORD)


def photo() -> io.BytesIO:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), (30, 90, 160)).save(buffer, "JPEG", quality=85)
    buffer.seek(0)
    buffer.name = "photo.jpg"
    return buffer


def submission_data(with_photo: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "stage": "physical",
        "demand": "cash",
        "by_whom": "customs",
        "consent_statistics": "on",
        "description": "An officer asked for money to finish the inspection. " * 40,
    }
    if with_photo:
        data["attachments"] = photo()
    return data


def timed(rounds: int, run: Callable[[], object]) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def derivation_times(rounds: int) -> list[float]:
    """One bare derivation, to tell a loaded machine from a slow submission."""
    from arusha.reporting.crypto import PRODUCTION_KDF, new_pepper, new_receipt, receipt_lookup_id

    pepper, receipt = new_pepper(), new_receipt()
    return timed(rounds, lambda: receipt_lookup_id(receipt, pepper, PRODUCTION_KDF))


def measure(rounds: int) -> dict[str, dict[str, list[float]]]:
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    from arusha.reporting.crypto import PRODUCTION_KDF, KdfParams

    results: dict[str, dict[str, list[float]]] = {}
    receipts: list[str] = []

    from arusha.reporting import challenge

    def paid(purpose: str) -> dict[str, str]:
        # What the browser's proof of work posts; REPORTING_POW_BITS = 0 below makes it free.
        return {"challenge": challenge.issue(purpose).token, "solution": "0"}

    def submit(with_photo: bool) -> None:
        data = submission_data(with_photo) | paid(challenge.SUBMIT)
        response = Client().post("/report/senae/new/", data)
        assert response.status_code == 200, response.status_code
        page = response.content.decode()
        receipts.append(page.split('id="receipt"><code>')[1].split("</code>")[0])

    def come_back() -> None:
        cache.clear()  # used challenges, not what is measured
        data = {"receipt": receipts[-1]} | paid(challenge.RECEIPT)
        response = Client().post("/report/return/", data)
        assert response.status_code == 302, response.status_code

    settings.REPORTING_POW_BITS = 0  # the server's cost is measured, not the browser's
    results["calibration"] = {"one Argon2id derivation": derivation_times(rounds)}
    for label, params in (("production", PRODUCTION_KDF), ("cheapest", KdfParams(1, 8, 1))):
        settings.REPORTING_KDF = params
        submit(False)  # warm-up: templates, imports, first connection
        results[label] = {
            "submission, text only": timed(rounds, lambda: submit(False)),
            "submission with a 1600x1200 photo": timed(rounds, lambda: submit(True)),
            "return with the receipt": timed(rounds, come_back),
        }
    return results


def report(results: dict[str, dict[str, list[float]]]) -> None:
    derivation = statistics.median(results.pop("calibration")["one Argon2id derivation"]) * 1000
    print(f"one Argon2id derivation (PRODUCTION_KDF) in this run: {derivation:.0f} ms\n")
    print(f"{'':36} {'production':>12} {'cheapest':>12} {'ratio':>7}")
    for name in results["production"]:
        production = statistics.median(results["production"][name]) * 1000
        cheapest = statistics.median(results["cheapest"][name]) * 1000
        print(f"{name:36} {production:9.0f} ms {cheapest:9.0f} ms {production / cheapest:6.1f}x")
    print(
        "\nMedians of each run. 'production' is crypto.PRODUCTION_KDF (Argon2id t=3, m=64 MiB,"
        " p=1),\n'cheapest' the test-only KdfParams(1, 8, 1): the difference is what the"
        " security setting costs."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    with tempfile.TemporaryDirectory(prefix="arusha-bench-") as directory:
        setup_django(Path(directory))
        from django.conf import settings

        settings.MEDIA_ROOT = Path(directory) / "media"
        make_channel()
        report(measure(args.rounds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
