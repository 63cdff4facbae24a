"""The demo of today: the switch-over is performed and the campaign goes on in 2026 in the new structure."""

import datetime as dt

import pytest
from django.urls import reverse

from vuonlen.accounts import demo_today, scoping
from vuonlen.accounts.models import RoleAssignment, User
from vuonlen.accounts.roles import UNIT_VIEW
from vuonlen.campaign.models import Assessment, Visit
from vuonlen.core.demo import run_demo
from vuonlen.core.models import AuditLog
from vuonlen.core.periods import Period, PeriodKind
from vuonlen.geo.models import AdministrativeUnit, Era, Level
from vuonlen.indicators import evaluation
from vuonlen.indicators.models import PhaseGoal, Target
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
    # 2026 is evaluated against the 2026–2030 plan and the targets handed for 2026: the new
    # province and its communes have targets, nothing of the plan says "Chưa giao chỉ tiêu".
    province = AdministrativeUnit.objects.get(era=Era.POST_2025, level=Level.PROVINCE, code="51")
    review = evaluation.Evaluation(cutoff=dt.date(2026, 12, 7))
    assert "MH_HUYEN" not in {i.code for i in review.indicators}  # no districts since 1 July 2025
    rows = {r.indicator.code: r for r in review.rows([province.pk])}
    for code in demo_today.PLAN_2030:
        assert rows[code].target is not None and rows[code].status != evaluation.NO_TARGET, code
    assert (rows["NEP_NGHI"].target, rows["NEP_NGHI"].target_kind) == (80.0, "year")  # the 2026 target
    assert (rows["GIAM_NGHEO"].target, rows["GIAM_NGHEO"].target_kind) == (4.0, "default")  # the plan's
    commune_rows = {r.indicator.code: r for r in review.rows([commune.pk])}
    assert commune_rows["KHKT"].target_kind == "year" and 50 <= commune_rows["KHKT"].target <= 58
    assert commune_rows["DOI_SONG"].status != evaluation.NO_TARGET
    # Written through the services, audited as the demo.
    goals = PhaseGoal.objects.filter(phase__code="2026-2030")
    assert goals.count() == len(demo_today.PLAN_2030)
    assert AuditLog.objects.filter(source="demo", content_type__model="phasegoal").count() == goals.count()
    made_2026 = Target.objects.filter(year=2026).count()
    assert made_2026 > len(demo_today.PROVINCE_2026) + 40
    # The province's page shows the year's targets.
    client.force_login(secretariat)
    page = client.get(reverse("indicators:evaluation") + f"?don_vi={province.pk}&ngay=07/12/2026")
    assert page.status_code == 200
    assert "Thay đổi nếp nghĩ, cách làm" in page.content.decode() and "80%" in page.content.decode()
    client.logout()
    # Running it again changes nothing.
    run_demo(seed=2021, say=lambda _m: None)
    assert demo_today.counts() == after
    assert Target.objects.filter(year=2026).count() == made_2026 and goals.count() == len(demo_today.PLAN_2030)
    assert commune.level == Level.COMMUNE
