from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.geo.factories import VillageFactory
from tests.households.factories import HouseholdFactory
from vuonlen.campaign.models import Assessment
from vuonlen.geo.models import UnitLineage


@pytest.fixture
def commune_c(kontum):
    return factories.unit("23287")  # Phường Quyết Thắng: merged with Quang Trung into Phường Kon Tum


@pytest.fixture
def new_kontum(commune_a):
    """The post-2025 commune (Phường Kon Tum) that gathers Quang Trung, Quyết Thắng and others."""
    return UnitLineage.objects.get(old_unit=commune_a).new_unit


def assess(household, year: int, on: dt.date | None = None, **criteria) -> Assessment:
    return Assessment.objects.create(household=household, year=year, commune=household.commune,
                                     unit=household.unit, assessed_on=on or dt.date(year, 11, 1), **criteria)


@pytest.fixture
def assessed(commune_a, commune_c):
    """Commune A (one village): 3 assessed in 2023, 2 changed thinking; commune C: 1 assessed,
    changed. Plain average of the two communes' rates: 83,3%; the true rate: 3/4 = 75%."""
    village = VillageFactory(commune=commune_a, name="Thôn Plei Đôn")
    homes_a = [HouseholdFactory(unit=village, members=[f"A Hyưk {i}"]) for i in range(3)]
    home_c = HouseholdFactory(unit=commune_c, members=["Y Nhung"])
    rows = [assess(homes_a[0], 2023, changed_thinking=True, applies_technology=True),
            assess(homes_a[1], 2023, changed_thinking=True),
            assess(homes_a[2], 2023),
            assess(home_c, 2023, changed_thinking=True, applies_technology=True)]
    return {"village": village, "homes_a": homes_a, "home_c": home_c, "rows": rows}
