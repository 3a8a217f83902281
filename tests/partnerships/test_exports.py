"""Exports to CSV and XLSX: the way integrity units report, with the same access rules."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.urls import reverse
from openpyxl import load_workbook


def _csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_xlsx_export_has_agreements_commitments_and_actions(
    client: Any, alice: Any, loi: Any, owned_action: Any
) -> None:
    client.force_login(alice)
    response = client.get(reverse("partnerships:export_all", args=["xlsx"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Agreements", "Commitments", "Actions"]
    assert book["Agreements"]["C2"].value == loi.title
    assert book["Commitments"].max_row == 3
    assert book["Actions"]["D2"].value == "Train brokers"


def test_the_csv_export_holds_one_table(
    client: Any, alice: Any, loi: Any, owned_action: Any
) -> None:
    client.force_login(alice)
    rows = _csv(
        client.get(
            reverse("partnerships:agreement_export", args=[loi.code, "csv"]) + "?table=commitments"
        )
    )
    assert rows[0] == ["Agreement", "Number", "Commitment", "Binds", "Key factors"]
    assert rows[2][1:] == ["2", "Publish procedures", "customs", "3, 10"]
    assert (
        client.get(
            reverse("partnerships:agreement_export", args=[loi.code, "csv"]) + "?table=nope"
        ).status_code
        == 404
    )


def test_exports_leave_out_other_administrations_actions(
    client: Any, charlie: Any, loi: Any, owned_action: Any
) -> None:
    client.force_login(charlie)
    rows = _csv(client.get(reverse("partnerships:export_all", args=["csv"]) + "?table=actions"))
    assert len(rows) == 1  # the header only
    assert (
        loi.title in client.get(reverse("partnerships:export_all", args=["csv"])).content.decode()
    )


def test_cells_that_look_like_formulas_are_neutralised(
    client: Any, alice: Any, ecuador_plan: Any, make_action: Any
) -> None:
    make_action(ecuador_plan, '=HYPERLINK("http://evil.example","click")')
    client.force_login(alice)
    rows = _csv(
        client.get(
            reverse("partnerships:agreement_export", args=[ecuador_plan.agreement.code, "csv"])
        )
    )
    assert rows[1][3].startswith("'=")


def test_outsiders_cannot_export_an_agreement(client: Any, charlie: Any, ecuador: Any) -> None:
    from arusha.partnerships.models import Agreement

    mou = Agreement.objects.create(
        kind="mou", title="Private MoU", scope="national", administration=ecuador
    )
    client.force_login(charlie)
    assert (
        client.get(reverse("partnerships:agreement_export", args=[mou.code, "xlsx"])).status_code
        == 404
    )


def test_headings_sheet_names_and_statuses_follow_the_readers_language(
    client: Any, alice: Any, loi: Any, owned_action: Any
) -> None:
    from django.conf import settings

    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    # The table keeps its English name in the address.
    url = reverse("partnerships:agreement_export", args=[loi.code, "csv"]) + "?table=actions"
    rows = _csv(client.get(url))
    assert (rows[0][0], rows[0][1], rows[0][3]) == ("Acuerdo", "Administración", "Título")
    assert rows[0][-1] == "Código"
    assert rows[1][-1] == str(owned_action.code)
    assert "Planificada" in rows[1]
    book = load_workbook(
        io.BytesIO(
            client.get(reverse("partnerships:agreement_export", args=[loi.code, "xlsx"])).content
        )
    )
    assert book.sheetnames == ["Acuerdos", "Compromisos", "Acciones"]
    assert book["Compromisos"]["A1"].value == "Acuerdo"
