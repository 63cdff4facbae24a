"""A small world (a scenario) for village surveys and household plans: Kon Rẫy district (614)
with two communes and two villages, Kon Plông (613) whose records must stay invisible; the
accounts of each role; a Women's Union of the commune with its own account. Built from the
rooms' factories (``tests/<room>/factories.py``, accounts through ``tests.factories``)."""

from __future__ import annotations

import datetime as dt

from tests import factories
from tests.campaign.factories import MentorAssignmentFactory
from tests.geo.factories import VillageFactory
from tests.households.factories import HouseholdFactory, ReviewFactory
from tests.worlds import KonRayWorld
from vuonlen.accounts.models import OrgKind
from vuonlen.accounts.roles import Role
from vuonlen.surveys.catalogue import ensure_catalogue
from vuonlen.surveys.models import PovertyCause

D = dt.date


class World(KonRayWorld):
    def __init__(self):
        ensure_catalogue()  # a transactional (browser) test flushes the seeded catalogue
        super().__init__()
        self.village = VillageFactory(commune=self.commune, name="Thôn 4")
        self.village2 = VillageFactory(commune=self.commune, name="Làng Kon Klor")
        self.other_village = VillageFactory(commune=self.other_commune, name="Thôn 1")
        org = factories.make_org
        self.women = org(self.commune, OrgKind.WOMENS_UNION, "Hội LHPN xã Đắk Tơ Lung")
        self.farmers = org(self.commune, OrgKind.FARMERS_UNION, "Hội Nông dân xã Đắk Tơ Lung")
        self.other_women = org(self.other_commune, OrgKind.WOMENS_UNION, "Hội LHPN xã khác")
        self.agency = org(self.province, OrgKind.AGENCY, "Sở Nông nghiệp và Môi trường")
        user = factories.make_user
        self.province_secretary = user(Role.SECRETARIAT, self.province, username="tt.tinh")
        self.officer = user(Role.COMMUNE_OFFICER, self.commune, username="canbo.dtl")
        self.other_officer = user(Role.COMMUNE_OFFICER, self.other_commune, username="canbo.khac")
        self.mentor = user(Role.MENTOR, self.commune, username="phutrach", full_name="A Thút")
        self.viewer = user(Role.VIEWER, self.province, username="lanhdao")
        self.women_user = user(Role.REPORTING_UNIT, organisation=self.women, username="phunu.dtl")
        self.other_women_user = user(Role.REPORTING_UNIT, organisation=self.other_women, username="phunu.khac")

    def cause(self, code: str) -> PovertyCause:
        return PovertyCause.objects.get(code=code)

    def poor_households(self, n: int, unit=None, prefix: str = "H", year: int = 2025):
        unit = unit or self.village
        made = []
        for i in range(n):
            household = HouseholdFactory(unit=unit, members=[f"Y Hoa {prefix}{i}"], code=f"{prefix}{unit.pk}-{i:03d}")
            ReviewFactory(household=household, year=year, income=1_000_000, recognised=True)
            household.refresh_from_db()
            made.append(household)
        return made

    def assign(self, households, mentor=None):
        MentorAssignmentFactory.each(households, mentor=mentor or self.mentor, started_on=D(2025, 1, 1))
