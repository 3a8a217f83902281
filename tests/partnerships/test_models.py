"""Behaviour of the models: overdue actions, status changes with a note, adherence, progress."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from arusha.core.audit import AuditEntry, verify_chain
from arusha.core.key_factors import KeyFactor
from arusha.partnerships import progress
from arusha.partnerships.models import Action, Agreement, Signatory, StatusNoteMissing


def test_key_factors_are_the_ten_of_the_revised_arusha_declaration() -> None:
    assert [f.value for f in KeyFactor] == list(range(1, 11))
    assert KeyFactor(10).label == "Relationship with the private sector"


def test_overdue_means_open_and_past_its_due_date(
    ecuador_plan: Any, make_action: Any, yesterday: date
) -> None:
    late = make_action(ecuador_plan, "Late", due_date=yesterday)
    blocked = make_action(ecuador_plan, "Blocked", due_date=yesterday, status="blocked")
    make_action(ecuador_plan, "Done late", due_date=yesterday, status="done")
    make_action(ecuador_plan, "Dropped", due_date=yesterday, status="dropped")
    make_action(ecuador_plan, "Not yet due", due_date=yesterday + timedelta(days=30))
    make_action(ecuador_plan, "No due date")
    assert set(Action.objects.overdue()) == {late, blocked}
    assert late.is_overdue


def test_a_status_change_needs_a_note(alice: Any, owned_action: Any) -> None:
    with pytest.raises(StatusNoteMissing):
        owned_action.change_status(alice, "done", 100, "   ")
    owned_action.refresh_from_db()
    assert owned_action.status == "planned"
    assert not owned_action.updates.exists()


def test_a_status_change_is_kept_in_the_history_and_the_audit_trail(
    alice: Any, owned_action: Any, ecuador: Any
) -> None:
    owned_action.change_status(alice, "blocked", 30, "Waiting for the new law")
    update = owned_action.updates.get()
    assert (update.from_status, update.to_status, update.note) == (
        "planned",
        "blocked",
        "Waiting for the new law",
    )
    entry = AuditEntry.objects.for_object(owned_action).get(
        action="partnerships.action_status_changed"
    )
    assert entry.actor == alice
    assert entry.organisation_id == ecuador.pk
    assert entry.details == {
        "from": "planned",
        "to": "blocked",
        "progress": 30,
        "note": "Waiting for the new law",
    }
    assert verify_chain() == []


def test_done_means_one_hundred_percent(alice: Any, owned_action: Any) -> None:
    owned_action.change_status(alice, "done", 40, "Finished")
    owned_action.refresh_from_db()
    assert owned_action.progress == 100


def test_a_later_signature_is_an_adherence(loi: Any, make_user: Any) -> None:
    from arusha.core.models import Organisation

    uruguay = Organisation.objects.create(
        name="DNA Uruguay", kind="customs", country="UY", wco_region="AMS"
    )
    late = Signatory.objects.create(
        agreement=loi, organisation=uruguay, signed_on=date(2023, 4, 20)
    )
    assert late.is_adherence
    assert not loi.signatories.exclude(pk=late.pk).first().is_adherence
    timeline = progress.adherence_over_time(loi.signatories.select_related("organisation"))
    assert [(day, n) for day, n, _names in timeline] == [
        (date(2022, 6, 24), 3),
        (date(2023, 4, 20), 4),
    ]


def test_progress_per_commitment_and_key_factor(
    loi: Any, ecuador_plan: Any, peru_plan: Any, make_action: Any
) -> None:
    one, two = loi.commitments.order_by("number")
    make_action(ecuador_plan, "a", commitments=[one], status="done", progress=0)
    make_action(ecuador_plan, "b", commitments=[one, two], progress=50)
    make_action(peru_plan, "c", commitments=[two], progress=10)
    make_action(peru_plan, "d", commitments=[two], status="dropped", progress=90)
    actions = list(progress.agreement_actions(loi))
    per_commitment = {c.number: t for c, t in progress.by_commitment(loi, actions)}
    assert (per_commitment[1].percent, per_commitment[1].done, per_commitment[1].total) == (
        75,
        1,
        2,
    )
    assert (per_commitment[2].percent, per_commitment[2].total) == (30, 2)
    per_factor = {f: t.percent for f, t in progress.by_key_factor(actions)}
    assert per_factor == {
        KeyFactor.LEADERSHIP: 75,
        KeyFactor.TRANSPARENCY: 30,
        KeyFactor.PRIVATE_SECTOR: 30,
    }
    per_admin = {
        p.administration.short_name: t.percent for p, t in progress.by_administration(actions)
    }
    assert per_admin == {"SENAE": 75, "SUNAT": 10}


def test_regional_agreements_need_a_region(ecuador: Any) -> None:
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Agreement.objects.create(
            kind="declaration", title="x", scope="regional", administration=ecuador
        )
