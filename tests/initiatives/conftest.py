"""Builders for the models tests: Kon Rẫy district (614) with Đắk Tơ Lung commune, its
fronts, a commune officer, a district secretariat, and a commune of another district whose
models the officer must never see."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.geo.factories import VillageFactory
from tests.households.factories import HouseholdFactory, ReviewFactory
from vuonlen.accounts.models import OrgKind
from vuonlen.accounts.roles import Role
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.geo.models import Level
from vuonlen.initiatives.models import Kind


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploads go to a throw-away folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


class World:
    def __init__(self):
        self.province = factories.unit("62", level=Level.PROVINCE)
        self.district = factories.unit("614", level=Level.DISTRICT)  # Kon Rẫy
        self.commune = factories.unit("23485")  # Đắk Tơ Lung
        self.other_district = factories.unit("613", level=Level.DISTRICT)  # Kon Plông
        self.other_commune = self.other_district.children.filter(level=Level.COMMUNE).order_by("code").first()
        self.village = VillageFactory(commune=self.commune, name="Thôn 4")
        org = factories.make_org
        self.district_front = org(self.district, OrgKind.FATHERLAND_FRONT, "Ủy ban MTTQ Việt Nam huyện Kon Rẫy")
        self.commune_front = org(self.commune, OrgKind.FATHERLAND_FRONT, "Ủy ban MTTQ Việt Nam xã Đắk Tơ Lung")
        self.other_front = org(self.other_commune, OrgKind.FATHERLAND_FRONT, "Ủy ban MTTQ xã khác")
        self.officer = factories.make_user(Role.COMMUNE_OFFICER, self.commune, username="canboxa")
        self.other_officer = factories.make_user(Role.COMMUNE_OFFICER, self.other_commune, username="canboxakhac")
        self.secretariat = factories.make_user(Role.SECRETARIAT, self.district, username="thuongtruc")
        self.viewer = factories.make_user(Role.VIEWER, self.district, username="lanhdao")

    def model(self, *, name="Mô hình trồng sâm dây", unit=None, org=None, kind=Kind.CROPS, year=2023,
              actor=SYSTEM, **extra):
        """The commune front's model, unless told (``InitiativeFactory`` with the scenario's places)."""
        from tests.initiatives.factories import InitiativeFactory

        return InitiativeFactory(actor=actor, name=name, kind=kind, organisation=org or self.commune_front,
                                 unit=unit or self.commune, start_year=year, **extra)

    def household(self, name="Y Hiên Thị", citizen_id=None, unit=None, **extra):
        head = {"full_name": name}
        if citizen_id:
            head["citizen_id"] = citizen_id
        return HouseholdFactory(unit=unit or self.village, members=[head], **extra)


@pytest.fixture
def world(kontum):
    return World()


def poor(household, year):
    """A poor review (income far below the line, several deprivations)."""
    return ReviewFactory(household=household, year=year, income=500_000, lacking=["employment", "latrine", "telecom"])


def not_poor(household, year):
    return ReviewFactory(household=household, year=year, income=5_000_000)


JAN = dt.date(2023, 1, 10)
