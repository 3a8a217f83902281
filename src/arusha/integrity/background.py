"""Large files analysed in the background, so that an upload of a year's declarations does not
hold the request (and the browser) for minutes.

A file above `INTEGRITY_INLINE_MAX_MB` is written to the queue directory (`var/integrity-queue`)
and its run saved as *waiting*; one thread of the server then analyses the waiting runs one at a
time, oldest first, recording each step of the library's progress on the run (the run's page
shows it and reloads itself when the run is done). The queued file is deleted once its analysis
ends, whatever the outcome.

A server stopped in the middle leaves its run *being analysed*. The run names the process that
claimed it (host and process number), and while the analysis goes on a second thread renews the
run's time every `HEARTBEAT` seconds. A run is taken back (its half-stored results deleted, put
back in the queue if its file is still there, failed if not) when it is *abandoned*: its time
is older than `STALE_AFTER`, or, when `arusha serve` starts (`recover`), the process that
claimed it ran on this host and is gone (or had this process's number: in a container every
start has the same one). A run that another live server process is analysing is left alone:
until 2026-12-07 every start-up took back every run being analysed, so a second server process
starting (or restarting) while the first analysed deleted the first one's results and analysed
the file again alongside it. A run abandoned by a process that stopped within the last minutes,
on another host, is taken back by `revive` once its time is old, when its page, the run list or
the API asks how it is going. A process whose run was taken back while it still worked (its
heartbeat could not reach the database) finds out at its next step or chunk of results: every
chunk is written, and the run marked done or failed, only after checking in the same
transaction that the run is still its own; it then stops, writing nothing more and leaving the
file to the other.

One analysis at a time: each uses every core and up to `INTEGRITY_MEMORY_LIMIT` of memory. A run
is claimed, and taken back, with a conditional update, so two server processes never analyse
the same run.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from arusha.analytics import AnalyticsError
from arusha.analytics.csvformat import CsvFormat
from arusha.core import audit
from arusha.core.models import Organisation, User
from arusha.integrity.models import AnalysisRun
from arusha.integrity.storing import (
    TakenBack,
    analyse_into,
    delete_results,
    held,
    save_upload,
)

logger = logging.getLogger(__name__)
Status = AnalysisRun.Status

_lock = threading.Lock()
_worker: threading.Thread | None = None
HEARTBEAT = 30.0  # seconds between renewals of a run's time while it is analysed
STALE_AFTER = timedelta(minutes=3)  # a run not renewed for this long was abandoned


def worker_id() -> str:
    """This server process, as a run records who analyses it: host and process number."""
    return f"{socket.gethostname()}:{os.getpid()}"


def queue_dir() -> Path:
    path = Path(settings.VAR_DIR) / "integrity-queue"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def queue_upload(
    upload: Any,
    *,
    suffix: str,
    organisation: Organisation,
    user: User | None,
    source_name: str,
    mapping: str,
    csv_format: CsvFormat,
    mapping_text: str = "",
    layout_name: str = "",
) -> AnalysisRun:
    """Write the uploaded file to the queue and save its run as waiting; the analysis starts
    once the request's transaction is committed."""
    target = queue_dir() / f"{uuid.uuid4().hex}{suffix}"
    try:
        save_upload(upload, target)
        run = AnalysisRun.objects.create(
            organisation=organisation,
            uploaded_by=user,
            source_name=source_name,
            mapping=mapping,
            mapping_text=mapping_text,
            layout_name=layout_name,
            status=Status.QUEUED,
            pending_file=str(target),
            csv_settings=asdict(csv_format),
        )
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    transaction.on_commit(start)
    return run


def start() -> None:
    """Analyse what waits, in a thread of this process (started unless one runs already)."""
    global _worker
    with _lock:
        if _worker is not None:
            return  # it claims the next waiting run before it stops
        _worker = threading.Thread(target=_thread, name="arusha-integrity-analysis", daemon=True)
        _worker.start()


def _thread() -> None:
    global _worker
    try:
        # A run may take minutes: a connection kept since the last one may have been dropped.
        work(on_empty=_stop, before_each=close_old_connections)
    except Exception:  # a thread's exception would only reach stderr
        logger.exception("The background analysis stopped")
        with _lock:
            _worker = None
    finally:
        connection.close()


