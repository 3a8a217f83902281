"""Benchmark of the reporting channel's cryptography. Prints figures; asserts nothing on time.

    .venv/bin/python bench/bench_crypto.py            # 64 MB attachment, 3 rounds
    .venv/bin/python bench/bench_crypto.py --size-mb 16 --rounds 5

1. Attachment encryption: ``encrypt_stream`` against a bare libsodium secretstream loop over the
   same data in the same process (goal: within 1.5x), and the same for decryption.
2. Argon2id: what one submission costs with ``PRODUCTION_KDF`` (receipt lookup id + unlock key),
   what a handler login costs (one derivation), and a few alternative parameter sets.
"""

from __future__ import annotations

import argparse
import functools
import io
import os
import statistics
import threading
import time
from collections.abc import Callable

from nacl import bindings

from arusha.reporting.attachments import STREAM_CHUNK_SIZE, decrypt_stream, encrypt_stream
from arusha.reporting.crypto import (
    PRODUCTION_KDF,
    KdfParams,
    create_handler_keys,
    new_pepper,
    new_receipt,
    new_report_keys,
    receipt_lookup_id,
    receipt_unlock_key,
    seal_submission,
    unlock_handler_key,
)

MB = 1_000_000


def best_of(rounds: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def raw_push(data: bytes, chunk_size: int) -> tuple[bytes, bytes]:
    """The same work as encrypt_stream minus our header: the floor we compare against."""
    key = bindings.crypto_secretstream_xchacha20poly1305_keygen()
    state = bindings.crypto_secretstream_xchacha20poly1305_state()
    out = io.BytesIO()
    out.write(bindings.crypto_secretstream_xchacha20poly1305_init_push(state, key))
    push = bindings.crypto_secretstream_xchacha20poly1305_push
    for offset in range(0, len(data), chunk_size):
        tag = bindings.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
        if offset + chunk_size >= len(data):
            tag = bindings.crypto_secretstream_xchacha20poly1305_TAG_FINAL
        out.write(push(state, data[offset : offset + chunk_size], None, tag))
    return out.getvalue(), key


def raw_pull(ciphertext: bytes, key: bytes, chunk_size: int) -> None:
    state = bindings.crypto_secretstream_xchacha20poly1305_state()
    header = bindings.crypto_secretstream_xchacha20poly1305_HEADERBYTES
    bindings.crypto_secretstream_xchacha20poly1305_init_pull(state, ciphertext[:header], key)
    out, step = io.BytesIO(), chunk_size + bindings.crypto_secretstream_xchacha20poly1305_ABYTES
    pull = bindings.crypto_secretstream_xchacha20poly1305_pull
    for offset in range(header, len(ciphertext), step):
        out.write(pull(state, ciphertext[offset : offset + step], None)[0])


def bench_streams(size_mb: int, rounds: int) -> None:
    data = os.urandom(size_mb * MB)
    keys, chunk = new_report_keys(), STREAM_CHUNK_SIZE

    def ours_encrypt() -> bytes:
        out = io.BytesIO()
        encrypt_stream(keys.public_key, io.BytesIO(data), out, chunk)
        return out.getvalue()

    ours = best_of(rounds, ours_encrypt)
    raw = best_of(rounds, lambda: raw_push(data, chunk))
    print(f"Attachment encryption, {size_mb} MB in memory, {chunk // 1024} KiB chunks")
    print(f"  encrypt_stream          {size_mb * MB / ours / 1e6:8.0f} MB/s")
    print(f"  raw secretstream push   {size_mb * MB / raw / 1e6:8.0f} MB/s")
    print(f"  ratio (ours / raw time) {ours / raw:8.2f}x   goal <= 1.5x")

    ciphertext = ours_encrypt()
    raw_ct, raw_key = raw_push(data, chunk)
    ours_d = best_of(
        rounds, lambda: decrypt_stream(keys.private_key, io.BytesIO(ciphertext), io.BytesIO())
    )
    raw_d = best_of(rounds, lambda: raw_pull(raw_ct, raw_key, chunk))
    print(f"  decrypt_stream          {size_mb * MB / ours_d / 1e6:8.0f} MB/s")
    print(f"  raw secretstream pull   {size_mb * MB / raw_d / 1e6:8.0f} MB/s")
    print(f"  ratio (ours / raw time) {ours_d / raw_d:8.2f}x")
    overhead = len(ciphertext) - len(data)
    print(f"  size overhead           {overhead} bytes ({overhead / len(data):.4%})")


def median_ms(rounds: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def describe(params: KdfParams) -> str:
    return f"m={params.memory_kib // 1024} MiB, t={params.time_cost}, p={params.parallelism}"


def bench_kdf(rounds: int) -> None:
    lookup_pepper, unlock_pepper = new_pepper(), new_pepper()
    receipt = new_receipt()
    print(f"\nArgon2id with PRODUCTION_KDF ({describe(PRODUCTION_KDF)}), median of {rounds}")
    lookup = median_ms(rounds, lambda: receipt_lookup_id(receipt, lookup_pepper, PRODUCTION_KDF))
    unlock = median_ms(rounds, lambda: receipt_unlock_key(receipt, unlock_pepper, PRODUCTION_KDF))
    print(f"  receipt_lookup_id       {lookup:8.0f} ms")
    print(f"  receipt_unlock_key      {unlock:8.0f} ms")
    print(f"  a submission (both)     {lookup + unlock:8.0f} ms   (a reporter's return: the same)")

    handlers = {str(i): create_handler_keys(f"password {i}", PRODUCTION_KDF) for i in range(3)}
    bundle = handlers["0"].bundle
    login = median_ms(rounds, lambda: unlock_handler_key(bundle, "password 0"))
    print(f"  handler unlock (login)  {login:8.0f} ms")
    public = {name: h.bundle.public_key for name, h in handlers.items()}

    def submission() -> None:
        receipt_lookup_id(receipt, lookup_pepper, PRODUCTION_KDF)
        key = receipt_unlock_key(receipt, unlock_pepper, PRODUCTION_KDF)
        seal_submission(b"x" * 20_000, handler_keys=public, receipt_key=key)

    full = median_ms(rounds, submission)
    print(f"  full submission, 3 handlers, 20 kB answers: {full:.0f} ms")
    bench_concurrency(receipt, lookup_pepper, rounds)
    bench_alternatives(receipt, lookup_pepper, rounds)


def bench_concurrency(receipt: str, pepper: bytes, rounds: int) -> None:
    threads = os.cpu_count() or 1
    per_thread = max(2, rounds)

    def work() -> None:
        for _ in range(per_thread):
            receipt_lookup_id(receipt, pepper, PRODUCTION_KDF)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - start
    rate = threads * per_thread / elapsed
    print(f"  {threads} threads at once: {rate:.1f} derivations/s, {rate / 2:.1f} submissions/s")


def bench_alternatives(receipt: str, pepper: bytes, rounds: int) -> None:
    print("\nAlternatives, one derivation each (median)")
    options = {
        "OWASP minimum": KdfParams(time_cost=2, memory_kib=19 * 1024),
        "PRODUCTION_KDF": PRODUCTION_KDF,
        "same, 2 lanes": KdfParams(time_cost=3, memory_kib=64 * 1024, parallelism=2),
        "RFC 9106 option 2": KdfParams(time_cost=3, memory_kib=64 * 1024, parallelism=4),
        "libsodium MODERATE": KdfParams(time_cost=3, memory_kib=256 * 1024),
    }
    for label, params in options.items():
        ms = median_ms(rounds, functools.partial(receipt_lookup_id, receipt, pepper, params))
        print(f"  {label:20} {describe(params):26} {ms:8.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=int, default=64, help="attachment size (default 64)")
    parser.add_argument("--rounds", type=int, default=3, help="repetitions (default 3)")
    args = parser.parse_args()
    bench_streams(args.size_mb, args.rounds)
    bench_kdf(max(args.rounds, 5))


if __name__ == "__main__":
    main()
