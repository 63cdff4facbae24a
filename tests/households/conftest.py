from __future__ import annotations

import pytest

from tests import factories
from tests.geo.factories import VillageFactory
from vuonlen.accounts.roles import Role

from .factories import HouseholdFactory


@pytest.fixture
def officer_a(commune_a):
    return factories.make_user(Role.COMMUNE_OFFICER, commune_a)


@pytest.fixture
def officer_b(commune_b):
    return factories.make_user(Role.COMMUNE_OFFICER, commune_b)


@pytest.fixture
def viewer_district(commune_a):
    """A leader of the district (TP Kon Tum) that holds both test communes."""
    return factories.make_user(Role.VIEWER, commune_a.parent)


@pytest.fixture
def mentor_a(commune_a):
    return factories.make_user(Role.MENTOR, commune_a)


@pytest.fixture
def village_a(commune_a):
    return VillageFactory(commune=commune_a, name="Tổ 1")


@pytest.fixture
def household_a(village_a):
    return HouseholdFactory(unit=village_a, code="QT-001", members=[
        {"full_name": "A Blong", "sex": "Nam", "relation": "Chủ hộ", "birth_year": 1980,
         "citizen_id": "062080001234"},
        {"full_name": "Y Hiên", "sex": "Nữ", "relation": "Vợ", "birth_year": 1983},
        {"full_name": "A Tuấn", "sex": "Nam", "relation": "Con", "birth_date": "07/06/2010"},
    ])


@pytest.fixture
def household_b(commune_b):
    return HouseholdFactory(unit=commune_b, code="DT-001", members=[
        {"full_name": "Y Đơm", "sex": "Nữ", "relation": "Chủ hộ", "birth_year": 1975, "citizen_id": "062175005678"},
    ])
