"""Closed-loop HTTP load against a server on 127.0.0.1, with the standard library only.

Each simulated client is one thread holding one keep-alive connection, sending its next request
as soon as the previous answer is read, so the figures measure the server and not TCP set-up.
"""

from __future__ import annotations

import http.client
import math
import re
import threading
import time
from collections import Counter
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

LOOPBACK = "127.0.0.1"
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
CONNECTION_ERRORS = (OSError, http.client.HTTPException)


class BenchError(Exception):
    """The server did not behave as the benchmark needs, so there is nothing to measure."""


@dataclass(frozen=True)
class Response:
    status: int
    location: str
    body: bytes


class Client:
    """One keep-alive connection to the loopback server that keeps cookies like a browser."""

    def __init__(self, port: int, cookies: Mapping[str, str] | None = None) -> None:
        self.port = port
        self.cookies = dict(cookies or {})
        self._connection: http.client.HTTPConnection | None = None

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        connection = self._connect()
        all_headers = {**self._cookie_header(), **(headers or {})}
        try:
            connection.request(method, path, body=body, headers=all_headers)
            answer = connection.getresponse()
            payload = answer.read()
        except CONNECTION_ERRORS:
            self.close()  # the next request starts over on a fresh connection
            raise
        if answer.will_close:
            self.close()
        self._remember(answer.msg.get_all("Set-Cookie") or [])
        return Response(answer.status, answer.getheader("Location", ""), payload)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(LOOPBACK, self.port, timeout=30)
        return self._connection

    def _cookie_header(self) -> dict[str, str]:
        if not self.cookies:
            return {}
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}

    def _remember(self, set_cookie_headers: list[str]) -> None:
        for header in set_cookie_headers:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:  # Django deletes a cookie by sending it empty
                    self.cookies.pop(name, None)


def log_in(port: int, username: str, password: str) -> dict[str, str]:
    """Sign in through the login form as a browser would; return the session's cookies."""
    client = Client(port)
    try:
        form = client.request("GET", "/login/")
        match = CSRF_FIELD.search(form.body)
        if form.status != 200 or match is None or "csrftoken" not in client.cookies:
            raise BenchError(f"GET /login/ gave {form.status} without a CSRF token and cookie.")
        fields = {"csrfmiddlewaretoken": match[1].decode(), "username": username}
        body = urlencode({**fields, "password": password}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        reply = client.request("POST", "/login/", body, headers)
    finally:
        client.close()
    if reply.status != 302 or reply.location.startswith("/login/"):
        raise BenchError(f"Signing in as {username!r} failed: POST /login/ gave {reply.status}.")
    return client.cookies


def expect_ok(port: int, path: str, cookies: Mapping[str, str]) -> None:
    """Check once, before loading it, that a path answers 200 to this session."""
    client = Client(port, cookies)
    try:
        answer = client.request("GET", path)
    finally:
        client.close()
    if answer.status != 200:
        where = f" (to {answer.location})" if answer.location else ""
        raise BenchError(f"GET {path} gave {answer.status}{where}, not 200.")


@dataclass(frozen=True)
class Result:
    """What one endpoint did under load; latencies are of successful (200) answers only."""

    name: str
    path: str
    latencies: list[float]
    failures: Counter[str]
    throttled: int
    elapsed: float

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def errors(self) -> int:
        return sum(self.failures.values())

    @property
    def per_second(self) -> float:
        return self.ok / self.elapsed if self.elapsed > 0 else 0.0

    def percentile_ms(self, percent: float) -> float:
        """Nearest-rank percentile of the successful answers, in milliseconds."""
        if not self.latencies:
            return math.nan
        rank = max(1, math.ceil(percent / 100 * len(self.latencies)))
        return self.latencies[rank - 1] * 1000


class _Plan:
    """Hands out requests until the count, the time limit or a 429 answer ends the run."""

    def __init__(self, requests: int, seconds: float) -> None:
        self._lock = threading.Lock()
        self._left = requests
        self._deadline = time.perf_counter() + seconds
        self._throttled = False

    def take(self) -> bool:
        with self._lock:
            if self._left <= 0 or self._throttled or time.perf_counter() >= self._deadline:
                return False
            self._left -= 1
            return True

    def stop_throttled(self) -> None:
        with self._lock:
            self._throttled = True


@dataclass
class _Tally:
    latencies: list[float] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    throttled: int = 0


def _client_loop(port: int, path: str, cookies: Mapping[str, str], plan: _Plan) -> _Tally:
    client, tally = Client(port, cookies), _Tally()
    try:
        while plan.take():
            started = time.perf_counter()
            try:
                status = client.request("GET", path).status
            except CONNECTION_ERRORS as error:
                tally.failures[type(error).__name__] += 1
                continue
            if status == 200:
                tally.latencies.append(time.perf_counter() - started)
            elif status == 429:
                # Answers from the rate limiter measure the limiter, not the endpoint.
                tally.throttled += 1
                plan.stop_throttled()
            else:
                tally.failures[f"HTTP {status}"] += 1
    finally:
        client.close()
    return tally


def run_load(
    name: str,
    port: int,
    path: str,
    cookies: Mapping[str, str],
    *,
    requests: int,
    concurrency: int,
    seconds: float,
) -> Result:
    """GET one path from `concurrency` clients at once until `requests` or `seconds` run out."""
    plan = _Plan(requests, seconds)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="bench") as pool:
        futures = [pool.submit(_client_loop, port, path, cookies, plan) for _ in range(concurrency)]
        tallies = [future.result() for future in futures]
    elapsed = time.perf_counter() - started
    return Result(
        name=name,
        path=path,
        latencies=sorted(latency for tally in tallies for latency in tally.latencies),
        failures=sum((tally.failures for tally in tallies), Counter()),
        throttled=sum(tally.throttled for tally in tallies),
        elapsed=elapsed,
    )
