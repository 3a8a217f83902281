"""Large files are analysed in the background: the upload saves the run as waiting, the run's page
follows the analysis step by step, and the queued file is deleted whatever the outcome."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from arusha.core.audit import AuditEntry
from arusha.core.models import ApiToken
from arusha.integrity import background, examples, storing, views, wording
from arusha.integrity.models import AnalysisRun, EntityScore
from tests.analytics.test_csv_input import damaged_parquet
from tests.integrity.test_upload import MALFORMED

Status = AnalysisRun.Status


@pytest.fixture
def large(settings: Any, tmp_path: Path) -> Path:
    """Every file counts as large; the queue lives in the test's own directory."""
    settings.INTEGRITY_INLINE_MAX_MB = 0
    settings.VAR_DIR = tmp_path
    return tmp_path / "integrity-queue"


def _upload(client: Any, ecuador: Any, name: str, content: bytes, **fields: Any) -> Any:
    data = {"organisation": ecuador.pk, "file": SimpleUploadedFile(name, content), **fields}
    return client.post(reverse("integrity:upload"), data, follow=True)


def test_a_large_file_waits_with_its_page_saying_so_then_is_analysed(
    client: Any, alice: Any, ecuador: Any, declarations_csv: Path, large: Path
) -> None:
    client.force_login(alice)
    response = _upload(client, ecuador, "declarations.csv", declarations_csv.read_bytes())
    run = AnalysisRun.objects.get()
    assert run.status == Status.QUEUED
    assert [p.read_bytes() for p in large.iterdir()] == [declarations_csv.read_bytes()]
    page = response.content.decode()
    assert 'id="analysis-progress"' in page
    assert reverse("integrity:progress", args=[run.code]) in page
    assert "background" in page
    assert AuditEntry.objects.filter(action="integrity.run_created").count() == 1

    seen: list[tuple[int, int, str]] = []
    original = background.analyse_into

    def watched(*args: Any, **kwargs: Any) -> Any:
        def progress(label: str, done: int, total: int) -> None:
            args[3](label, done, total)  # the run's own progress, recorded on it
            seen.append((done, total, AnalysisRun.objects.get(pk=run.pk).step_label))

        return original(*args[:3], progress, **kwargs)

    background.analyse_into = watched  # type: ignore[assignment]
    try:
        assert background.work() == 1
    finally:
        background.analyse_into = original  # type: ignore[assignment]
    run.refresh_from_db()
    assert run.status == Status.DONE
    assert run.rows == 3000 and run.entities.exists()
    assert [done for done, _total, _label in seen] == list(range(1, 9))
    assert seen[0][2] == "Reading and validating the data"
    assert seen[-1] == (8, 8, "Saving the results")  # the app's own step, after the library's
    assert run.pending_file == "" and list(large.iterdir()) == []
    ended = client.get(reverse("integrity:progress", args=[run.code]))
    assert ended["HX-Refresh"] == "true"
    assert (
        'id="ranked-entities"'
        in client.get(reverse("integrity:run", args=[run.code])).content.decode()
    )


