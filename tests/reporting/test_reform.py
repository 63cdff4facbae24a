"""Reporting across the 1 July 2025 reform: abolished units' obligations end on their end date and
never show as missing after it; the new province's schedule and its communes' obligations begin
on the switch date; the transition follows one rule — whoever exists on the due date owes."""

import datetime as dt

import pytest
from django.urls import reverse

from tests import factories
from vuonlen.accounts.models import OrgKind
from vuonlen.accounts.roles import Role
from vuonlen.core.periods import Period, PeriodKind
from vuonlen.geo.models import REFORM_DATE, Era, Level
from vuonlen.reporting import selectors

from .conftest import vn
from .factories import ObligationFactory, ScheduleFactory, SubmissionFactory

NOW = dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.UTC)


def q(year, index):
    return Period(year, PeriodKind.QUARTER, index)


SINCE_REFORM = [q(2025, 3), q(2025, 4), q(2026, 1), q(2026, 2), q(2026, 3), q(2026, 4)]


def _counts(user, period, **kw):
    total, _ = selectors.compliance_counts(selectors.compliance(user=user, period=period, now=NOW, **kw))
    return total.expected, total.on_time, total.late, total.missing, total.not_due


@pytest.fixture
def new_world(kontum):
    """The new Quảng Ngãi's steering committee asks the new communes' committees for the quarterly report."""
    w = type("NewWorld", (), {})()
    w.province = factories.unit("51", level=Level.PROVINCE, era=Era.POST_2025)
    w.kon_tum = factories.unit("23293", era=Era.POST_2025)  # Phường Kon Tum
    w.dak_cam = factories.unit("23284", era=Era.POST_2025)  # Phường Đăk Cấm
    w.bcd = factories.make_org(w.province, OrgKind.STEERING_COMMITTEE, "Ban Chỉ đạo Cuộc vận động tỉnh Quảng Ngãi")
    w.bcd_kon_tum = factories.make_org(w.kon_tum, OrgKind.STEERING_COMMITTEE, "Ban Chỉ đạo phường Kon Tum")
    w.bcd_dak_cam = factories.make_org(w.dak_cam, OrgKind.STEERING_COMMITTEE, "Ban Chỉ đạo phường Đăk Cấm")
    w.schedule = ScheduleFactory(name="Báo cáo quý Cuộc vận động (tỉnh mới)", issuer=w.bcd, year_from=2025)
    ObligationFactory(schedule=w.schedule, org_kind=OrgKind.STEERING_COMMITTEE, unit_level=Level.COMMUNE)
    w.secretariat = factories.make_user(Role.SECRETARIAT, w.province, username="tt.tinhmoi")
    return w


def test_an_abolished_districts_obligations_end_on_its_end_date(world):
    # Q2/2025 (due 07/06/2025) is still owed by Kon Rẫy's bodies; nothing after it, ever.
    assert _counts(world.secretariat, q(2025, 2), schedule=world.schedule) == (5, 0, 0, 5, 0)
    for period in SINCE_REFORM:
        assert selectors.compliance(user=world.secretariat, period=period, now=NOW) == []
        assert world.schedule.due_date_for(period) is None
    # The reminders and "my reports" agree: nothing owed today by a body of an abolished unit.
    assert [o for o in selectors.my_reports(world.farmers_user, today=NOW.date(), now=NOW) if o.needs_action] == []


def test_history_before_the_reform_is_unchanged_when_a_body_is_ended(world):
    SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=q(2023, 2), sent_at=vn(2023, 6, 5))
    before = _counts(world.secretariat, q(2023, 2), schedule=world.schedule)
    world.farmers.is_active = False
    world.farmers.valid_to = REFORM_DATE - dt.timedelta(days=1)
    world.farmers.save()
    assert _counts(world.secretariat, q(2023, 2), schedule=world.schedule) == before == (5, 1, 0, 4, 0)


def test_the_new_provinces_schedule_starts_on_the_switch_date(new_world):
    w = new_world
    assert w.schedule.due_date_for(q(2025, 2)) is None  # the new committee did not exist on 07/06/2025
    assert selectors.compliance(user=w.secretariat, period=q(2025, 2), now=NOW) == []
    assert w.schedule.due_date_for(q(2025, 3)) == dt.date(2025, 9, 7)
    names = {r.organisation.name for r in selectors.compliance(user=w.secretariat, period=q(2025, 3), now=NOW)}
    assert names == {"Ban Chỉ đạo phường Kon Tum", "Ban Chỉ đạo phường Đăk Cấm"}


