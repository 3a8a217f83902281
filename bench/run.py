"""Arusha's web benchmark: throughput and latency of real pages against Django's smallest response.

It loads the demo data into a fresh temporary directory, serves it with `arusha serve` on a free
loopback port, signs in as the demo user "integrity" and puts three endpoints under concurrent
load: /healthz (the baseline), the /organisations/ page and the /api/organisations list. Each
figure is also given as a ratio to the baseline measured in the same run, because only the
ratios carry over between machines. Nothing is asserted about time.

Examples:
    .venv/bin/python bench/run.py
    .venv/bin/python bench/run.py --requests 500 --concurrency 4 --seconds 10
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from _load import LOOPBACK, BenchError, Result, expect_ok, log_in, run_load

DEMO_USER = "integrity"  # the demo user without a second factor
DEMO_PASSWORD = "arusha-demo-2026"  # noqa: S105 - the published password of the demo data
ENDPOINTS = [
    ("healthz (baseline)", "/healthz"),
    ("organisations page", "/organisations/"),
    ("organisations API", "/api/organisations"),
]
STARTUP_SECONDS = 60


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark Arusha's pages and API against Django's smallest response.",
        epilog="Example: .venv/bin/python bench/run.py --requests 500 --seconds 10",
    )
    parser.add_argument("--requests", type=int, default=2000, help="per endpoint (2000)")
    parser.add_argument("--concurrency", type=int, default=8, help="simultaneous clients (8)")
    parser.add_argument("--seconds", type=float, default=20, help="time limit per endpoint (20)")
    parser.add_argument("--warmup", type=int, default=50, help="warm-up requests per endpoint")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads (8)")
    args = parser.parse_args(argv)
    if min(args.requests, args.concurrency, args.threads) < 1 or args.seconds <= 0:
        parser.error("--requests, --concurrency, --threads and --seconds must be positive.")
    return args


def arusha_command(*args: str) -> list[str]:
    """The `arusha` script of this interpreter's environment, or the module if there is none."""
    script = Path(sys.executable).with_name("arusha")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "arusha.cli", *args]


def bench_environment(var_dir: Path) -> dict[str, str]:
    """The developer's environment, pointed at the temporary directory and a plain local setup."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        ARUSHA_VAR_DIR=str(var_dir),
        ARUSHA_ENV="development",
        ARUSHA_DEBUG="false",
        ARUSHA_ALLOWED_HOSTS=LOOPBACK,
        ARUSHA_SSL_REDIRECT="false",
        # The benchmark measures the endpoint, not the API's per-user rate limit.
        ARUSHA_API_RATE_USER="1000000/m",
    )
    return env


def load_demo(env: dict[str, str], var_dir: Path) -> None:
    done = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        arusha_command("demo", "--no-serve"),
        env=env,
        cwd=var_dir,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"`arusha demo --no-serve` failed:\n{done.stderr[-2000:]}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def start_server(env: dict[str, str], var_dir: Path, port: int, threads: int) -> subprocess.Popen:
    command = arusha_command("serve", "--host", LOOPBACK, "--port", str(port))
    with (var_dir / "server.log").open("wb") as log:  # the child keeps its own copy
        return subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
            [*command, "--threads", str(threads)],
            env=env,
            cwd=var_dir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def wait_until_healthy(server: subprocess.Popen, port: int, var_dir: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            expect_ok(port, "/healthz", {})
            return
        except (OSError, BenchError):
            time.sleep(0.2)
    log = (var_dir / "server.log").read_text(errors="replace")[-2000:]
    raise BenchError(f"The server did not answer /healthz within {STARTUP_SECONDS} s:\n{log}")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def measure(port: int, args: argparse.Namespace) -> list[Result]:
    cookies = log_in(port, DEMO_USER, DEMO_PASSWORD)
    results = []
    for name, path in ENDPOINTS:
        expect_ok(port, path, cookies)
        options = {"concurrency": args.concurrency, "seconds": args.seconds}
        run_load(name, port, path, cookies, requests=args.warmup, **options)
        result = run_load(name, port, path, cookies, requests=args.requests, **options)
        print(describe(result, results[0] if results else None), flush=True)
        results.append(result)
    return results


def describe(result: Result, baseline: Result | None) -> str:
    p50, p95 = result.percentile_ms(50), result.percentile_ms(95)
    line = (
        f"{result.name}: {result.per_second:.0f} req/s, p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
        f"{result.errors} errors ({result.ok} answered in {result.elapsed:.1f} s)"
    )
    if result.failures:
        line += " [" + ", ".join(f"{kind} ×{n}" for kind, n in result.failures.items()) + "]"
    if result.throttled:
        line += f"; stopped by the rate limit after {result.throttled} answers of 429"
    if baseline is None or not baseline.per_second:
        return line
    throughput = result.per_second / baseline.per_second
    latency = p95 / baseline.percentile_ms(95)
    ratios = f"{throughput:.2f}× the baseline's throughput, p95 {latency:.1f}× the baseline's"
    return f"{line}\n    {ratios}"


def print_machine(args: argparse.Namespace) -> None:
    cores = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    print(f"Machine: {cores} cores ({usable} usable by this process), {platform.platform()}")
    print(
        f"Python {platform.python_version()}; waitress with {args.threads} threads; "
        f"{args.concurrency} concurrent clients on the same machine; up to {args.requests} "
        f"requests or {args.seconds:g} s per endpoint after {args.warmup} warm-up requests."
    )
    print(
        "Note: figures on a shared machine (such as a 2-core CI runner) are only comparable "
        "within one run; compare the ratios to the baseline, not the absolute numbers.\n"
    )


def run(args: argparse.Namespace) -> list[Result]:
    var_dir = Path(tempfile.mkdtemp(prefix="arusha-bench-"))
    try:
        env = bench_environment(var_dir)
        print(f"Loading the demo data into {var_dir} ...", flush=True)
        load_demo(env, var_dir)
        port = free_port()
        server = start_server(env, var_dir, port, args.threads)
        try:
            wait_until_healthy(server, port, var_dir)
            print(f"Serving on http://{LOOPBACK}:{port}/\n", flush=True)
            return measure(port, args)
        finally:
            stop_server(server)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print_machine(args)
    try:
        results = run(args)
    except BenchError as error:
        print(f"Benchmark aborted: {error}", file=sys.stderr)
        return 2
    if any(result.errors for result in results):
        print("Some requests failed; the figures above understate the failing endpoints.")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
