from __future__ import annotations

import pytest

from tests import factories
from tests.geo.factories import VillageFactory
from tests.households.factories import HouseholdFactory, ReviewFactory
from vuonlen.accounts.roles import Role


@pytest.fixture
def village_a(commune_a):
    return VillageFactory(commune=commune_a, name="Tổ 1")


@pytest.fixture
def officer_a(commune_a):
    return factories.make_user(Role.COMMUNE_OFFICER, commune_a, full_name="Cán bộ xã A")


@pytest.fixture
def officer_b(commune_b):
    return factories.make_user(Role.COMMUNE_OFFICER, commune_b)


@pytest.fixture
def mentor(commune_a):
    return factories.make_user(Role.MENTOR, commune_a, full_name="A Thút")


@pytest.fixture
def other_mentor(commune_a):
    return factories.make_user(Role.MENTOR, commune_a, full_name="Y Hoa")


@pytest.fixture
def homes(village_a):
    """Three EM households of commune A, poor in 2023."""
    made = []
    for i in range(3):
        household = HouseholdFactory(unit=village_a, members=[f"A Blong {i}"], code=f"QT-{i + 1:03d}")
        ReviewFactory(household=household, year=2023, income=1_000_000, recognised=True)
        household.refresh_from_db()
        made.append(household)
    return made


@pytest.fixture
def home_b(commune_b):
    household = HouseholdFactory(unit=commune_b, members=["Y Đơm"], code="DT-001")
    ReviewFactory(household=household, year=2023, income=1_000_000, recognised=True)
    household.refresh_from_db()
    return household
