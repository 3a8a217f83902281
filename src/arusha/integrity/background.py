"""Large files analysed in the background, so that an upload of a year's declarations does not
hold the request (and the browser) for minutes.

A file above `INTEGRITY_INLINE_MAX_MB` is written to the queue directory (`var/integrity-queue`)
and its run saved as *waiting*; one thread of the server then analyses the waiting runs one at a
time, oldest first, recording each step of the library's progress on the run (the run's page
shows it and reloads itself when the run is done). The queued file is deleted once its analysis
ends, whatever the outcome. A server stopped in the middle leaves its run *being analysed*:
`recover`, called when `arusha serve` starts, deletes any results such a run had begun to store,
puts it back in the queue (its file is still there) and starts the thread again.

One analysis at a time: each uses every core and up to `INTEGRITY_MEMORY_LIMIT` of memory. A run
is claimed with a conditional update, so two server processes never analyse the same run.
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from arusha.analytics import AnalyticsError
from arusha.analytics.csvformat import CsvFormat
from arusha.core import audit
from arusha.core.models import Organisation, User
from arusha.integrity.models import AnalysisRun
from arusha.integrity.storing import analyse_into, delete_results, save_upload

logger = logging.getLogger(__name__)
Status = AnalysisRun.Status

_lock = threading.Lock()
_worker: threading.Thread | None = None


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
            status=Status.RUNNING, step=0, steps=0, step_label="", updated_at=timezone.now()
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
        AnalysisRun.objects.filter(pk=run.pk).update(
            step=done, steps=total, step_label=run.step_label, updated_at=timezone.now()
        )

    try:
        csv_format = CsvFormat(**run.csv_settings)
        run = analyse_into(run, path, csv_format, progress)
    except AnalyticsError as exc:
        _failed(run, {k: getattr(exc, k, None) for k in ("kind", "row", "column", "value")})
    except Exception:  # a fault no check caught: the engine's text goes to the log only
        logger.exception("Background analysis of run %s stopped on an unexpected error", run.code)
        _failed(run, {"kind": "unexpected"})
    finally:
        path.unlink(missing_ok=True)
        AnalysisRun.objects.filter(pk=run.pk).update(pending_file="")
        run.pending_file = ""
    return run


def _failed(run: AnalysisRun, error: dict[str, Any]) -> None:
    run.status = Status.FAILED
    run.error = {k: v for k, v in error.items() if v is not None}
    run.save(update_fields=["status", "error", "updated_at"])


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
    is gone, and start analysing; the number queued again. For `arusha serve` at start-up."""
    again = 0
    for run in AnalysisRun.objects.filter(status=Status.RUNNING):
        delete_results(run)  # what a stop in the middle of storing left
        if run.pending_file and Path(run.pending_file).exists():
            AnalysisRun.objects.filter(pk=run.pk).update(status=Status.QUEUED, step=0, steps=0)
            again += 1
        else:
            _failed(run, {"kind": "interrupted"})
    if AnalysisRun.objects.filter(status=Status.QUEUED).exists():
        start()
    return again