def _stop() -> bool:
    """Called with the queue found empty: the thread ends, under the lock that `start` takes, so
    a run queued now starts a new thread instead of waiting for this one."""
    global _worker
    _worker = None
    return True


def work(on_empty: Any = None, before_each: Any = None) -> int:
    """Analyse waiting runs, oldest first, until none is left; the number analysed."""
    done = 0
    while True:
        if before_each is not None:
            before_each()
        sweep()
        with _lock:
            run = claim_next()
            if run is None:
                if on_empty is not None:
                    on_empty()
                return done
        analyse(run)
        done += 1


def claim_next() -> AnalysisRun | None:
    """The oldest waiting run, now marked as being analysed by this caller."""
    waiting = AnalysisRun.objects.filter(status=Status.QUEUED).order_by("created_at", "pk")
    for pk in waiting.values_list("pk", flat=True)[:10]:
        claimed = AnalysisRun.objects.filter(pk=pk, status=Status.QUEUED).update(
            status=Status.RUNNING,
            step=0,
            steps=0,
            step_label="",
            worker=worker_id(),
            updated_at=timezone.now(),
        )
        if claimed:
            return AnalysisRun.objects.select_related("organisation").get(pk=pk)
    return None


def analyse(run: AnalysisRun) -> AnalysisRun:
    """Analyse a claimed run's file; the run ends done, failed validation, or failed (with the
    error's kind, row, column and value, which the pages word in the reader's language)."""
    path = Path(run.pending_file)

    def progress(label: str, done: int, total: int) -> None:
        # On the row for the pages to read now, and on the object that is saved at the end.
        run.step, run.steps, run.step_label = done, total, label[:200]
        if not held(run.pk, run.worker).update(
            step=done, steps=total, step_label=run.step_label, updated_at=timezone.now()
        ):
            raise TakenBack

    heartbeat = Heartbeat(run.pk, run.worker)
    heartbeat.start()
    try:
        csv_format = CsvFormat(**run.csv_settings)
        run = analyse_into(run, path, csv_format, progress)
    except TakenBack:
        logger.warning("Run %s was taken back by another server process", run.code)
    except AnalyticsError as exc:
        _failed(run, {k: getattr(exc, k, None) for k in ("kind", "row", "column", "value")})
    except Exception:  # a fault no check caught: the engine's text goes to the log only
        logger.exception("Background analysis of run %s stopped on an unexpected error", run.code)
        _failed(run, {"kind": "unexpected"})
    finally:
        heartbeat.stop()
        # Taken back by another process (this one seemed stopped), the file is that one's now.
        if AnalysisRun.objects.filter(pk=run.pk, worker=run.worker).update(pending_file=""):
            path.unlink(missing_ok=True)
            run.pending_file = ""
    return run


class Heartbeat:
    """A thread renewing a run's time every `HEARTBEAT` seconds while it is analysed: steps
    such as reading a large file last minutes without a word of progress."""

    def __init__(self, pk: int, worker: str) -> None:
        self.pk, self.worker = pk, worker
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="arusha-heartbeat", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()

    def beat(self) -> bool:
        """Renew the run's time now, if this process still analyses it, and take back the
        runs other processes abandoned (see `sweep`); whether this process still analyses it."""
        try:
            renewed = held(self.pk, self.worker).update(updated_at=timezone.now())
        except DatabaseError:  # the database busy or away: the next beat tries again
            logger.warning("Could not renew the time of run %s", self.pk, exc_info=True)
            return False
        try:
            sweep()
        except DatabaseError:  # likewise; this run's own time is renewed all the same
            logger.warning("Could not take back abandoned runs", exc_info=True)
        return bool(renewed)

    def _run(self) -> None:
        try:
            while not self._stopped.wait(HEARTBEAT):
                self.beat()
        finally:
            connection.close()  # this thread's own connection, if it opened one


def _failed(run: AnalysisRun, error: dict[str, Any]) -> None:
    """Mark the run failed, unless another process took it back meanwhile."""
    run.status = Status.FAILED
    run.error = {k: v for k, v in error.items() if v is not None}
    held(run.pk, run.worker).update(status=run.status, error=run.error, updated_at=timezone.now())


class StillRunning(Exception):
    """A run is being analysed: it can be deleted once the analysis ends."""


