"""The demo's 2023 reports tell the story the board is for, the same way every time."""

import datetime as dt

import pytest

from vuonlen.accounts.models import User
from vuonlen.core.demo import run_demo
from vuonlen.core.periods import Period, PeriodKind
from vuonlen.reporting import demo, selectors
from vuonlen.reporting.models import ReportSchedule, Submission, SubmissionEvent, SubmissionStatus

pytestmark = pytest.mark.django_db
Q = {i: Period(2023, PeriodKind.QUARTER, i) for i in range(1, 5)}


def _snapshot():
    return sorted(Submission.objects.values_list("organisation__name", "schedule__name", "period_code", "status",
                                                 "submitted_at"))


def test_demo_reports(kontum):
    run_demo(seed=2021, say=lambda _m: None)
    secretariat = User.objects.get(username="thuongtruc.huyen")
    district = ReportSchedule.objects.get(name=demo.DISTRICT_SCHEDULE)
    rows = selectors.compliance(user=secretariat, period=Q[2], schedule=district)
    total, _ = selectors.compliance_counts(rows)
    assert total.expected == 13 and total.late >= 2 and total.missing >= 1 and total.on_time >= 5
    status = {r.organisation.name: r for r in rows}
    farmers = status["Hội Nông dân huyện Kon Rẫy"]
    assert farmers.status == "late" and farmers.submitted_at == dt.datetime(2023, 6, 7, 17, 0, tzinfo=dt.UTC)
    women = status["Hội Liên hiệp Phụ nữ huyện Kon Rẫy"]
    assert women.status == "on_time" and women.submitted_at == dt.datetime(2023, 6, 7, 16, 59, tzinfo=dt.UTC)
    offenders = selectors.repeat_offenders(user=secretariat, period=Q[4])
    assert "Huyện đoàn huyện Kon Rẫy" in [o.organisation.name for o in offenders]
    # Returned and sent again, with the events to show it.
    assert SubmissionEvent.objects.filter(from_status=SubmissionStatus.RETURNED,
                                          to_status=SubmissionStatus.SUBMITTED).count() >= 3
    assert Submission.objects.filter(period_code="2023-Q4", status=SubmissionStatus.SUBMITTED).exists()
    # The explanation request after the Q2 conference, due 20/7/2023, partly answered.
    request = district.explanation_requests.get()
    assert request.due_date == dt.date(2023, 7, 20)
    answered = selectors.compliance(user=secretariat, period=Q[2], schedule=request)
    assert {r.status for r in answered} >= {"on_time", "missing"}
    # The district union ended with Kon Rẫy (the demo's switch-over): it owes nothing today.
    unit = User.objects.get(username="donvi.hoinongdan")
    assert not [o for o in selectors.my_reports(unit) if o.needs_action]
    # The province (continued into the new Quảng Ngãi) still sees the districts' committees of 2023.
    province = User.objects.get(username="thuongtruc.tinh")
    assert len(selectors.compliance(user=province, period=Q[2])) > total.expected


def test_demo_is_deterministic_and_idempotent(kontum):
    run_demo(seed=5, say=lambda _m: None)
    first = _snapshot()
    run_demo(seed=5, say=lambda _m: None)
    assert _snapshot() == first
    SubmissionEvent.objects.all().delete()
    from vuonlen.reporting.models import Obligation

    Submission.objects.all().delete()
    Obligation.objects.filter(schedule__explains__isnull=False).delete()
    ReportSchedule.objects.filter(explains__isnull=False).delete()
    run_demo(seed=5, say=lambda _m: None)
    assert _snapshot() == first
