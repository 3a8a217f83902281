"""The pages of an agreement's life: recording it, signatories, commitments, plans, actions,
evidence, publication and the public page."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from arusha.core.audit import AuditEntry
from arusha.partnerships.models import Action, ActionPlan, Agreement, Evidence

PDF = b"%PDF-1.4\n% test\n"


def test_an_integrity_officer_records_an_agreement(client: Any, alice: Any, ecuador: Any) -> None:
    client.force_login(alice)
    response = client.post(
        reverse("partnerships:agreement_create"),
        {
            "kind": "mou",
            "title": "MoU with the chamber",
            "scope": "national",
            "administration": ecuador.pk,
            "status": "signed",
            "date_signed": "2024-03-01",
            "signed_text": SimpleUploadedFile("mou.pdf", PDF, "application/pdf"),
        },
    )
    agreement = Agreement.objects.get()
    assert response.url == reverse("partnerships:agreement_detail", args=[agreement.code])
    assert agreement.administration == ecuador
    assert (
        AuditEntry.objects.for_object(agreement)
        .filter(action="partnerships.agreement_created")
        .exists()
    )
    download = client.get(reverse("partnerships:agreement_document", args=[agreement.code]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "mou-with-the-chamber.pdf" in download["Content-Disposition"]


def test_a_regional_agreement_without_a_region_is_refused(
    client: Any, alice: Any, ecuador: Any
) -> None:
    client.force_login(alice)
    response = client.post(
        reverse("partnerships:agreement_create"),
        {
            "kind": "declaration",
            "title": "x",
            "scope": "regional",
            "administration": ecuador.pk,
            "status": "draft",
        },
    )
    assert response.status_code == 200
    assert "A regional agreement needs its WCO region." in response.text
    assert not Agreement.objects.exists()


def test_officers_record_agreements_only_for_their_own_administration(
    client: Any, alice: Any, peru: Any
) -> None:
    client.force_login(alice)
    response = client.post(
        reverse("partnerships:agreement_create"),
        {
            "kind": "mou",
            "title": "x",
            "scope": "national",
            "administration": peru.pk,
            "status": "draft",
        },
    )
    assert response.status_code == 200
    assert not Agreement.objects.exists()


def test_viewers_and_focal_points_cannot_record_agreements(
    client: Any, bob: Any, focal: Any
) -> None:
    for user in (bob, focal):
        client.force_login(user)
        assert client.get(reverse("partnerships:agreement_create")).status_code == 404


def test_a_signed_text_of_the_wrong_type_is_refused(client: Any, alice: Any, ecuador: Any) -> None:
    client.force_login(alice)
    response = client.post(
        reverse("partnerships:agreement_create"),
        {
            "kind": "mou",
            "title": "x",
            "scope": "national",
            "administration": ecuador.pk,
            "status": "draft",
            "signed_text": SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream"),
        },
    )
    assert response.status_code == 200
    assert "form-errors" in response.text
    assert not Agreement.objects.exists()


def test_a_later_signatory_shows_as_adherence(
    client: Any, alice: Any, loi: Any, make_user: Any
) -> None:
    from arusha.core.models import Organisation

    uruguay = Organisation.objects.create(
        name="DNA Uruguay", kind="customs", country="UY", wco_region="AMS"
    )
    client.force_login(alice)
    response = client.post(
        reverse("partnerships:signatory_add", args=[loi.code]),
        {
            "organisation": uruguay.pk,
            "signed_by": "Director General",
            "capacity": "Head of Customs",
            "signed_on": "2023-04-20",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("partnerships:agreement_detail", args=[loi.code])).text
    assert "DNA Uruguay" in page
    assert "joined by adherence" in page
    entry = AuditEntry.objects.get(action="partnerships.signatory_added")
    assert entry.details["adherence"] is True


def test_commitments_are_numbered_and_tagged_with_key_factors(
    client: Any, alice: Any, loi: Any
) -> None:
    client.force_login(alice)
    form = client.get(reverse("partnerships:commitment_add", args=[loi.code]))
    assert form.context["form"]["number"].value() == 3  # the next free number
    assert 'name="number" value="3"' in form.text
    response = client.post(
        reverse("partnerships:commitment_add", args=[loi.code]),
        {"number": 3, "text": "Train brokers", "binds": "private", "key_factors": ["7", "10"]},
    )
    assert response.status_code == 302
    commitment = loi.commitments.get(number=3)
    assert commitment.key_factors == [7, 10]
    duplicate = client.post(
        reverse("partnerships:commitment_add", args=[loi.code]),
        {"number": 3, "text": "Again", "binds": "joint", "key_factors": ["1"]},
    )
    assert "already has a commitment 3" in duplicate.text


def test_an_officer_starts_a_plan_and_adds_an_action(
    client: Any, charlie: Any, loi: Any, peru: Any, association: Any
) -> None:
    client.force_login(charlie)
    response = client.post(
        reverse("partnerships:plan_create", args=[loi.code]),
        {"administration": peru.pk, "title": "Peru plan"},
    )
    plan = ActionPlan.objects.get(administration=peru)
    assert response.url == reverse("partnerships:plan_detail", args=[plan.code])
    one = loi.commitments.get(number=1)
    client.post(
        reverse("partnerships:action_create", args=[plan.code]),
        {
            "title": "Publish fees",
            "commitments": [one.pk],
            "customs_owner": "Intendencia",
            "private_owner": association.pk,
            "start_date": "2024-01-01",
            "due_date": "2024-12-31",
        },
    )
    action = plan.actions.get()
    assert (action.number, action.private_owner, list(action.commitments.all())) == (
        1,
        association,
        [one],
    )
    # Ecuador's plan cannot be started by Peru's officer.
    assert list(ActionPlan.objects.values_list("administration", flat=True)) == [peru.pk]


def test_the_due_date_cannot_precede_the_start(client: Any, alice: Any, ecuador_plan: Any) -> None:
    client.force_login(alice)
    response = client.post(
        reverse("partnerships:action_create", args=[ecuador_plan.code]),
        {"title": "x", "customs_owner": "y", "start_date": "2024-06-01", "due_date": "2024-01-01"},
    )
    assert "The due date is before the start date." in response.text
    assert not ecuador_plan.actions.exists()


def test_a_status_change_without_a_note_is_refused(
    client: Any, alice: Any, owned_action: Any
) -> None:
    client.force_login(alice)
    response = client.post(
        reverse("partnerships:action_update", args=[owned_action.code]),
        {"status": "done", "progress": 100, "note": ""},
    )
    assert response.status_code == 400
    assert "form-errors" in response.text
    owned_action.refresh_from_db()
    assert owned_action.status == "planned"
    assert not AuditEntry.objects.filter(action="partnerships.action_status_changed").exists()


def test_overdue_actions_are_highlighted_and_listed(
    client: Any, alice: Any, ecuador_plan: Any, make_action: Any, yesterday: Any
) -> None:
    late = make_action(ecuador_plan, "Late action", due_date=yesterday)
    make_action(ecuador_plan, "On time action")
    client.force_login(alice)
    plan_page = client.get(reverse("partnerships:plan_detail", args=[ecuador_plan.code])).text
    assert 'class="row-overdue"' in plan_page
    overdue = client.get(reverse("partnerships:overdue_list")).text
    assert "Late action" in overdue
    assert "On time action" not in overdue
    detail = client.get(
        reverse("partnerships:agreement_detail", args=[ecuador_plan.agreement.code])
    ).text
    assert reverse("partnerships:action_detail", args=[late.code]) in detail


def test_the_focal_point_adds_evidence_that_only_insiders_can_download(
    client: Any, focal: Any, charlie: Any, owned_action: Any
) -> None:
    client.force_login(focal)
    response = client.post(
        reverse("partnerships:evidence_add", args=[owned_action.code]),
        {
            "title": "Attendance list",
            "document": SimpleUploadedFile("list.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.added_by == focal
    assert "list.pdf" not in evidence.document.name  # stored under a random name
    url = reverse("partnerships:evidence_download", args=[evidence.code])
    assert client.get(url).status_code == 200
    client.force_login(charlie)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_evidence_needs_a_document_or_a_link(client: Any, alice: Any, owned_action: Any) -> None:
    client.force_login(alice)
    response = client.post(
        reverse("partnerships:evidence_add", args=[owned_action.code]), {"title": "Nothing"}
    )
    assert response.status_code == 400
    assert "Attach a document or give a link." in response.text
    ok = client.post(
        reverse("partnerships:evidence_add", args=[owned_action.code]),
        {"title": "Web page", "link": "https://example.org/report"},
    )
    assert ok.status_code == 302


def test_indicators_are_added_by_the_administration_and_measured_by_the_owner(
    client: Any, alice: Any, focal: Any, owned_action: Any
) -> None:
    client.force_login(alice)
    client.post(
        reverse("partnerships:indicator_add", args=[owned_action.code]),
        {"name": "Brokers trained", "unit": "people", "baseline": "0", "target": "300"},
    )
    indicator = owned_action.indicators.get()
    client.force_login(focal)
    assert (
        client.post(
            reverse("partnerships:indicator_add", args=[owned_action.code]), {"name": "x"}
        ).status_code
        == 404
    )
    prefix = str(indicator.code)
    client.post(
        reverse("partnerships:indicator_measure", args=[indicator.code]),
        {f"{prefix}-measured": "120", f"{prefix}-measured_on": "2024-06-30"},
    )
    indicator.refresh_from_db()
    assert indicator.measured == 120
    assert AuditEntry.objects.filter(action="partnerships.indicator_measured").exists()


def test_an_activity_records_participants_and_creates_follow_up_actions(
    client: Any, alice: Any, loi: Any, ecuador: Any, ecuador_plan: Any
) -> None:
    client.force_login(alice)
    response = client.post(
        reverse("partnerships:activity_create", args=[loi.code]),
        {
            "kind": "workshop",
            "title": "Regional workshop",
            "held_on": "2023-04-18",
            "place": "Guayaquil",
            "mode": "hybrid",
            "organisers": [ecuador.pk],
        },
    )
    activity = loi.activities.get()
    assert response.url == reverse("partnerships:activity_detail", args=[activity.code])
    for kind, region, count in [
        ("customs", "AMS", 60),
        ("private", "AMS", 30),
        ("international", "", 10),
    ]:
        client.post(
            reverse("partnerships:participants_add", args=[activity.code]),
            {"organisation_kind": kind, "wco_region": region, "count": count},
        )
    assert activity.participant_total() == 100
    page = client.get(reverse("partnerships:activity_detail", args=[activity.code])).text
    assert "Americas and Caribbean" in page
    client.post(
        reverse("partnerships:action_create", args=[ecuador_plan.code])
        + f"?activity={activity.code}",
        {"title": "Follow-up", "customs_owner": "Integrity unit"},
    )
    assert Action.objects.get().source_activity == activity
    assert (
        "Follow-up"
        in client.get(reverse("partnerships:activity_detail", args=[activity.code])).text
    )


def test_the_public_page_shows_only_published_agreements_and_actions(
    client: Any, alice: Any, loi: Any, owned_action: Any, ecuador_plan: Any, make_action: Any
) -> None:
    make_action(ecuador_plan, "Internal investigation step")
    public_url = reverse("public_agreements:detail", args=[loi.code])
    assert client.get(public_url).status_code == 404
    client.force_login(alice)
    client.post(reverse("partnerships:agreement_publish", args=[loi.code]), {"publish": "1"})
    client.post(reverse("partnerships:action_publish", args=[owned_action.code]), {"publish": "1"})
    client.logout()
    page = client.get(public_url)
    assert page.status_code == 200
    assert loi.title in page.text
    assert "Train brokers" in page.text
    assert "Internal investigation step" not in page.text
    assert loi.title in client.get(reverse("public_agreements:list")).text
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"partnerships.agreement_published", "partnerships.action_published"} <= actions


def test_the_public_page_speaks_every_ui_language(client: Any, loi: Any) -> None:
    loi.is_public = True
    loi.save()
    for language in ("en", "es", "fr", "pt"):
        response = client.get(
            reverse("public_agreements:detail", args=[loi.code]), HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 200
        assert f'<html lang="{language}">' in response.text


def test_an_unpublished_signed_text_is_not_public(client: Any, loi: Any) -> None:
    loi.signed_text = SimpleUploadedFile("loi.pdf", PDF)
    loi.save()
    url = reverse("public_agreements:document", args=[loi.code])
    assert client.get(url).status_code == 404
    loi.is_public = True
    loi.save()
    assert client.get(url).status_code == 200


def test_a_program_renamed_to_pdf_is_refused(client: Any, alice: Any, owned_action: Any) -> None:
    client.force_login(alice)
    response = client.post(
        reverse("partnerships:evidence_add", args=[owned_action.code]),
        {
            "title": "Report",
            "document": SimpleUploadedFile("report.pdf", b"MZ\x90\x00", "application/pdf"),
        },
    )
    assert response.status_code == 400
    assert "does not match its type" in response.text
    assert not Evidence.objects.exists()


def test_files_larger_than_20_mb_are_refused(client: Any, alice: Any, owned_action: Any) -> None:
    client.force_login(alice)
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024), "application/pdf")
    response = client.post(
        reverse("partnerships:evidence_add", args=[owned_action.code]),
        {"title": "Big", "document": big},
    )
    assert response.status_code == 400
    assert "larger than 20 MB" in response.text
    assert not Evidence.objects.exists()


def test_the_focal_point_finds_the_actions_their_organisation_owns(
    client: Any, focal: Any, owned_action: Any, ecuador_plan: Any, make_action: Any
) -> None:
    make_action(ecuador_plan, "Customs-only work")
    client.force_login(focal)
    page = client.get(reverse("partnerships:agreement_list")).text
    assert "Actions your organisation owns" in page
    assert reverse("partnerships:action_detail", args=[owned_action.code]) in page
    assert "Customs-only work" not in page


def test_an_owner_outside_the_agreement_sees_the_plan_but_not_the_agreement(
    client: Any, make_user: Any, other_company: Any, ecuador_plan: Any, make_action: Any
) -> None:
    action = make_action(ecuador_plan, "Forwarder work", private_owner=other_company)
    client.force_login(make_user("omar", other_company, "private_focal_point"))
    agreement_url = reverse("partnerships:agreement_detail", args=[ecuador_plan.agreement.code])
    assert client.get(agreement_url).status_code == 404
    page = client.get(reverse("partnerships:action_detail", args=[action.code]))
    assert page.status_code == 200
    assert agreement_url not in page.text
    assert "Update status and progress" in page.text


def test_an_update_whose_author_is_gone_still_shows_on_the_action_page(
    client: Any, alice: Any, owned_action: Any
) -> None:
    from arusha.partnerships.models import ActionUpdate

    ActionUpdate.objects.create(
        action=owned_action,
        author=None,
        from_status="planned",
        to_status="in_progress",
        progress=10,
        note="Started before the account was removed",
    )
    client.force_login(alice)
    response = client.get(reverse("partnerships:action_detail", args=[owned_action.code]))
    assert response.status_code == 200
    assert "Started before the account was removed" in response.text
    assert "former user" in response.text


def test_a_measurement_beyond_the_field_is_refused_on_the_page(
    client: Any, focal: Any, owned_action: Any
) -> None:
    from arusha.partnerships.models import Indicator

    indicator = Indicator.objects.create(action=owned_action, name="Brokers trained")
    client.force_login(focal)
    client.post(
        reverse("partnerships:indicator_measure", args=[indicator.code]),
        {f"{indicator.code}-measured": "1e20", f"{indicator.code}-measured_on": "2024-05-01"},
    )
    indicator.refresh_from_db()
    assert indicator.measured is None
    page = client.get(reverse("partnerships:action_detail", args=[owned_action.code]))
    assert page.status_code == 200
