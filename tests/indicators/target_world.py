"""Fixtures and builders shared by the targets, imports, evaluation-page and entries tests:
Kon Rẫy district (7 communes) with the accounts that hand, enter and read its targets (the
records themselves come from ``tests/indicators/factories.py``).
Import the fixtures into a test module with ``from .target_world import *``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from tests import factories
from vuonlen.accounts.roles import Role
from vuonlen.geo.models import AdministrativeUnit, Level
from vuonlen.indicators import evaluation
from vuonlen.indicators.models import Indicator

KON_RAY, CITY = "614", "608"  # Huyện Kon Rẫy (7 communes), Thành phố Kon Tum


@dataclass
class World:
    province: AdministrativeUnit
    district: AdministrativeUnit
    communes: list[AdministrativeUnit]
    city: AdministrativeUnit
    city_commune: AdministrativeUnit
    province_secretariat: object
    secretariat: object
    city_secretariat: object
    viewer: object
    officer: object
    admin: object

    @property
    def commune(self) -> AdministrativeUnit:
        return self.communes[0]


@pytest.fixture(autouse=True)
def _fresh_live_cache():
    # The evaluation caches a past cut-off's totals by the last roll-up refresh, which a test
    # that writes no roll-ups never moves.
    evaluation._LIVE_CACHE.clear()
    yield
    evaluation._LIVE_CACHE.clear()


@pytest.fixture
def world(kontum) -> World:
    district = factories.unit(KON_RAY, level=Level.DISTRICT)
    city = factories.unit(CITY, level=Level.DISTRICT)
    communes = list(AdministrativeUnit.objects.filter(parent=district).order_by("name_sort"))
    return World(
        province=kontum, district=district, communes=communes, city=city,
        city_commune=AdministrativeUnit.objects.filter(parent=city).order_by("name_sort").first(),
        province_secretariat=factories.make_user(Role.SECRETARIAT, kontum, username="tt.tinh"),
        secretariat=factories.make_user(Role.SECRETARIAT, district, username="tt.konray", full_name="Thường trực Kon Rẫy"),
        city_secretariat=factories.make_user(Role.SECRETARIAT, city, username="tt.thanhpho"),
        viewer=factories.make_user(Role.VIEWER, district, username="lanhdao.konray"),
        officer=factories.make_user(Role.COMMUNE_OFFICER, communes[0], username="canbo.xa1"),
        admin=factories.make_user(Role.SYSADMIN, kontum, username="quantri.tinh"),
    )


def indicator(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


D = dt.date

__all__ = ["World", "world", "indicator", "D", "_fresh_live_cache"]
