"""The demo of today: the switch-over is performed and the campaign goes on in 2026 in the new structure."""

import pytest
from django.urls import reverse

from vuonlen.accounts import demo_today, scoping
from vuonlen.accounts.models import RoleAssignment, User
from vuonlen.accounts.roles import UNIT_VIEW
from vuonlen.campaign.models import Assessment, Visit
from vuonlen.core.demo import run_demo
from vuonlen.core.periods import Period, PeriodKind
from vuonlen.geo.models import AdministrativeUnit, Era, Level
from vuonlen.reporting import selectors
from vuonlen.reporting.models import ReportSchedule

pytestmark = pytest.mark.django_db


def test_demo_switches_over_and_continues_into_2026(client, kontum):
    messages = []
    run_demo(seed=2021, say=messages.append)
    after = demo_today.counts()
    assert after["organisations_active_on_ended_units"] == 0
    assert after["organisations_active_on_living_units"] > 0
    assert after["assignments_current_on_ended_units"] == 0 and after["assignments_history_only"] > 0
    assert after["villages_living"] > 0
    assert any(m.startswith("Trước chuyển đổi:") for m in messages)
    # Every role in the new era.
    for username, _name, role, _where, _org in demo_today.NEW_ERA_ACCOUNTS:
        assert RoleAssignment.objects.filter(user__username=username, role=role, valid_to__isnull=True).exists()
    commune = demo_today._new_commune()
    assert Assessment.objects.filter(year=2026).count() > 0
    assert Visit.objects.filter(visited_on__year=2026, mentor__username="phutrach.xamoi").exists()
    # The new province's board for Q3/2025: its communes' committees, some missing.
    secretariat = User.objects.get(username="thuongtruc.quangngai")
    schedule = ReportSchedule.objects.get(name=demo_today.SCHEDULE_NAME)
    rows = selectors.compliance(user=secretariat, period=Period(2025, PeriodKind.QUARTER, 3), schedule=schedule)
    assert len(rows) == 40 and {r.status for r in rows} >= {"on_time", "missing"}
    # The old accounts still read their history (read-only for the ended district account).
    old_district = User.objects.get(username="thuongtruc.huyen")
    kon_ray = AdministrativeUnit.objects.get(era=Era.PRE_2025, level=Level.DISTRICT, code="614")
    assert scoping.can(old_district, UNIT_VIEW, kon_ray)
    client.force_login(old_district)
    assert client.get(reverse("geo:unit_detail", args=[kon_ray.pk])).status_code == 200
    # Running it again changes nothing.
    run_demo(seed=2021, say=lambda _m: None)
    assert demo_today.counts() == after
    assert commune.level == Level.COMMUNE