def delete(run: AnalysisRun, user: User) -> None:
    """Delete a run with everything it found (and its waiting file), audited; refused while it
    is being analysed."""
    with transaction.atomic():
        # Claimed now by no one: a waiting run cannot start while it is being deleted.
        locked = AnalysisRun.objects.select_for_update().get(pk=run.pk)
        if locked.status == Status.RUNNING:
            raise StillRunning
        details = {
            "source_name": locked.source_name,
            "status": locked.status,
            "rows": locked.rows,
            "created_at": locked.created_at.isoformat(),
        }
        audit.record(
            user, "integrity.run_deleted", locked, organisation=locked.organisation, details=details
        )
        pending = locked.pending_file
        locked.delete()
    if pending:
        Path(pending).unlink(missing_ok=True)


def recover() -> int:
    """Put back in the queue the runs a stopped server left half analysed, fail those whose file
    is gone, and start analysing; the number queued again. For `arusha serve` at start-up: runs
    that another live server process is analysing are left alone (see `abandoned`)."""
    again = 0
    for run in AnalysisRun.objects.filter(status=Status.RUNNING):
        if abandoned(run, at_start=True):
            again += _take_back(run) == Status.QUEUED
    if AnalysisRun.objects.filter(status=Status.QUEUED).exists():
        start()
    return again


def sweep() -> int:
    """Take back every run whose time is old, its process gone (see `abandoned`), so that the
    queue this process works through picks it up: asked before each run is claimed and at each
    heartbeat, so that while any server analyses, an abandoned run waits no longer than a
    heartbeat past `STALE_AFTER`, whether or not anyone opens the pages. The number queued
    again (a run whose file is gone is failed instead)."""
    return sum(_take_back(run) == Status.QUEUED for run in _stale(AnalysisRun.objects.all()))


def _stale(runs: QuerySet[AnalysisRun]) -> QuerySet[AnalysisRun]:
    """Those of `runs` being analysed whose time is older than `STALE_AFTER`."""
    return runs.filter(status=Status.RUNNING, updated_at__lt=timezone.now() - STALE_AFTER)


def revive(run: AnalysisRun) -> bool:
    """Take back a run being analysed whose time is old (its server stopped) and start
    analysing it again; whether it was taken back. Asked by the run's page as it follows it."""
    if run.status != Status.RUNNING or not abandoned(run, at_start=False):
        return False
    if _take_back(run) is None:
        return False  # another process took it back first
    start()
    return True


def revive_stale(runs: QuerySet[AnalysisRun]) -> int:
    """Take back those of `runs` being analysed whose time is old, and start analysing them
    again; the number taken back. Asked by the run list, so that a run abandoned on another
    host does not wait for someone to open its own page."""
    return sum(revive(run) for run in _stale(runs))


def abandoned(run: AnalysisRun, *, at_start: bool) -> bool:
    """Whether no live process analyses the run: its time is older than `STALE_AFTER`, or, at
    this process's start, the process that claimed it ran on this host and is gone. A run
    claimed by no named process (before processes were named) counts as abandoned at start."""
    if run.updated_at < timezone.now() - STALE_AFTER:
        return True
    if not at_start:
        return False
    if not run.worker:
        return True
    host, _, pid = run.worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine's process: only its time can tell
    # This process analyses nothing yet: a run it seems to hold was left by an earlier process
    # with the same number (in a container, every start gets the same one).
    return int(pid) == os.getpid() or not _alive(int(pid))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # no signal: only whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, under another account
        return True
    return True


def _take_back(run: AnalysisRun) -> str | None:
    """Delete what the abandoned run had begun to store; queue it again if its file is still
    there, else fail it. The new status, or None when the run changed meanwhile (renewed by its
    process, or taken back by another)."""
    resumable = bool(run.pending_file) and Path(run.pending_file).exists()
    status = Status.QUEUED if resumable else Status.FAILED
    with transaction.atomic():
        taken = AnalysisRun.objects.filter(
            pk=run.pk, status=Status.RUNNING, updated_at=run.updated_at
        ).update(
            status=status,
            step=0,
            steps=0,
            worker="",
            error={} if resumable else {"kind": "interrupted"},
            updated_at=timezone.now(),
        )
        if not taken:
            return None
        delete_results(run)  # what a stop in the middle of storing left
    return status
