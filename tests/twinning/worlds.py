"""A small world (a scenario) for the twinning and ledger tests: Kon Rẫy district (614) with two
communes, Kon Plông (613) whose records must stay invisible, province partners and their accounts.
Built from the rooms' factories (``tests/<room>/factories.py``, accounts through ``tests.factories``)."""

from __future__ import annotations

import datetime as dt

from tests import factories
from tests.geo.factories import VillageFactory
from tests.households.factories import HouseholdFactory
from tests.worlds import KonRayWorld
from vuonlen.accounts.models import OrgKind
from vuonlen.accounts.roles import Role

D = dt.date


class World(KonRayWorld):
    def __init__(self):
        super().__init__()
        self.village = VillageFactory(commune=self.commune, name="Thôn 4")
        self.village2 = VillageFactory(commune=self.commune, name="Thôn 5")
        org = factories.make_org
        self.rubber = org(self.province, OrgKind.ENTERPRISE, "Công ty Cổ phần Cao su Kon Tum")
        self.agency = org(self.province, OrgKind.AGENCY, "Sở Nông nghiệp và Môi trường")
        self.army = org(self.province, OrgKind.ARMED_FORCES, "Bộ Chỉ huy Quân sự tỉnh")
        self.bank = org(self.province, OrgKind.AGENCY, "Chi nhánh Ngân hàng Chính sách xã hội tỉnh")
        self.front = org(self.district, OrgKind.FATHERLAND_FRONT, "Ủy ban MTTQ Việt Nam huyện Kon Rẫy")
        self.other_front = org(self.other_district, OrgKind.FATHERLAND_FRONT, "Ủy ban MTTQ Việt Nam huyện Kon Plông")
        self.steering = org(self.province, OrgKind.STEERING_COMMITTEE, "Ban Chỉ đạo tỉnh")
        user = factories.make_user
        self.province_secretary = user(Role.SECRETARIAT, self.province, username="tt.tinh")
        self.secretary = user(Role.SECRETARIAT, organisation=self.front, username="tt.konray")
        self.other_secretary = user(Role.SECRETARIAT, organisation=self.other_front, username="tt.konplong")
        self.rubber_user = user(Role.REPORTING_UNIT, organisation=self.rubber, username="caosu")
        self.army_user = user(Role.REPORTING_UNIT, organisation=self.army, username="quansu")
        self.officer = user(Role.COMMUNE_OFFICER, self.commune, username="canbo.dtl")
        self.officer2 = user(Role.COMMUNE_OFFICER, self.commune2, username="canbo.xa2")
        self.mentor = user(Role.MENTOR, self.commune, username="phutrach")
        self.viewer = user(Role.VIEWER, self.province, username="lanhdao")

    def households(self, n: int, unit=None, prefix: str = "H"):
        unit = unit or self.village
        return [HouseholdFactory(unit=unit, code=f"{prefix}{unit.pk}-{i:03d}") for i in range(n)]