def test_a_workbook_above_its_own_smaller_limit_is_analysed_in_the_background(
    client: Any, alice: Any, ecuador: Any, settings: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(views, "WORKBOOK_INLINE_MAX_MB", 1)  # the example workbook is 2 MB
    workbook = examples.example("declarations.xlsx")
    assert workbook is not None and len(workbook.content) > 1024 * 1024
    client.force_login(alice)
    page = client.get(reverse("integrity:upload")).content.decode()
    assert "a workbook above 1 MB (about 50,000 rows) is analysed in the background" in page
    _upload(client, ecuador, "declarations.xlsx", workbook.content)
    run = AnalysisRun.objects.get()
    assert run.status == Status.QUEUED and run.pending_file.endswith(".xlsx")
    assert background.work() == 1
    run.refresh_from_db()
    assert run.status == Status.DONE, run.error
    assert run.summary["read_as"]["sheet"] == "Declarations"
    # The same bytes as CSV are far below the 50 MB of CSV files: analysed at once.
    canonical = examples.example("declarations.csv")
    assert canonical is not None
    _upload(client, ecuador, "declarations.csv", canonical.content)
    assert AnalysisRun.objects.latest("created_at").status == Status.DONE


def test_the_progress_panel_names_the_step_in_the_readers_language(
    client: Any, alice: Any, ecuador: Any, declarations_csv: Path, large: Path
) -> None:
    client.force_login(alice)
    _upload(client, ecuador, "first.csv", declarations_csv.read_bytes())
    _upload(client, ecuador, "second.csv", declarations_csv.read_bytes())
    _first, second = AnalysisRun.objects.order_by("created_at", "pk")
    url = reverse("integrity:progress", args=[second.code])
    headers = {"Accept-Language": "es"}
    waiting = client.get(url, headers=headers).content.decode()
    assert "1 " in waiting and 'id="progress-text"' in waiting
    AnalysisRun.objects.filter(pk=second.pk).update(
        status=Status.RUNNING, step=3, steps=7, step_label="Testing officer-declarant pairs"
    )
    running = client.get(url, headers=headers).content.decode()
    with translation.override("es"):
        label = wording.step_label("Testing officer-declarant pairs")
    assert label != "Testing officer-declarant pairs"
    assert label in running
    assert "3" in running and "7" in running
    assert 'value="29"' in running  # two of seven steps done


def test_a_file_that_fails_validation_in_the_background_shows_its_report(
    client: Any, alice: Any, ecuador: Any, large: Path
) -> None:
    client.force_login(alice)
    _upload(client, ecuador, "bad.csv", MALFORMED)
    background.work()
    run = AnalysisRun.objects.get()
    assert run.status == Status.FAILED_VALIDATION
    assert {p["column"] for p in run.problems} >= {"lodged_at", "office_id"}
    page = client.get(reverse("integrity:run", args=[run.code])).content.decode()
    assert 'id="validation-report"' in page
    assert list(large.iterdir()) == []


def test_a_file_that_cannot_be_read_in_the_background_says_why_in_words(
    client: Any, alice: Any, ecuador: Any, declarations_csv: Path, large: Path
) -> None:
    client.force_login(alice)
    _upload(client, ecuador, "declarations.csv", declarations_csv.read_bytes(), delimiter=";")
    background.work()
    run = AnalysisRun.objects.get()
    assert run.status == Status.FAILED
    assert run.error["kind"] == "wrong_delimiter"
    page = client.get(reverse("integrity:run", args=[run.code]), headers={"Accept-Language": "es"})
    text = page.content.decode()
    assert 'id="analysis-error"' in text
    with translation.override("es"):
        assert wording.run_error(run.error) in text.replace("&quot;", '"').replace("&#x27;", "'")
    assert "duckdb" not in text.lower()
    assert list(large.iterdir()) == []


def test_a_damaged_parquet_file_fails_the_run_with_a_translated_reason(
    client: Any, alice: Any, ecuador: Any, declarations_csv: Path, large: Path, tmp_path: Path
) -> None:
    """The engine's own error ("Out of buffer") came from whichever query reached the damaged
    page; the reader is told that the file is damaged, in their language."""
    damaged = damaged_parquet(declarations_csv, tmp_path / "declarations.parquet")
    client.force_login(alice)
    _upload(client, ecuador, "declarations.parquet", damaged.read_bytes())
    background.work()
    run = AnalysisRun.objects.get()
    assert (run.status, run.error["kind"]) == (Status.FAILED, "damaged")
    page = client.get(reverse("integrity:run", args=[run.code]), headers={"Accept-Language": "es"})
    text = page.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    with translation.override("es"):
        assert "dañado" in wording.run_error(run.error)
        assert wording.run_error(run.error) in text
    assert "buffer" not in text.lower()
    assert list(large.iterdir()) == []


def test_an_unexpected_fault_fails_the_run_without_the_engines_text(
    client: Any, alice: Any, ecuador: Any, declarations_csv: Path, large: Path, monkeypatch: Any
) -> None:
    client.force_login(alice)
    _upload(client, ecuador, "declarations.csv", declarations_csv.read_bytes())

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Binder Error: arusha-analytics-x/wide.parquet")

    monkeypatch.setattr(background, "analyse_into", broken)
    background.work()
    run = AnalysisRun.objects.get()
    assert (run.status, run.error) == (Status.FAILED, {"kind": "unexpected"})
    page = client.get(reverse("integrity:run", args=[run.code])).content.decode()
    assert "Binder" not in page and "arusha-analytics-" not in page
    assert str(wording.UNEXPECTED)[:40] in page.replace("&#x27;", "'")
    assert list(large.iterdir()) == []


def test_a_run_a_stopped_server_left_is_queued_again_or_failed_without_its_file(
    alice: Any, ecuador: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    kept = tmp_path / "kept.csv"
    kept.write_text("x")
    common = {"organisation": ecuador, "uploaded_by": alice, "status": Status.RUNNING}
    resumable = AnalysisRun.objects.create(source_name="a.csv", pending_file=str(kept), **common)
    lost = AnalysisRun.objects.create(
        source_name="b.csv", pending_file=str(tmp_path / "gone.csv"), **common
    )
    for half_stored in (resumable, lost):  # stopped while storing its results
        EntityScore.objects.create(
            run=half_stored, entity_kind="officer", entity_id="OF1", score=1.0, rank=1
        )
    started: list[bool] = []
    monkeypatch.setattr(background, "start", lambda: started.append(True))
    assert background.recover() == 1
    resumable.refresh_from_db()
    lost.refresh_from_db()
    assert resumable.status == Status.QUEUED
    assert (lost.status, lost.error) == (Status.FAILED, {"kind": "interrupted"})
    assert started == [True]
    assert not EntityScore.objects.exists()


def test_a_run_is_claimed_once(alice: Any, ecuador: Any) -> None:
    AnalysisRun.objects.create(organisation=ecuador, source_name="a.csv", status=Status.QUEUED)
    first = background.claim_next()
    assert first is not None and first.status == Status.RUNNING
    assert first.worker == f"{socket.gethostname()}:{os.getpid()}"
    assert background.claim_next() is None


def _running(ecuador: Any, tmp_path: Path, worker: str, *, age: timedelta = timedelta()) -> Any:
    """A run being analysed by `worker`, last renewed `age` ago, with a result already saved."""
    kept = tmp_path / f"{uuid.uuid4().hex}.csv"
    kept.write_text("x")
    run = AnalysisRun.objects.create(
        organisation=ecuador,
        source_name="a.csv",
        status=Status.RUNNING,
        pending_file=str(kept),
        worker=worker,
    )
    EntityScore.objects.create(run=run, entity_kind="officer", entity_id="OF1", score=1.0, rank=1)
    AnalysisRun.objects.filter(pk=run.pk).update(updated_at=timezone.now() - age)
    run.refresh_from_db()
    return run


def _gone_pid() -> int:
    """The number of a process that has ended."""
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(ended.stdout)


def test_a_start_up_leaves_alone_the_runs_other_live_processes_analyse(
    ecuador: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """A second server process starting while the first analysed used to take the first one's
    run back: its results deleted, the file analysed twice at once."""
    here = socket.gethostname()
    elsewhere = _running(ecuador, tmp_path, "another-host:4242")
    alive_here = _running(ecuador, tmp_path, f"{here}:{os.getppid()}")
    monkeypatch.setattr(background, "start", lambda: None)
    assert background.recover() == 0
    for run in (elsewhere, alive_here):
        run.refresh_from_db()
        assert run.status == Status.RUNNING
        assert run.entities.count() == 1


def test_a_start_up_takes_back_the_runs_of_gone_processes_and_old_runs(
    ecuador: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    here = socket.gethostname()
    gone = _running(ecuador, tmp_path, f"{here}:{_gone_pid()}")
    mine = _running(ecuador, tmp_path, f"{here}:{os.getpid()}")  # an earlier life's number
    unnamed = _running(ecuador, tmp_path, "")  # claimed before processes were named
    old = _running(ecuador, tmp_path, "another-host:4242", age=background.STALE_AFTER * 2)
    started: list[bool] = []
    monkeypatch.setattr(background, "start", lambda: started.append(True))
    assert background.recover() == 4
    for run in (gone, mine, unnamed, old):
        run.refresh_from_db()
        assert (run.status, run.worker) == (Status.QUEUED, "")
        assert not run.entities.exists()
    assert started == [True]


def test_the_page_of_a_run_whose_server_stopped_queues_it_again(
    client: Any, alice: Any, ecuador: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """A server on another host stopped mid-analysis: once the run's time is old, following it
    puts it back in the queue and analyses it here; a run renewed recently is left alone."""
    started: list[bool] = []
    monkeypatch.setattr(background, "start", lambda: started.append(True))
    client.force_login(alice)
    fresh = _running(ecuador, tmp_path, "another-host:4242", age=timedelta(seconds=40))
    client.get(reverse("integrity:progress", args=[fresh.code]))
    fresh.refresh_from_db()
    assert (fresh.status, started) == (Status.RUNNING, [])
    stale = _running(ecuador, tmp_path, "another-host:4242", age=background.STALE_AFTER * 2)
    page = client.get(reverse("integrity:progress", args=[stale.code]))
    assert page.status_code == 200
    stale.refresh_from_db()
    assert (stale.status, started) == (Status.QUEUED, [True])
    assert not stale.entities.exists()
    auth = {"Authorization": f"Bearer {ApiToken.issue(alice, 'script')[1]}"}
    lost = _running(ecuador, tmp_path, "another-host:4242", age=background.STALE_AFTER * 2)
    Path(lost.pending_file).unlink()
    body = client.get(f"/api/integrity/runs/{lost.code}", headers=auth).json()
    assert body["status"] == "failed"
    lost.refresh_from_db()
    assert lost.error == {"kind": "interrupted"}


def test_a_run_renewed_meanwhile_is_not_taken_back(ecuador: Any, tmp_path: Path) -> None:
    run = _running(ecuador, tmp_path, "another-host:4242", age=background.STALE_AFTER * 2)
    assert background.Heartbeat(run.pk, run.worker).beat()  # its process renews it after we read it
    assert background._take_back(run) is None
    run.refresh_from_db()
    assert run.status == Status.RUNNING and run.entities.count() == 1


def test_the_heartbeat_renews_only_a_run_being_analysed(ecuador: Any, tmp_path: Path) -> None:
    run = _running(ecuador, tmp_path, "h:1", age=timedelta(minutes=10))
    assert background.Heartbeat(run.pk, run.worker).beat()
    run.refresh_from_db()
    assert timezone.now() - run.updated_at < timedelta(minutes=1)
    AnalysisRun.objects.filter(pk=run.pk).update(status=Status.DONE)
    assert not background.Heartbeat(run.pk, run.worker).beat()


def test_an_analysis_beats_while_it_runs_and_stops_beating_after(
    alice: Any, ecuador: Any, declarations_csv: Path, large: Path, monkeypatch: Any
) -> None:
    beats: list[int] = []
    started = threading.Event()

    def beat(self: Any) -> bool:
        beats.append(self.pk)
        started.set()
        return True

    monkeypatch.setattr(background, "HEARTBEAT", 0.01)
    monkeypatch.setattr(background.Heartbeat, "beat", beat)
    original = background.analyse_into

    def slow(*args: Any, **kwargs: Any) -> Any:
        assert started.wait(timeout=30)  # the heartbeat beats during the analysis
        return original(*args, **kwargs)

    monkeypatch.setattr(background, "analyse_into", slow)
    target = large / "declarations.csv"
    large.mkdir(parents=True, exist_ok=True)
    target.write_bytes(declarations_csv.read_bytes())
    run = AnalysisRun.objects.create(
        organisation=ecuador, source_name="d.csv", status=Status.QUEUED, pending_file=str(target)
    )
    assert background.work() == 1
    run.refresh_from_db()
    assert run.status == Status.DONE and beats and set(beats) == {run.pk}
    assert not [t for t in threading.enumerate() if t.name == "arusha-heartbeat"]


def test_an_outsider_gets_404_for_the_progress_too(
    client: Any, alice: Any, charlie: Any, ecuador: Any, declarations_csv: Path, large: Path
) -> None:
    client.force_login(alice)
    _upload(client, ecuador, "declarations.csv", declarations_csv.read_bytes())
    run = AnalysisRun.objects.get()
    client.force_login(charlie)
    assert client.get(reverse("integrity:progress", args=[run.code])).status_code == 404


def test_the_size_limit_of_the_page_is_the_settings(
    client: Any, alice: Any, ecuador: Any, settings: Any
) -> None:
    settings.INTEGRITY_UPLOAD_MAX_MB = 0
    client.force_login(alice)
    page = _upload(client, ecuador, "declarations.csv", b"x" * 10).content.decode()
    assert "larger than 0 MB" in page
    assert not AnalysisRun.objects.exists()


def test_the_api_answers_202_for_a_file_analysed_in_the_background(
    client: Any, alice: Any, declarations_csv: Path, large: Path
) -> None:
    auth = {"Authorization": f"Bearer {ApiToken.issue(alice, 'script')[1]}"}
    data = {"file": SimpleUploadedFile("declarations.csv", declarations_csv.read_bytes())}
    response = client.post("/api/integrity/runs", data, headers=auth)
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    background.work()
    body = client.get(f"/api/integrity/runs/{response.json()['code']}", headers=auth).json()
    assert (body["status"], body["rows"], body["step"], body["steps"]) == (
        "done",
        3000,
        8,
        8,
    )  # the library's 7 steps, then saving


@pytest.mark.django_db(transaction=True)
def test_the_servers_thread_analyses_what_waits(
    make_user: Any, declarations_csv: Path, large: Path
) -> None:
    from arusha.core.models import Organisation

    ecuador = Organisation.objects.create(
        name="SENAE", short_name="SENAE", kind="customs", country="EC", wco_region="AMS"
    )
    alice = make_user("alice", ecuador, "integrity_officer")
    from arusha.analytics.csvformat import CsvFormat

    upload = SimpleUploadedFile("declarations.csv", declarations_csv.read_bytes())
    run = background.queue_upload(
        upload,
        suffix=".csv",
        organisation=ecuador,
        user=alice,
        source_name="declarations.csv",
        mapping="",
        csv_format=CsvFormat(),
    )  # outside a transaction: on_commit starts the thread at once
    worker = background._worker
    assert isinstance(worker, threading.Thread)
    worker.join(timeout=300)
    assert not worker.is_alive()
    run.refresh_from_db()
    assert run.status == Status.DONE
    assert background._worker is None  # ended with the queue empty; the next upload starts one


def test_an_officer_deletes_a_run_with_everything_it_found_and_the_audit_keeps_it(
    client: Any, run: Any, alice: Any
) -> None:
    client.force_login(alice)
    url = reverse("integrity:delete", args=[run.code])
    page = client.get(url).content.decode()
    assert 'id="delete-form"' in page
    assert f"{run.entities.count()} scored entities" in page
    assert AnalysisRun.objects.filter(pk=run.pk).exists()  # asking deletes nothing
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("integrity:list")
    assert not AnalysisRun.objects.filter(pk=run.pk).exists()
    from arusha.integrity.models import EntityScore, IndicatorValue, PairCell

    assert not (
        EntityScore.objects.exists() or IndicatorValue.objects.exists() or PairCell.objects.exists()
    )
    entry = AuditEntry.objects.get(action="integrity.run_deleted")
    assert (entry.actor, entry.object_id) == (alice, str(run.code))
    assert entry.details["source_name"] == "declarations.csv"
    assert entry.details["rows"] == 3000


@pytest.mark.parametrize("persona", ["bob", "charlie"])
def test_no_one_else_may_delete_a_run(client: Any, run: Any, persona: str, request: Any) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.post(reverse("integrity:delete", args=[run.code])).status_code == 404
    auth = {"Authorization": f"Bearer {ApiToken.issue(request.getfixturevalue(persona), 'x')[1]}"}
    assert client.delete(f"/api/integrity/runs/{run.code}", headers=auth).status_code == 404
    assert AnalysisRun.objects.filter(pk=run.pk).exists()
    assert not AuditEntry.objects.filter(action="integrity.run_deleted").exists()


def test_a_waiting_run_is_deleted_with_its_file_but_a_running_one_is_not(
    client: Any, alice: Any, ecuador: Any, declarations_csv: Path, large: Path
) -> None:
    client.force_login(alice)
    _upload(client, ecuador, "first.csv", declarations_csv.read_bytes())
    _upload(client, ecuador, "second.csv", declarations_csv.read_bytes())
    waiting, running = AnalysisRun.objects.order_by("created_at", "pk")
    AnalysisRun.objects.filter(pk=running.pk).update(status=Status.RUNNING)
    client.post(reverse("integrity:delete", args=[waiting.code]))
    assert not AnalysisRun.objects.filter(pk=waiting.pk).exists()
    assert [p.name for p in large.iterdir()] == [Path(running.pending_file).name]
    page = client.post(reverse("integrity:delete", args=[running.code]), follow=True)
    assert AnalysisRun.objects.filter(pk=running.pk).exists()
    assert "once the analysis ends" in page.content.decode()
    auth = {"Authorization": f"Bearer {ApiToken.issue(alice, 'x')[1]}"}
    refused = client.delete(f"/api/integrity/runs/{running.code}", headers=auth)
    assert refused.status_code == 409
    AnalysisRun.objects.filter(pk=running.pk).update(status=Status.QUEUED)
    assert client.delete(f"/api/integrity/runs/{running.code}", headers=auth).status_code == 204
    assert list(large.iterdir()) == []
    assert AuditEntry.objects.filter(action="integrity.run_deleted").count() == 2


def _claimed(ecuador: Any, declarations_csv: Path, large: Path) -> Any:
    """A large file waiting, claimed by this process."""
    large.mkdir(parents=True, exist_ok=True)
    target = large / "declarations.csv"
    target.write_bytes(declarations_csv.read_bytes())
    AnalysisRun.objects.create(
        organisation=ecuador, source_name="d.csv", status=Status.QUEUED, pending_file=str(target)
    )
    claimed = background.claim_next()
    assert claimed is not None
    return claimed


def _take_back(pk: int) -> Any:
    """What another process does with a run it believes abandoned."""
    AnalysisRun.objects.filter(pk=pk).update(updated_at=timezone.now() - background.STALE_AFTER * 2)
    return background._take_back(AnalysisRun.objects.get(pk=pk))


def test_a_process_whose_run_is_taken_back_while_saving_stops_writing_and_keeps_off(
    ecuador: Any, declarations_csv: Path, large: Path, monkeypatch: Any
) -> None:
    """This process seemed stopped (its heartbeat could not reach the database), and another
    took its run back half-way through the saving: it writes nothing more, neither marks the
    run done nor failed, and leaves the file to the other."""
    monkeypatch.setattr(storing, "STORE_CHUNK", 25)
    run = _claimed(ecuador, declarations_csv, large)
    chunks = storing._chunks
    seen: list[int] = []

    def taken_back_half_way(rows: Any, size: int) -> Any:
        for chunk in chunks(rows, size):
            seen.append(EntityScore.objects.filter(run=run).count())
            if len(seen) == 3:
                assert _take_back(run.pk) == Status.QUEUED
            yield chunk

    monkeypatch.setattr(storing, "_chunks", taken_back_half_way)
    background.analyse(run)
    assert seen == [0, 25, 50]  # two chunks written, then the third refused
    after = AnalysisRun.objects.get(pk=run.pk)
    assert (after.status, after.worker, after.error) == (Status.QUEUED, "", {})
    assert not EntityScore.objects.filter(run=run).exists()
    assert after.pending_file == run.pending_file and Path(run.pending_file).is_file()
    assert background.work() == 1  # the file is still there for whoever analyses it again
    after.refresh_from_db()
    assert after.status == Status.DONE
    assert after.entities.count() == EntityScore.objects.filter(run=run).count() > 50


def test_a_process_whose_run_is_taken_back_while_analysing_stops_at_the_next_step(
    ecuador: Any, declarations_csv: Path, large: Path, monkeypatch: Any
) -> None:
    run = _claimed(ecuador, declarations_csv, large)
    AnalysisRun.objects.filter(pk=run.pk).update(worker="another-host:4242")  # claimed again
    background.analyse(run)
    after = AnalysisRun.objects.get(pk=run.pk)
    assert (after.status, after.worker, after.step) == (Status.RUNNING, "another-host:4242", 0)
    assert after.pending_file == run.pending_file and Path(run.pending_file).is_file()
    assert not after.entities.exists()


def test_a_process_failing_on_a_run_taken_back_leaves_it_to_the_other(
    ecuador: Any, declarations_csv: Path, large: Path, monkeypatch: Any
) -> None:
    from arusha.analytics import SourceError

    run = _claimed(ecuador, declarations_csv, large)

    def fails_after_taken_back(*args: Any, **kwargs: Any) -> Any:
        AnalysisRun.objects.filter(pk=run.pk).update(worker="another-host:4242")
        raise SourceError("unreadable", "The file cannot be read as CSV.")

    monkeypatch.setattr(background, "analyse_into", fails_after_taken_back)
    background.analyse(run)
    after = AnalysisRun.objects.get(pk=run.pk)
    assert (after.status, after.error) == (Status.RUNNING, {})
    assert after.pending_file == run.pending_file and Path(run.pending_file).is_file()


def test_the_run_list_takes_back_the_old_runs_of_a_stopped_server(
    client: Any, alice: Any, charlie: Any, ecuador: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """A run abandoned on another host goes on when the list of runs is opened (by the page or
    the API), not only when someone opens its own page; an outsider's list touches nothing."""
    started: list[bool] = []
    monkeypatch.setattr(background, "start", lambda: started.append(True))
    old = _running(ecuador, tmp_path, "another-host:4242", age=background.STALE_AFTER * 2)
    fresh = _running(ecuador, tmp_path, "another-host:4242", age=timedelta(seconds=40))
    client.force_login(charlie)
    assert client.get(reverse("integrity:list")).status_code == 200
    old.refresh_from_db()
    assert old.status == Status.RUNNING and started == []
    client.force_login(alice)
    assert client.get(reverse("integrity:list")).status_code == 200
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, fresh.status, started) == (Status.QUEUED, Status.RUNNING, [True])
    again = _running(ecuador, tmp_path, "another-host:4242", age=background.STALE_AFTER * 2)
    auth = {"Authorization": f"Bearer {ApiToken.issue(alice, 'script')[1]}"}
    listed = client.get("/api/integrity/runs", headers=auth).json()["items"]
    assert {r["code"]: r["status"] for r in listed}[str(again.code)] == "queued"


def test_a_server_at_work_takes_back_the_runs_another_left_without_anyone_looking(
    ecuador: Any, tmp_path: Path, declarations_csv: Path, large: Path
) -> None:
    """No page of an abandoned run need be opened: a server that analyses takes such runs back
    before each run it claims and at each heartbeat, and analyses them in turn."""
    mine = _running(ecuador, tmp_path, f"{socket.gethostname()}:{os.getpid()}")
    old = _running(ecuador, tmp_path, "another-host:4242", age=background.STALE_AFTER * 2)
    fresh = _running(ecuador, tmp_path, "another-host:4242", age=timedelta(seconds=40))
    assert background.Heartbeat(mine.pk, mine.worker).beat()
    for run in (old, fresh):
        run.refresh_from_db()
    assert (old.status, old.worker, fresh.status) == (Status.QUEUED, "", Status.RUNNING)
    assert not old.entities.exists()
    # Left again; this time a server's queue finds it before its next claim, and analyses it.
    copy = tmp_path / "left.csv"
    copy.write_bytes(declarations_csv.read_bytes())
    AnalysisRun.objects.filter(pk=old.pk).update(
        status=Status.RUNNING,
        worker="another-host:4242",
        pending_file=str(copy),
        updated_at=timezone.now() - background.STALE_AFTER * 2,
    )
    assert background.work() == 1
    old.refresh_from_db()
    assert old.status == Status.DONE and old.entities.exists()
    assert not copy.exists()  # its queued file, deleted once analysed
