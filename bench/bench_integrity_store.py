"""How long storing an analysis's results keeps the rest of the platform from writing, on the
embedded SQLite database, where a transaction holds the whole database's write lock.

An analysis of generated declarations is stored twice in a fresh temporary database: once in a
single transaction (how runs were stored before) and once as `storing.store_result` does it, in
transactions of `STORE_CHUNK` rows. Meanwhile another thread, as another user of the platform
would, writes one small row every 50 ms and times each write; the longest wait is what a reporter
or a survey respondent would have sat through (beyond the database timeout of 20 s, their
request fails). Prints figures and the ratio of the two longest waits; asserts nothing.

    .venv/bin/python bench/bench_integrity_store.py                    # 1 million rows
    .venv/bin/python bench/bench_integrity_store.py --rows 5000000

Runs in a fresh temporary directory; your var/ is never touched.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_submission import setup_django


class Writer(threading.Thread):
    """Writes one small row every 50 ms on its own connection, timing each write."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.waits: list[float] = []
        self.failed = 0
        self.stop = threading.Event()

    def run(self) -> None:
        from django.db import OperationalError, connection

        from arusha.core.models import Organisation

        while not self.stop.is_set():
            start = time.perf_counter()
            try:
                Organisation.objects.filter(short_name="W").update(name=str(start))
            except OperationalError:  # "database is locked" after the timeout
                self.failed += 1
            self.waits.append(time.perf_counter() - start)
            time.sleep(0.05)
        connection.close()


def store(result: Any, organisation: Any, *, one_transaction: bool) -> dict[str, float]:
    from django.db import transaction

    from arusha.integrity.models import AnalysisRun
    from arusha.integrity.storing import store_result

    writer = Writer()
    writer.start()
    time.sleep(0.2)
    run = AnalysisRun(organisation=organisation, source_name="bench.csv")
    start = time.perf_counter()
    if one_transaction:
        with transaction.atomic():
            store_result(run, result)
    else:
        store_result(run, result)
    seconds = time.perf_counter() - start
    time.sleep(0.2)
    writer.stop.set()
    writer.join()
    return {
        "seconds": seconds,
        "longest_wait": max(writer.waits),
        "median_wait": statistics.median(writer.waits),
        "writes": len(writer.waits),
        "failed": writer.failed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="declaration lines")
    parser.add_argument("--chunk", type=int, help="rows per transaction (default: the app's)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="arusha-bench-store-") as tmp:
        setup_django(Path(tmp))
        from arusha.analytics import GeneratorConfig, run_integrity, write_dataset
        from arusha.core.models import Organisation
        from arusha.integrity import storing

        if args.chunk:
            storing.STORE_CHUNK = args.chunk
        STORE_CHUNK = storing.STORE_CHUNK

        data = Path(tmp) / "declarations.parquet"
        write_dataset(GeneratorConfig(rows=args.rows, seed=1), data)
        result = run_integrity(data)
        rows = len(result.entities) + len(result.indicators) + len(result.pair_cells)
        organisation = Organisation.objects.create(
            name="Bench", short_name="B", kind="customs", country="EC", wco_region="AMS"
        )
        Organisation.objects.create(
            name="W", short_name="W", kind="customs", country="PE", wco_region="AMS"
        )
        print(f"{args.rows:,} declaration lines: {rows:,} result rows to store (SQLite)")
        before = store(result, organisation, one_transaction=True)
        after = store(result, organisation, one_transaction=False)
        for name, figures in (
            ("in one transaction", before),
            (f"chunks of {STORE_CHUNK:,} rows", after),
        ):
            print(
                f"  {name:26} stored in {figures['seconds']:5.1f} s; another user's write "
                f"waited at most {figures['longest_wait']:6.3f} s, "
                f"half the time under {figures['median_wait']:5.3f} s "
                f"({figures['writes']:.0f} writes, {figures['failed']:.0f} failed)"
            )
        ratio = before["longest_wait"] / max(after["longest_wait"], 1e-6)
        print(f"  longest wait of another write: {ratio:,.0f}x shorter in chunks")


if __name__ == "__main__":
    main()