def test_a_new_era_board_is_right_for_every_quarter_since(new_world):
    w = new_world
    for period, day in zip(SINCE_REFORM[:5], (dt.date(2025, 9, 5), dt.date(2025, 12, 9), dt.date(2026, 3, 6),
                                              dt.date(2026, 6, 7), dt.date(2026, 9, 1))):
        SubmissionFactory(schedule=w.schedule, organisation=w.bcd_kon_tum, period=period,
                          sent_at=vn(day.year, day.month, day.day))
    expected = {q(2025, 3): (2, 1, 0, 1, 0), q(2025, 4): (2, 0, 1, 1, 0), q(2026, 1): (2, 1, 0, 1, 0),
                q(2026, 2): (2, 1, 0, 1, 0), q(2026, 3): (2, 1, 0, 1, 0), q(2026, 4): (2, 0, 0, 0, 2)}
    for period, counts in expected.items():
        assert _counts(w.secretariat, period) == counts, period.code()
    # A new commune's organisation that starts later owes only from its own start.
    late_body = factories.make_org(w.dak_cam, OrgKind.STEERING_COMMITTEE, "Ban Chỉ đạo mới")
    late_body.valid_from = dt.date(2026, 1, 1)
    late_body.save()
    assert _counts(w.secretariat, q(2025, 4))[0] == 2 and _counts(w.secretariat, q(2026, 1))[0] == 3


def test_board_page_of_the_new_province(client, world, new_world):
    client.force_login(new_world.secretariat)  # reads old Kon Tum too, through the lineage
    html = client.get(reverse("reporting:board"), {"ky": "2025-Q3"}).content.decode()
    assert "Ban Chỉ đạo phường Kon Tum" in html and "Ban Chỉ đạo phường Đăk Cấm" in html
    expected = html.split('id="offenders-heading"', 1)[0]  # the board's table, before the repeat offenders' history
    assert "Hội Nông dân huyện Kon Rẫy" not in expected  # ended on 30/06/2025: not "missing"
    html = client.get(reverse("reporting:board"), {"ky": "2025-Q2"}).content.decode()
    assert "Hội Nông dân huyện Kon Rẫy" in html and "Ban Chỉ đạo phường Kon Tum" not in html


def test_a_reporting_unit_of_an_abolished_district_still_lists_what_it_sent(client, world):
    """After the switch-over ended its assignment (kept for history), the farmers' union of Kon Rẫy
    still finds its 2023 report under "my reports", owes nothing, and may read but not edit it."""
    from vuonlen.accounts import scoping
    from vuonlen.accounts.models import RoleAssignment

    sent = SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=q(2023, 2),
                             sent_at=vn(2023, 6, 5))
    ended_on = REFORM_DATE - dt.timedelta(days=1)
    world.farmers.valid_to = ended_on
    world.farmers.is_active = False
    world.farmers.save()
    RoleAssignment.objects.filter(user=world.farmers_user).update(valid_to=ended_on, keeps_history=True)
    scoping.forget_scope(world.farmers_user)

    rows = selectors.my_reports(world.farmers_user, today=NOW.date(), now=NOW)
    assert [(r.organisation.pk, r.period.code()) for r in rows] == [(world.farmers.pk, "2023-Q2")]
    assert not any(r.needs_action for r in rows)
    client.force_login(world.farmers_user)
    html = client.get(reverse("reporting:my_reports")).content.decode()
    assert "Quý II/2023" in html
    assert client.get(reverse("reporting:edit", args=[sent.pk])).status_code in (403, 404)
    assert client.get(reverse("reporting:detail", args=[sent.pk])).status_code == 200


def test_the_board_reads_each_schedules_bodies_once_and_keeps_each_quarter_to_who_existed(
        client, world, django_assert_max_num_queries):
    # A body ended in the middle of the four quarters the repeat offenders look back over.
    world.farmers.is_active = False
    world.farmers.valid_to = dt.date(2025, 5, 31)
    world.farmers.save()
    quarters = [q(2025, 1), q(2025, 2), q(2025, 3), q(2025, 4)]
    offenders = selectors.repeat_offenders(user=world.secretariat, period=quarters[-1], count=4, now=NOW, min_times=0)
    for period in quarters:  # the same bodies, quarter by quarter, as each quarter's own query finds them
        listed = {o.organisation.pk for o in offenders if period in [p for p, _ in o.history]}
        assert listed == {r.organisation.pk for r in selectors.compliance(user=world.secretariat, period=period,
                                                                          now=NOW)}, period.code()
    farmers = next(o for o in offenders if o.organisation.pk == world.farmers.pk)
    assert [p for p, _ in farmers.history] == quarters[:1]  # owed while it existed only (Q2 is due in June)
    client.force_login(world.secretariat)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("reporting:board"), {"ky": "2025-Q4"}).status_code == 200
