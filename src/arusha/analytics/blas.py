"""NumPy's matrix products on one thread, for the many small products of the indicators.

OpenBLAS (NumPy's linear algebra) splits any product above a small size across every core.
For the concentration moments, dozens of products of a few hundred thousand entries each, waking
the threads costs more than it saves, and on a machine busy with other work it costs tens of
times the product itself: 0.8 s instead of 0.03 s on 10 million declarations. The sums are the
same either way (the threads share out rows and columns, not the terms of a sum).

The thread count is set through OpenBLAS's own function, found in the loaded library (there is
no NumPy API for it); where that is not possible nothing changes.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

# Names of the setter and getter in NumPy's bundled OpenBLAS builds, newest first.
SYMBOLS = (
    ("scipy_openblas_set_num_threads64_", "scipy_openblas_get_num_threads64_"),
    ("scipy_openblas_set_num_threads", "scipy_openblas_get_num_threads"),
    ("openblas_set_num_threads64_", "openblas_get_num_threads64_"),
    ("openblas_set_num_threads", "openblas_get_num_threads"),
)


@contextmanager
def one_thread() -> Iterator[None]:
    """Run NumPy's matrix products on one thread inside the block."""
    functions = _openblas()
    if functions is None:
        yield
        return
    set_threads, get_threads = functions
    before = get_threads()
    set_threads(1)
    try:
        yield
    finally:
        set_threads(before)


@functools.cache
def _openblas() -> tuple[ctypes._NamedFuncPointer, ctypes._NamedFuncPointer] | None:
    np.ones(1) @ np.ones(1)  # make sure NumPy's linear algebra library is loaded
    for path in _loaded_libraries():
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for setter, getter in SYMBOLS:
            if hasattr(library, setter) and hasattr(library, getter):
                get_threads = getattr(library, getter)
                get_threads.restype = ctypes.c_int
                return getattr(library, setter), get_threads
    return None


def _loaded_libraries() -> list[str]:
    """Shared libraries of this process whose name mentions OpenBLAS (Linux; none elsewhere)."""
    maps = Path("/proc/self/maps")
    if not maps.exists():
        return []
    found = []
    for line in maps.read_text(encoding="utf-8", errors="replace").splitlines():
        path = line.split(maxsplit=5)[-1] if line.count(" ") >= 5 else ""
        if "openblas" in path.lower() and path not in found:
            found.append(path)
    return found
