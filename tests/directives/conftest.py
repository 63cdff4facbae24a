"""Builders for the directives tests: the Kon Rẫy district (code 614) with its steering
committee, agencies and communes, and a second district whose records must stay invisible."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.directives.factories import DocumentFactory, TaskFactory, TaskUpdateFactory
from vuonlen.accounts.models import OrgKind
from vuonlen.accounts.roles import Role
from vuonlen.core.periods import VN_TZ
from vuonlen.directives.models import DeadlineKind, ExpectedOutput
from vuonlen.geo.models import Level

KON_RAY = "614"
KON_PLONG = "613"  # another district of Kon Tum: out of the Kon Rẫy secretariat's scope


def at(day: str, hour: int = 9, minute: int = 0) -> dt.datetime:
    d, m, y = (int(x) for x in day.split("/"))
    return dt.datetime(y, m, d, hour, minute, tzinfo=VN_TZ)


def day(text: str) -> dt.date:
    d, m, y = (int(x) for x in text.split("/"))
    return dt.date(y, m, d)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploads go to a throw-away folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


class World:
    def __init__(self):
        self.district = factories.unit(KON_RAY, level=Level.DISTRICT)
        self.other_district = factories.unit(KON_PLONG, level=Level.DISTRICT)
        self.commune = factories.unit("23485")  # Xã Đắk Tơ Lung, Kon Rẫy
        self.province = factories.unit("62", level=Level.PROVINCE)
        org = factories.make_org
        self.bcd = org(self.district, OrgKind.STEERING_COMMITTEE, "Ban Chỉ đạo Cuộc vận động huyện Kon Rẫy")
        self.front = org(self.district, OrgKind.FATHERLAND_FRONT, "Ủy ban MTTQ Việt Nam huyện Kon Rẫy")
        self.people = org(self.district, OrgKind.PEOPLES_COMMITTEE, "Ủy ban nhân dân huyện Kon Rẫy")
        self.farmers = org(self.district, OrgKind.FARMERS_UNION, "Hội Nông dân huyện Kon Rẫy")
        self.women = org(self.district, OrgKind.WOMENS_UNION, "Hội Liên hiệp Phụ nữ huyện Kon Rẫy")
        self.commune_bcd = org(self.commune, OrgKind.STEERING_COMMITTEE, "Ban Chỉ đạo Cuộc vận động xã Đắk Tơ Lung")
        self.other_bcd = org(self.other_district, OrgKind.STEERING_COMMITTEE, "Ban Chỉ đạo Cuộc vận động huyện Kon Plông")
        self.other_farmers = org(self.other_district, OrgKind.FARMERS_UNION, "Hội Nông dân huyện Kon Plông")
        self.province_bcd = org(self.province, OrgKind.STEERING_COMMITTEE, "Ban Chỉ đạo Cuộc vận động tỉnh")
        user = factories.make_user
        self.secretary = user(Role.SECRETARIAT, organisation=self.front, username="thuongtruc.konray")
        self.province_secretary = user(Role.SECRETARIAT, self.province, username="thuongtruc.tinh")
        self.other_secretary = user(Role.SECRETARIAT, self.other_district, username="thuongtruc.konplong")
        self.farmer_user = user(Role.REPORTING_UNIT, organisation=self.farmers, username="hoinongdan")
        self.women_user = user(Role.REPORTING_UNIT, organisation=self.women, username="phunu")
        self.other_farmer_user = user(Role.REPORTING_UNIT, organisation=self.other_farmers, username="hnd.konplong")
        self.commune_officer = user(Role.COMMUNE_OFFICER, self.commune, username="canbo.dtl")
        self.viewer = user(Role.VIEWER, self.district, username="lanhdao.konray")

    # The scenario's own shorthand (dates as dd/mm/yyyy, the district's committee as the
    # issuer) over the factories of tests/directives/factories.py.
    def document(self, number="103-TB/BCĐ", date="12/7/2023", issuer=None, **extra):
        return DocumentFactory(issuer=issuer or self.bcd, number=number, date=day(date), **extra)

    def task(self, document, lead, text="Rà soát, báo cáo các mô hình", deadline="31/7/2023",
             kind=DeadlineKind.DATE, coordinating=(), output=ExpectedOutput.REPORT):
        return TaskFactory(document=document, lead=lead, coordinating=coordinating, text=text, expected_output=output,
                           deadline_kind=kind, deadline=day(deadline) if deadline else None)

    def report(self, task, org, state="done", when=None, text="Đã hoàn thành", files=()):
        return TaskUpdateFactory(task=task, organisation=org, progress=text, state=state, at=when, files=files)


@pytest.fixture
def world(kontum):
    return World()
