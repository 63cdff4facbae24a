"""The switch-over of organisations and role assignments from abolished units (1 July 2025)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests import factories
from vuonlen.accounts import scoping, switchover
from vuonlen.accounts.models import Organisation, OrgKind, RoleAssignment
from vuonlen.accounts.roles import ORG_MANAGE, REPORT_SUBMIT, UNIT_MANAGE_VILLAGES, UNIT_VIEW, Role
from vuonlen.core.models import AuditLog
from vuonlen.geo.models import REFORM_DATE, Era, Level

END = REFORM_DATE - dt.timedelta(days=1)


@pytest.fixture
def old_world(kontum, commune_a):
    w = type("OldWorld", (), {})()
    w.new_province = factories.unit("51", level=Level.PROVINCE, era=Era.POST_2025)
    w.phuong_kon_tum = factories.unit("23293", era=Era.POST_2025)
    w.district = factories.unit("614", level=Level.DISTRICT)  # Huyện Kon Rẫy
    w.commune_bcd = factories.make_org(commune_a, OrgKind.STEERING_COMMITTEE, "Ban Chỉ đạo phường Quang Trung")
    w.district_farmers = factories.make_org(w.district, OrgKind.FARMERS_UNION, "Hội Nông dân huyện Kon Rẫy")
    w.province_bcd = factories.make_org(kontum, OrgKind.STEERING_COMMITTEE, "Ban Chỉ đạo Cuộc vận động tỉnh")
    w.reporter = factories.make_user(Role.REPORTING_UNIT, organisation=w.commune_bcd, username="bcd.qt")
    w.officer = factories.make_user(Role.COMMUNE_OFFICER, commune_a, username="canbo.qt")
    w.district_secretariat = factories.make_user(Role.SECRETARIAT, w.district, username="tt.konray")
    w.admin = factories.make_user(Role.SYSADMIN, w.new_province, username="qtht")
    return w


def _by_key(proposals):
    return {str(p.record): p for p in proposals}


def test_proposals_follow_the_lineage(old_world):
    w = old_world
    proposals = _by_key(switchover.switchover_proposals(actor=w.admin))
    assert proposals["Ban Chỉ đạo phường Quang Trung"].proposed == w.phuong_kon_tum
    assert proposals["Ban Chỉ đạo Cuộc vận động tỉnh"].proposed == w.new_province
    district = proposals["Hội Nông dân huyện Kon Rẫy"]
    assert district.proposed is None  # a district body ends unless the administrator decides
    assert district.choices[0] == w.new_province and len(district.choices) > 1  # or a new commune
    kinds = sorted(p.kind for p in proposals.values())
    assert kinds.count("assignment") == 2  # the officer's and the district secretariat's (by unit)


def test_apply_moves_ends_and_keeps_history_read_only(old_world, commune_a):
    w = old_world
    decisions = {f"org-{w.district_farmers.pk}": str(w.new_province.pk)}
    result = switchover.switchover_apply(actor=w.admin, decisions=decisions)
    assert (result.continued_organisations, result.ended_organisations) == (3, 0)
    assert (result.continued_assignments, result.ended_assignments) == (2, 3)
    new_bcd = Organisation.objects.get(continues=w.commune_bcd)
    assert (new_bcd.unit, new_bcd.valid_from, new_bcd.is_active) == (w.phuong_kon_tum, REFORM_DATE, True)
    assert Organisation.objects.get(continues=w.district_farmers).unit == w.new_province
    w.commune_bcd.refresh_from_db()
    assert (w.commune_bcd.is_active, w.commune_bcd.valid_to, w.commune_bcd.unit) == (False, END, commune_a)
    # The reporter acts for the new committee now; the old one's history stays readable.
    reporter = type(w.reporter).objects.get(pk=w.reporter.pk)
    assert scoping.acting_organisation_ids(reporter, REPORT_SUBMIT) == {new_bcd.pk}
    # The officer continues in Phường Kon Tum (may manage its villages) and reads the old ward.
    officer = type(w.officer).objects.get(pk=w.officer.pk)
    assert scoping.can(officer, UNIT_MANAGE_VILLAGES, w.phuong_kon_tum)
    assert scoping.can(officer, UNIT_VIEW, commune_a)
    # The district secretariat was ended: reads Kon Rẫy's history, changes nothing.
    secretariat = type(w.district_secretariat).objects.get(pk=w.district_secretariat.pk)
    ended = RoleAssignment.objects.get(user=secretariat)
    assert (ended.valid_to, ended.keeps_history) == (END, True)
    assert scoping.can(secretariat, UNIT_VIEW, w.district)
    assert not scoping.can(secretariat, ORG_MANAGE, w.district)
    assert scoping.roles_of(secretariat) == set()
    assert AuditLog.objects.filter(note__contains="tổ chức chuyển sang đơn vị mới").count() == 1


def test_applied_twice_changes_nothing(old_world):
    w = old_world
    switchover.switchover_apply(actor=w.admin, decisions={})
    counts = (Organisation.objects.count(), RoleAssignment.objects.count(), AuditLog.objects.count())
    again = switchover.switchover_apply(actor=w.admin, decisions={})
    assert not again.changed
    assert (Organisation.objects.count(), RoleAssignment.objects.count(), AuditLog.objects.count()) == counts
    assert switchover.switchover_proposals(actor=w.admin) == []


def test_a_unit_outside_the_lineage_is_refused_and_nothing_written(old_world):
    w = old_world
    elsewhere = factories.unit("23284", era=Era.POST_2025)  # Phường Đăk Cấm: not Quang Trung's heir
    before = (Organisation.objects.count(), AuditLog.objects.count())
    with pytest.raises(ValidationError, match="không kế thừa Phường Quang Trung"):
        switchover.switchover_apply(actor=w.admin, decisions={f"org-{w.commune_bcd.pk}": str(elsewhere.pk)})
    assert (Organisation.objects.count(), AuditLog.objects.count()) == before


def test_the_page_shows_the_proposals_and_applies_them(client, old_world):
    w = old_world
    client.force_login(w.admin)
    url = reverse("accounts:switchover")
    html = client.get(url).content.decode()
    assert "Ban Chỉ đạo phường Quang Trung" in html and "Hội Nông dân huyện Kon Rẫy" in html
    response = client.post(url, {f"org-{w.district_farmers.pk}": ""}, follow=True)
    assert "Đã chuyển đổi: 2 tổ chức chuyển sang đơn vị mới, 1 tổ chức kết thúc" in response.content.decode()
    assert "Không còn tổ chức hay phân quyền nào ở đơn vị đã kết thúc." in response.content.decode()
    client.force_login(w.district_secretariat)  # not an account manager: the page does not exist for them
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404


def test_the_organisations_page_leads_the_administrator_to_the_switch_over(client, old_world):
    w = old_world
    link = reverse("accounts:switchover")
    client.force_login(w.admin)
    assert f'href="{link}"' in client.get(reverse("accounts:organisation_list")).content.decode()
    client.force_login(w.district_secretariat)  # reads organisations, may not move them: no link
    page = client.get(reverse("accounts:organisation_list"))
    assert page.status_code == 200 and f'href="{link}"' not in page.content.decode()


def test_an_assignment_kept_for_history_reads_households_but_never_edits_them(old_world, commune_a):
    """Ended by the switch-over with ``keeps_history``: the commune officer of Quang Trung still
    reads its households, and no longer edits them (every path to the scope, mentor rule included)."""
    from tests.geo.factories import VillageFactory
    from tests.households.factories import HouseholdFactory
    from vuonlen.accounts.roles import HOUSEHOLD_EDIT, HOUSEHOLD_VIEW
    from vuonlen.households.selectors import households_visible_to

    w = old_world
    home = HouseholdFactory(unit=VillageFactory(commune=commune_a, name="Tổ 9"), code="QT-H1", actor=scoping.SYSTEM)
    RoleAssignment.objects.filter(user=w.officer).update(valid_to=REFORM_DATE - dt.timedelta(days=1),
                                                         keeps_history=True)
    # Still a mentor today (the scope then leaves the mentor role aside: ``scoping.scope_without``).
    RoleAssignment.objects.create(user=w.officer, role=Role.MENTOR, unit=commune_a)
    scoping.forget_scope(w.officer)
    assert home in households_visible_to(w.officer, HOUSEHOLD_VIEW)
    assert home not in households_visible_to(w.officer, HOUSEHOLD_EDIT)
