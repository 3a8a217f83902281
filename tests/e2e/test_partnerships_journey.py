"""An integrity officer records an MoU, its signatories and commitments, builds an action plan,
marks an action done with evidence and sees progress move; an anonymous visitor then reads the
published agreement on the public page."""

from __future__ import annotations

import io
from typing import Any

from tests.conftest import PASSWORD

PDF = {"name": "signed-mou.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% mou\n"}
PHONE = {"width": 390, "height": 844}


def _workbook(*rows: list[Any]) -> dict[str, Any]:
    from openpyxl import Workbook

    from arusha.partnerships.exports import ACTION_COLUMNS

    book = Workbook()
    header = [str(c) for c in ACTION_COLUMNS]
    header = [c for c in header if c not in {"Agreement", "Administration", "Number"}]
    book.active.append(header[:8])
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return {"name": "plan.xlsx", "mimeType": xlsx, "buffer": buffer.getvalue()}


def _sign_in(page: Any, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your organisations and roles").wait_for()


def _record_agreement(page: Any, screenshot: Any) -> None:
    page.get_by_role("link", name="Agreements").first.click()
    page.get_by_role("button", name="Record an agreement").click()
    page.get_by_label("Kind").select_option(label="Memorandum of understanding")
    page.get_by_label("Title").fill("MoU on integrity in foreign trade")
    page.get_by_label("Scope").select_option(label="National")
    page.get_by_label("Status").select_option(label="In force")
    page.get_by_label("Date signed").fill("2024-03-01")
    page.get_by_label("Signed text").set_input_files(files=[PDF])
    screenshot(page, "partnerships-01-new-agreement")
    page.get_by_role("button", name="Save the agreement").click()
    page.get_by_role("heading", name="MoU on integrity in foreign trade").wait_for()


def _add_signatory(page: Any, organisation: str, signed_by: str) -> None:
    page.get_by_role("button", name="Add a signatory").click()
    page.get_by_label("Organisation").select_option(label=organisation)
    page.get_by_label("Signed by").fill(signed_by)
    page.get_by_label("In the capacity of").fill("Head of the organisation")
    page.get_by_label("Signed on").fill("2024-03-01")
    page.get_by_role("button", name="Add the signatory").click()
    page.get_by_role("heading", name="Signatories").wait_for()


def _add_commitments(page: Any) -> None:
    page.get_by_role("button", name="Add a commitment").click()
    page.locator("#id_text").fill("Meet every quarter to review integrity risks.")
    page.get_by_label("Binds").select_option(label="Joint")
    page.get_by_label("Relationship with the private sector").check()
    page.get_by_role("button", name="Save and add another").click()
    page.locator("#id_text").fill("Train the chamber's members on the code of conduct.")
    page.get_by_label("Binds").select_option(label="Private sector")
    page.get_by_label("Code of conduct").check()
    page.get_by_role("button", name="Save the commitment").click()
    page.get_by_role("heading", name="Commitments and their progress").wait_for()


def _add_action(page: Any, title: str, commitment: str) -> None:
    page.get_by_role("button", name="Add an action").click()
    page.locator("#id_title").fill(title)
    page.get_by_label(commitment).check()
    page.get_by_label("Owner in Customs").fill("Integrity unit")
    page.get_by_label("Owner in the private sector").select_option(
        label="Cámara de Comercio Exterior"
    )
    page.get_by_label("Start").fill("2024-04-01")
    page.get_by_label("Due").fill("2030-12-31")
    page.get_by_role("button", name="Save the action").click()
    page.get_by_role("link", name=title).wait_for()


def test_an_officer_builds_a_plan_and_the_public_sees_progress(
    page: Any, screenshot: Any, alice: Any, association: Any
) -> None:
    _sign_in(page, "alice")
    _record_agreement(page, screenshot)
    _add_signatory(page, "Servicio Nacional de Aduana del Ecuador", "Director General")
    _add_signatory(page, "Cámara de Comercio Exterior", "President")
    _add_commitments(page)
    assert page.locator("#overall-progress").inner_text().strip() == "no actions yet"

    page.get_by_role("button", name="Start an action plan").click()
    page.get_by_label("Title").fill("Joint plan 2024–2026")
    page.get_by_role("button", name="Create the plan").click()
    page.get_by_role("heading", name="Joint plan 2024–2026").wait_for()
    _add_action(page, "Hold the first integrity round table", "1. Meet every quarter")
    _add_action(page, "Train 400 brokers on the code", "2. Train the chamber")
    screenshot(page, "partnerships-02-plan")

    page.get_by_role("link", name="Hold the first integrity round table").click()
    page.get_by_label("Status").select_option(label="Done")
    page.get_by_label("Progress (%)").fill("100")
    page.get_by_label("Note").fill("Held on 15 May with 30 participants.")
    page.get_by_role("button", name="Save the update").click()
    page.get_by_text("The action is now “Done”.").wait_for()
    page.get_by_text("Add evidence").click()
    page.locator("#evidence").get_by_label("Title").fill("Minutes of the round table")
    page.get_by_label("Document").set_input_files(files=[PDF | {"name": "minutes.pdf"}])
    page.get_by_role("button", name="Add the evidence").click()
    page.get_by_role("link", name="Minutes of the round table").wait_for()
    page.get_by_role("button", name="Show on the public page").click()
    screenshot(page, "partnerships-03-action-done")

    page.get_by_role("link", name="MoU on integrity in foreign trade").click()
    assert "50%" in page.locator("#overall-progress").inner_text()
    commitments = page.locator("#commitments tbody tr")
    assert "100%" in commitments.nth(0).inner_text()
    assert "0%" in commitments.nth(1).inner_text()
    page.get_by_role("button", name="Publish on the public page").click()
    page.get_by_text("The agreement is now on the public page.").wait_for()
    screenshot(page, "partnerships-04-progress")
    page.set_viewport_size(PHONE)
    screenshot(page, "partnerships-05-progress-phone")

    page.locator("label[for=menu-toggle]").click()  # on a phone, sign-out is in the menu
    page.get_by_role("button", name="Sign out").click()
    page.goto("/public/agreements/")
    page.get_by_role("link", name="MoU on integrity in foreign trade").click()
    page.get_by_role("heading", name="MoU on integrity in foreign trade").wait_for()
    assert "50%" in page.locator("#public-progress").inner_text()
    public_actions = page.locator("#public-actions").inner_text()
    assert "Hold the first integrity round table" in public_actions
    assert "Train 400 brokers" not in public_actions
    screenshot(page, "partnerships-06-public-phone")
    page.get_by_label("Language").select_option("es")
    page.wait_for_function("document.documentElement.lang === 'es'")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "partnerships-07-public-es")


