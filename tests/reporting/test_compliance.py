"""Who owes what, who reported on time, late or not at all, who does so again and again, and
the one-click explanation request."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests import factories
from vuonlen.accounts.models import OrgKind
from vuonlen.reporting import selectors, services
from vuonlen.reporting.models import ReportSchedule, ScheduleKind, SubmissionStatus

from .conftest import Q1, Q2, Q3, Q4, vn
from .factories import ObligationFactory, SubmissionFactory

pytestmark = pytest.mark.django_db
AFTER_Q2 = vn(2023, 7, 12, 9)


def _status(rows):
    return {r.organisation.name: r.status for r in rows}


def test_obligations_resolve_rules_exclusions_and_additions(world):
    names = lambda: sorted(o.name for o in selectors.obligated_organisations(world.schedule))  # noqa: E731
    assert names() == sorted([world.farmers.name, world.youth.name, world.agency.name, world.bcd_x.name,
                              world.bcd_y.name])
    # Not another district's union, not the issuer, not the commune's front (no rule for it).
    ObligationFactory(schedule=world.schedule, organisation=world.bcd_y, exclude=True, note="Mới sáp nhập")
    ObligationFactory(schedule=world.schedule, organisation=world.front_x)
    ObligationFactory(schedule=world.schedule, org_kind=OrgKind.AGENCY, exclude=True)
    assert names() == sorted([world.farmers.name, world.youth.name, world.bcd_x.name, world.front_x.name])
    ObligationFactory(schedule=world.schedule, organisation=world.bcd)  # the issuer never owes itself
    world.youth.is_active = False
    world.youth.save()
    assert world.bcd.name not in names() and world.youth.name not in names()


def test_counts_per_period(world):
    SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Q2,
                      sent_at=vn(2023, 6, 7, 23, 59))   # on time, the last minute
    SubmissionFactory(schedule=world.schedule, organisation=world.youth, period=Q2,
                      sent_at=vn(2023, 6, 8, 0, 0))       # late, the first minute
    SubmissionFactory(schedule=world.schedule, organisation=world.bcd_x, period=Q2, sent_at=vn(2023, 6, 1),
                      accepted=True)
    draft = SubmissionFactory(schedule=world.schedule, organisation=world.agency, period=Q2)
    rows = selectors.compliance(user=world.secretariat, period=Q2, now=AFTER_Q2)
    assert _status(rows) == {world.farmers.name: "on_time", world.youth.name: "late", world.bcd_x.name: "on_time",
                             world.agency.name: "missing", world.bcd_y.name: "missing"}
    row = next(r for r in rows if r.organisation == world.youth)
    assert row.due_date == dt.date(2023, 6, 7) and row.submitted_at == vn(2023, 6, 8, 0, 0) and row.days_late == 1
    assert next(r for r in rows if r.organisation == world.agency).submission == draft  # a draft is not a report
    total, by_level = selectors.compliance_counts(rows)
    assert (total.expected, total.on_time, total.late, total.missing, total.not_due) == (5, 2, 1, 2, 0)
    assert [(c.label, c.expected, c.on_time) for c in by_level] == [("Cấp huyện", 3, 1), ("Cấp xã", 2, 1)]
    assert total.on_time_percent == 40
    # Before the deadline, nothing sent is "not due", not "missing".
    early = selectors.compliance(user=world.secretariat, period=Q2, now=vn(2023, 6, 7, 12))
    assert _status(early)[world.agency.name] == "not_due"


def test_filters_by_level_kind_and_unit(world, commune_x):
    rows = selectors.compliance(user=world.secretariat, period=Q2, level=3, now=AFTER_Q2)
    assert {r.organisation for r in rows} == {world.bcd_x, world.bcd_y}
    rows = selectors.compliance(user=world.secretariat, period=Q2, kind=OrgKind.YOUTH_UNION, now=AFTER_Q2)
    assert [r.organisation for r in rows] == [world.youth]
    rows = selectors.compliance(user=world.secretariat, period=Q2, unit=commune_x, now=AFTER_Q2)
    assert [r.organisation for r in rows] == [world.bcd_x]
    # The interface for other rooms: the whole row.
    row = rows[0]
    assert (row.schedule, row.due_date, row.status, row.submitted_at) == (world.schedule, dt.date(2023, 6, 7),
                                                                         "missing", None)


def test_compliance_is_scoped(world):
    SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Q2, sent_at=vn(2023, 6, 1))
    # A reporting unit sees only its own row; another district's secretariat sees nothing here.
    assert [r.organisation for r in selectors.compliance(user=world.farmers_user, period=Q2)] == [world.farmers]
    assert selectors.compliance(user=world.other_secretariat, period=Q2) == []
    assert selectors.compliance(user=world.mentor, period=Q2) == []
    assert len(selectors.compliance(user=world.viewer, period=Q2)) == 5
    # The commune officer sees their commune's committee only.
    assert [r.organisation for r in selectors.compliance(user=world.commune_officer, period=Q2)] == [world.bcd_x]


def test_repeat_offenders_across_quarters(world):
    for period, at in ((Q1, vn(2023, 3, 9)), (Q3, vn(2023, 9, 20))):
        SubmissionFactory(schedule=world.schedule, organisation=world.youth, period=period,
                          sent_at=at)                       # late twice, missing twice
    for period, at in ((Q1, vn(2023, 3, 1)), (Q2, vn(2023, 6, 9)), (Q3, vn(2023, 9, 1)), (Q4, vn(2023, 12, 1))):
        SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=period,
                          sent_at=at)                     # late once: not a repeat offender
    for period in (Q1, Q2, Q3, Q4):
        SubmissionFactory(schedule=world.schedule, organisation=world.agency, period=period,
                          sent_at=vn(period.year, period.last_month, 2))
        SubmissionFactory(schedule=world.schedule, organisation=world.bcd_x, period=period,
                          sent_at=vn(period.year, period.last_month, 2))
    rows = selectors.repeat_offenders(user=world.secretariat, period=Q4, count=4, now=vn(2024, 1, 5))
    assert [(r.organisation, r.late, r.missing) for r in rows] == [(world.bcd_y, 0, 4), (world.youth, 2, 2)]
    assert [status for _, status in rows[1].history] == ["late", "missing", "late", "missing"]
    assert [p for p, _ in rows[1].history] == [Q1, Q2, Q3, Q4]
    assert selectors.repeat_offenders(user=world.secretariat, period=Q4, min_times=3, now=vn(2024, 1, 5))[0].organisation \
        == world.bcd_y


def test_explanation_request_asks_the_late_and_missing_units(world, mailoutbox, django_capture_on_commit_callbacks):
    SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Q2, sent_at=vn(2023, 6, 2))
    SubmissionFactory(schedule=world.schedule, organisation=world.youth, period=Q2, sent_at=vn(2023, 6, 10))
    world.bcd_y.email = "bcd.tanlap@example.vn"
    world.bcd_y.save()
    with django_capture_on_commit_callbacks(execute=True):
        result = services.explanation_request_create(actor=world.secretariat, schedule=world.schedule, period=Q2,
                                                     due_date=dt.date(2023, 7, 20), today=dt.date(2023, 7, 12),
                                                     now=AFTER_Q2)
    request = result.request
    assert result.created and request.kind == ScheduleKind.ONE_OFF and request.explains == world.schedule
    assert request.due_date == dt.date(2023, 7, 20) and request.period_code == "2023-Q2"
    assert request.issuer == world.bcd and request.form.code == "bao-cao-giai-trinh"
    asked = {o.name for o in selectors.obligated_organisations(request)}
    assert asked == {world.youth.name, world.agency.name, world.bcd_x.name, world.bcd_y.name}
    notes = dict(request.obligations.values_list("organisation__name", "note"))
    assert notes[world.youth.name] == "Gửi báo cáo trễ hạn" and notes[world.agency.name] == "Chưa gửi báo cáo"
    # E-mail to those with an address (the union's own, the commune officer's), after commit.
    recipients = sorted(a for m in mailoutbox for a in m.to)
    assert recipients == ["bcd.tanlap@example.vn", "canbo.x@example.vn"]
    assert "20/07/2023" in mailoutbox[0].subject
    # The explanation is a report like any other, on the board for the period, and due on its own date.
    rows = selectors.compliance(user=world.secretariat, period=Q2, schedule=request, now=vn(2023, 7, 21))
    assert {r.status for r in rows} == {"missing"} and {r.due_date for r in rows} == {dt.date(2023, 7, 20)}
    # Regular compliance (what other rooms read) leaves the one-off requests out unless asked.
    assert all(not r.schedule.is_one_off for r in selectors.compliance(user=world.secretariat, period=Q2))
    assert any(r.schedule.is_one_off for r in selectors.compliance(user=world.secretariat, period=Q2,
                                                                  include_one_off=True, now=AFTER_Q2))
    # Asking again adds nobody twice.
    again = services.explanation_request_create(actor=world.secretariat, schedule=world.schedule, period=Q2,
                                                due_date=dt.date(2023, 7, 25), today=dt.date(2023, 7, 12), now=AFTER_Q2)
    assert not again.created and again.added == [] and again.already == 4
    assert ReportSchedule.objects.filter(explains=world.schedule).count() == 1


def test_explanation_request_refusals(world):
    with pytest.raises(ValidationError, match="Chưa hết hạn"):
        services.explanation_request_create(actor=world.secretariat, schedule=world.schedule, period=Q2,
                                            due_date=dt.date(2023, 7, 20), today=dt.date(2023, 6, 7),
                                            now=vn(2023, 6, 7, 23, 59))
    with pytest.raises(ValidationError) as caught:
        services.explanation_request_create(actor=world.secretariat, schedule=world.schedule, period=Q2,
                                            due_date=dt.date(2023, 7, 1), today=dt.date(2023, 7, 12), now=AFTER_Q2)
    assert "phải từ hôm nay (12/07/2023) trở đi" in caught.value.message_dict["due_date"][0]
    with pytest.raises(PermissionDenied):
        services.explanation_request_create(actor=world.viewer, schedule=world.schedule, period=Q2,
                                            due_date=dt.date(2023, 7, 20), today=dt.date(2023, 7, 12), now=AFTER_Q2)
    from django.http import Http404

    with pytest.raises(Http404):
        services.explanation_request_create(actor=world.other_secretariat, schedule=world.schedule, period=Q2,
                                            due_date=dt.date(2023, 7, 20), today=dt.date(2023, 7, 12), now=AFTER_Q2)
    for org in (world.farmers, world.youth, world.agency, world.bcd_x, world.bcd_y):
        SubmissionFactory(schedule=world.schedule, organisation=org, period=Q3, sent_at=vn(2023, 9, 1))
    with pytest.raises(ValidationError, match="Không có đơn vị nào trễ hạn"):
        services.explanation_request_create(actor=world.secretariat, schedule=world.schedule, period=Q3,
                                            due_date=dt.date(2023, 10, 20), today=dt.date(2023, 10, 1),
                                            now=vn(2023, 10, 1))


def test_my_reports_lists_what_a_unit_owes(world):
    sub = SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Q1, sent_at=vn(2023, 3, 2),
                            accepted=True)
    owed = selectors.my_reports(world.farmers_user, today=dt.date(2023, 6, 1), now=vn(2023, 6, 1))
    todo = [(o.period, o.status, o.submission) for o in owed if o.needs_action]
    done = [(o.period, o.submission) for o in owed if not o.needs_action]
    assert todo == [(Q2, "not_due", None), (Q3, "not_due", None)]  # Q3 starts within a month
    assert done == [(Q1, sub)]
    assert all(o.organisation == world.farmers for o in owed)
    assert selectors.my_reports(world.secretariat, today=dt.date(2023, 6, 1)) == []
    later = selectors.my_reports(world.farmers_user, today=dt.date(2023, 6, 10), now=vn(2023, 6, 10))
    assert [(o.period, o.status) for o in later if o.needs_action][0] == (Q2, "missing")


def test_submission_status_visible_on_rows(world):
    sub = SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Q2, sent_at=vn(2023, 6, 1))
    row = next(r for r in selectors.compliance(user=world.secretariat, period=Q2) if r.organisation == world.farmers)
    assert row.submission == sub and row.submission_status == SubmissionStatus.SUBMITTED
    assert row.status_label == "Đúng hạn"


def test_new_unit_on_a_rule_is_expected_at_once(world, commune_x):
    new = factories.make_org(commune_x.parent.children.exclude(pk=commune_x.pk).first(), OrgKind.STEERING_COMMITTEE,
                             "Ban Chỉ đạo Cuộc vận động thị trấn")
    assert new in selectors.obligated_organisations(world.schedule)
