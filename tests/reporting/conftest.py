"""A small Kon Rẫy: the district steering committee asks its agencies, unions and the communes'
steering committees for a quarterly report; users for each role; files stored in a temporary
MEDIA_ROOT. The records themselves come from ``tests/reporting/factories.py``."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.reporting.factories import ObligationFactory, ScheduleFactory
from vuonlen.accounts.models import OrgKind
from vuonlen.accounts.roles import Role
from vuonlen.core.periods import VN_TZ, Period, PeriodKind
from vuonlen.geo.models import Level

Q1, Q2, Q3, Q4 = (Period(2023, PeriodKind.QUARTER, i) for i in range(1, 5))


def vn(year, month, day, hour=9, minute=0, second=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=VN_TZ)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def district(kontum):
    return factories.unit("614", level=Level.DISTRICT)  # Huyện Kon Rẫy


@pytest.fixture
def other_district(kontum):
    return factories.unit("610", level=Level.DISTRICT)  # Huyện Đắk Glei


@pytest.fixture
def commune_x(kontum):
    return factories.unit("23485")  # Xã Đắk Tơ Lung


@pytest.fixture
def commune_y(kontum):
    return factories.unit("23497")  # Xã Tân Lập


class World:
    """The organisations and the schedule of one district."""


@pytest.fixture
def world(kontum, district, other_district, commune_x, commune_y):
    w = World()
    w.province = kontum
    w.district = district
    w.province_bcd = factories.make_org(kontum, OrgKind.STEERING_COMMITTEE, "Ban Chỉ đạo Cuộc vận động tỉnh")
    w.bcd = factories.make_org(district, OrgKind.STEERING_COMMITTEE, "Ban Chỉ đạo Cuộc vận động huyện Kon Rẫy")
    w.front = factories.make_org(district, OrgKind.FATHERLAND_FRONT, "Ủy ban MTTQ Việt Nam huyện Kon Rẫy")
    w.farmers = factories.make_org(district, OrgKind.FARMERS_UNION, "Hội Nông dân huyện Kon Rẫy")
    w.youth = factories.make_org(district, OrgKind.YOUTH_UNION, "Huyện đoàn Kon Rẫy")
    w.agency = factories.make_org(district, OrgKind.AGENCY, "Phòng Dân tộc huyện Kon Rẫy")
    w.bcd_x = factories.make_org(commune_x, OrgKind.STEERING_COMMITTEE, "Ban Chỉ đạo Cuộc vận động xã Đắk Tơ Lung")
    w.bcd_y = factories.make_org(commune_y, OrgKind.STEERING_COMMITTEE, "Ban Chỉ đạo Cuộc vận động xã Tân Lập")
    w.front_x = factories.make_org(commune_x, OrgKind.FATHERLAND_FRONT, "Ủy ban MTTQ Việt Nam xã Đắk Tơ Lung")
    w.elsewhere = factories.make_org(other_district, OrgKind.FARMERS_UNION, "Hội Nông dân huyện Đắk Glei")
    w.schedule = ScheduleFactory(issuer=w.bcd)
    for kind in (OrgKind.FARMERS_UNION, OrgKind.YOUTH_UNION, OrgKind.AGENCY):
        ObligationFactory(schedule=w.schedule, org_kind=kind, unit_level=Level.DISTRICT)
    ObligationFactory(schedule=w.schedule, org_kind=OrgKind.STEERING_COMMITTEE, unit_level=Level.COMMUNE)
    # People
    w.farmers_user = factories.make_user(Role.REPORTING_UNIT, organisation=w.farmers, username="hnd",
                                         full_name="Y Nhi", email="hnd@example.vn")
    w.farmers_user2 = factories.make_user(Role.REPORTING_UNIT, organisation=w.farmers, username="hnd2",
                                          full_name="A Blong")
    w.youth_user = factories.make_user(Role.REPORTING_UNIT, organisation=w.youth, username="hd")
    w.commune_officer = factories.make_user(Role.COMMUNE_OFFICER, commune_x, username="canbo.x",
                                            email="canbo.x@example.vn")
    w.secretariat = factories.make_user(Role.SECRETARIAT, organisation=w.front, username="tt.huyen",
                                        full_name="Thường trực huyện")
    w.secretariat2 = factories.make_user(Role.SECRETARIAT, organisation=w.front, username="tt.huyen2",
                                         full_name="Phó thường trực huyện")
    w.other_secretariat = factories.make_user(Role.SECRETARIAT, other_district, username="tt.khac")
    w.viewer = factories.make_user(Role.VIEWER, district, username="lanhdao")
    w.mentor = factories.make_user(Role.MENTOR, commune_x, username="phutrach")
    return w