def test_the_demo_pages_read_well(page: Any, screenshot: Any, db: Any) -> None:
    from django.core.management import call_command

    from arusha.core.demo import DEMO_PASSWORD
    from arusha.partnerships.demo import LOI_TITLE
    from arusha.partnerships.models import Agreement

    call_command("load_demo")
    loi = Agreement.objects.get(title=LOI_TITLE)
    page.goto("/login/")
    page.get_by_label("Username").fill("integrity")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/partnerships/{loi.code}/")
    page.locator("#overdue").wait_for()
    screenshot(page, "partnerships-08-demo-letter-of-intent")
    page.locator("#plans a").first.click()
    screenshot(page, "partnerships-09-demo-plan")
    page.set_viewport_size(PHONE)
    screenshot(page, "partnerships-10-demo-plan-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # A malformed workbook: every problem is listed and nothing is imported.
    actions_before = page.locator("table.actions-table tbody tr").count()
    plan_url = page.url
    page.locator("a[href$='/import/']").click()
    bad = _workbook(["", "9", "Operaciones", None, "pronto", "2024-01-01", "terminada", 140])
    page.locator("#id_file").set_input_files(files=[bad])
    page.locator("form.narrow-form button[type=submit]").click()
    page.locator("#import-errors").wait_for()
    errors = page.locator("#import-errors li").all_inner_texts()
    # The demo user works in Spanish: the problems name the columns in Spanish too.
    assert any("Fila 2" in e and "Título" in e for e in errors), errors
    screenshot(page, "partnerships-12-import-errors")
    page.goto(plan_url)
    assert page.locator("table.actions-table tbody tr").count() == actions_before
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Cerrar sesión").click()
    # The regional coordinator sees the region's agreements and each administration's progress.
    # (The login page is in Spanish now: the language cookie outlives the session.)
    page.locator("#id_username").fill("coordinator")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/")
    page.goto("/partnerships/regions/AMS/")
    page.locator("article").first.wait_for()
    assert "Run integrity sessions for brokers" not in page.content()  # an unpublished action
    screenshot(page, "partnerships-11-demo-region")
