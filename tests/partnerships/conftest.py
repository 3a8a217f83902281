"""Partnership personas on top of the shared ones: a regional letter of intent signed by Ecuador,
Peru and a chamber, each administration with its own action plan, and the chamber's focal point."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def focal(make_user: Any, association: Any) -> Any:
    return make_user("fiona", association, "private_focal_point")


@pytest.fixture
def other_company(db: None) -> Any:
    from arusha.core.models import Organisation

    return Organisation.objects.create(
        name="Andean Freight", short_name="AFL", kind="private", private_kind="company"
    )


@pytest.fixture
def loi(ecuador: Any, peru: Any, association: Any) -> Any:
    from arusha.partnerships.models import Agreement, Commitment, Signatory

    agreement = Agreement.objects.create(
        kind="letter_of_intent",
        title="Regional letter of intent on integrity",
        scope="regional",
        wco_region="AMS",
        administration=ecuador,
        status="in_force",
        date_signed=date(2022, 6, 24),
    )
    for org in (ecuador, peru, association):
        Signatory.objects.create(agreement=agreement, organisation=org, signed_on=date(2022, 6, 24))
    Commitment.objects.create(
        agreement=agreement, number=1, text="Lead from the top", binds="joint", key_factors=[1]
    )
    Commitment.objects.create(
        agreement=agreement,
        number=2,
        text="Publish procedures",
        binds="customs",
        key_factors=[3, 10],
    )
    return agreement


def _plan(agreement: Any, administration: Any) -> Any:
    from arusha.partnerships.models import ActionPlan

    return ActionPlan.objects.create(
        agreement=agreement, administration=administration, title=f"Plan of {administration}"
    )


@pytest.fixture
def ecuador_plan(loi: Any, ecuador: Any) -> Any:
    return _plan(loi, ecuador)


@pytest.fixture
def peru_plan(loi: Any, peru: Any) -> Any:
    return _plan(loi, peru)


@pytest.fixture
def make_action() -> Any:
    from arusha.partnerships.models import Action

    def make(plan: Any, title: str = "An action", **extra: Any) -> Action:
        commitments = extra.pop("commitments", [])
        action = Action.objects.create(
            plan=plan,
            number=Action.next_number(plan),
            title=title,
            customs_owner="Integrity unit",
            **extra,
        )
        action.commitments.set(commitments)
        return action

    return make


@pytest.fixture
def owned_action(make_action: Any, ecuador_plan: Any, association: Any) -> Any:
    """An Ecuadorian action whose private-side owner is the chamber."""
    return make_action(
        ecuador_plan,
        "Train brokers",
        private_owner=association,
        commitments=list(ecuador_plan.agreement.commitments.filter(number=1)),
    )


@pytest.fixture
def yesterday() -> date:
    return timezone.localdate() - timedelta(days=1)
