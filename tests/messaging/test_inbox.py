"""The inbox: what each person has to act on, per role and scope, collected once per event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.directives.factories import DocumentFactory, TaskFactory
from tests.messaging.factories import InboxItemFactory
from tests.reporting.conftest import Q1, Q2, vn
from tests.reporting.factories import SubmissionFactory
from vuonlen.accounts.models import RoleAssignment, User
from vuonlen.accounts.roles import Role
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.campaign import services as campaign_services
from vuonlen.campaign.models import Visit
from vuonlen.core.periods import today_vn
from vuonlen.directives import services as directive_services
from vuonlen.messaging.inbox import collect, open_items, unread_count
from vuonlen.messaging.models import InboxItem, InboxKind
from vuonlen.reporting import services as reporting_services

pytestmark = pytest.mark.django_db

JUNE_3 = dt.date(2023, 6, 3)  # Q2 2023 is due on 7 June, Q1 was due on 7 March


def kinds(user):
    return sorted((i.kind, i.title) for i in open_items(user))


def collect_june(*users):
    return collect(users=list(users), today=JUNE_3, now=vn(2023, 6, 3))


def test_reports_due_and_overdue_reach_only_the_organisation_that_owes_them(world):
    collect_june(world.farmers_user, world.youth_user, world.secretariat, world.other_secretariat, world.viewer)
    farmers = kinds(world.farmers_user)
    assert [k for k, _ in farmers] == [InboxKind.REPORT_DUE, InboxKind.REPORT_OVERDUE]
    assert all(title.startswith("Báo cáo quý Cuộc vận động") and title.endswith("Hội Nông dân huyện Kon Rẫy")
               for _, title in farmers)
    due, overdue = (i for i in sorted(open_items(world.farmers_user), key=lambda i: i.kind))
    assert (due.due_date, overdue.due_date) == (dt.date(2023, 6, 7), dt.date(2023, 3, 7))
    assert due.url == reverse("reporting:my_reports")
    youth = kinds(world.youth_user)
    assert [k for k, _ in youth] == [InboxKind.REPORT_DUE, InboxKind.REPORT_OVERDUE]
    assert all("Huyện đoàn" in title for _, title in youth)
    assert not any("Hội Nông dân" in title for _, title in youth)
    # Who owes nothing gets nothing: the secretariat, another district, a viewer.
    for user in (world.secretariat, world.other_secretariat, world.viewer):
        assert open_items(user) == []
    # A report due later than a week ahead is not in the inbox yet.
    collect(users=[world.farmers_user], today=dt.date(2023, 5, 1), now=vn(2023, 5, 1))
    assert InboxKind.REPORT_DUE not in [k for k, _ in kinds(world.farmers_user)]


def test_collecting_again_adds_nothing_and_a_key_is_unique_per_person(world):
    first = collect_june(world.farmers_user, world.youth_user)
    again = collect_june(world.farmers_user, world.youth_user)
    assert first.created == 4 and again.created == 0
    assert InboxItem.objects.count() == 4
    item = InboxItem.objects.filter(user=world.farmers_user).first()
    with pytest.raises(IntegrityError):
        InboxItem.objects.create(user=item.user, kind=item.kind, key=item.key, ref_id=item.ref_id,
                                 title="x", url="/")


def test_a_sent_report_leaves_the_inbox_and_a_returned_one_comes_back(world):
    collect_june(world.farmers_user)
    sub = SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Q2, sent_at=vn(2023, 6, 4))
    result = collect(users=[world.farmers_user], today=dt.date(2023, 6, 5), now=vn(2023, 6, 5))
    assert result.resolved == 1
    assert [k for k, _ in kinds(world.farmers_user)] == [InboxKind.REPORT_OVERDUE]

    reporting_services.submission_return(actor=world.secretariat, submission=sub, expected_version=sub.version,
                                         comment="Thiếu số liệu hộ thoát nghèo", now=vn(2023, 6, 6))
    collect(users=[world.farmers_user], today=dt.date(2023, 6, 6), now=vn(2023, 6, 6))
    returned = [i for i in open_items(world.farmers_user) if i.kind == InboxKind.REPORT_RETURNED]
    assert len(returned) == 1
    assert returned[0].url == reverse("reporting:edit", args=[sub.pk])
    # The youth union never sees the farmers' returned report.
    collect(users=[world.youth_user], today=dt.date(2023, 6, 6), now=vn(2023, 6, 6))
    assert InboxKind.REPORT_RETURNED not in [k for k, _ in kinds(world.youth_user)]


def test_an_explanation_request_reaches_the_late_organisation(world):
    reporting_services.explanation_request_create(actor=SYSTEM, schedule=world.schedule, period=Q1,
                                                  due_date=dt.date(2023, 6, 20), today=JUNE_3, now=vn(2023, 6, 3))
    collect_june(world.farmers_user, world.secretariat)
    explanation = [i for i in open_items(world.farmers_user) if i.kind == InboxKind.EXPLANATION]
    assert len(explanation) == 1
    assert explanation[0].due_date == dt.date(2023, 6, 20)
    assert "giải trình" in explanation[0].title
    assert open_items(world.secretariat) == []


def _task(world, lead, deadline, text):
    """A task for ``lead`` due on ``deadline``, from a notice of 60 days ago."""
    document = DocumentFactory(issuer=world.bcd, number=f"{deadline:%d%m}-TB/BCĐ", title="kết luận giao ban",
                               date=today_vn() - dt.timedelta(days=60))
    return TaskFactory(document=document, lead=lead, text=text, deadline=deadline)


def test_tasks_due_and_overdue_for_the_persons_organisation_only(world):
    today = today_vn()
    due = _task(world, world.farmers, today + dt.timedelta(days=3), "Rà soát mô hình chăn nuôi")
    late = _task(world, world.farmers, today - dt.timedelta(days=5), "Báo cáo kết quả hỗ trợ bò giống")
    _task(world, world.farmers, today + dt.timedelta(days=40), "Sơ kết năm")  # not due yet
    _task(world, world.youth, today + dt.timedelta(days=2), "Ra quân tình nguyện")
    collect(users=[world.farmers_user, world.youth_user, world.other_secretariat], today=today)
    tasks = {i.kind: i for i in open_items(world.farmers_user) if i.kind in (InboxKind.TASK_DUE, InboxKind.TASK_OVERDUE)}
    assert tasks[InboxKind.TASK_DUE].ref_id == due.pk
    assert tasks[InboxKind.TASK_OVERDUE].ref_id == late.pk
    assert tasks[InboxKind.TASK_DUE].url == reverse("directives:task_detail", args=[due.pk])
    youth_tasks = [i.title for i in open_items(world.youth_user) if i.kind == InboxKind.TASK_DUE]
    assert len(youth_tasks) == 1 and "Ra quân" in youth_tasks[0]
    assert open_items(world.other_secretariat) == []
    # Done: it leaves the inbox at the next collection.
    directive_services.task_report_progress(actor=SYSTEM, task=late, organisation=world.farmers,
                                            progress="Đã báo cáo", state="done",
                                            expected_version=late.version, files=[])
    collect(users=[world.farmers_user], today=today)
    assert InboxKind.TASK_OVERDUE not in [i.kind for i in open_items(world.farmers_user)]


def test_a_mentor_sees_only_their_own_households_not_visited_for_90_days(mentor, other_mentor, homes, commune_a):
    today = today_vn()
    long_ago = today - dt.timedelta(days=120)
    campaign_services.mentor_assign(actor=SYSTEM, mentor=mentor, households=homes[:2], started_on=long_ago)
    campaign_services.mentor_assign(actor=SYSTEM, mentor=other_mentor, households=homes[2:],
                                    started_on=today - dt.timedelta(days=30))
    Visit.objects.create(household=homes[1], mentor=mentor, unit=homes[1].unit,
                         visited_on=today - dt.timedelta(days=10))
    officer = factories.make_user(Role.COMMUNE_OFFICER, commune_a)
    collect(users=[mentor, other_mentor, officer], today=today)
    items = open_items(mentor)
    assert [(i.kind, i.ref_id) for i in items] == [(InboxKind.NOT_VISITED, homes[0].pk)]
    assert items[0].title.startswith(homes[0].code)
    # Given a household 30 days ago: not 90 days yet.
    assert open_items(other_mentor) == []
    assert [i for i in open_items(officer) if i.kind == InboxKind.NOT_VISITED] == []
    # A visit resolves it.
    Visit.objects.create(household=homes[0], mentor=mentor, unit=homes[0].unit, visited_on=today)
    assert collect(users=[mentor], today=today).resolved == 1
    assert open_items(mentor) == []


def test_an_item_whose_record_left_the_readers_scope_is_hidden_before_the_next_collection(world):
    collect_june(world.farmers_user)
    assert len(open_items(world.farmers_user)) == 2
    RoleAssignment.objects.filter(user=world.farmers_user).delete()
    user = User.objects.get(pk=world.farmers_user.pk)  # as the next request loads it (roles are cached)
    assert open_items(user) == []
    # …and the next collection marks them done.
    assert collect_june(user).resolved == 2


def test_inbox_page_lists_the_items_and_opening_one_marks_it_read(client, world):
    collect_june(world.farmers_user, world.youth_user)
    client.force_login(world.farmers_user)
    page = client.get(reverse("messaging:inbox"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Báo cáo sắp đến hạn" in html and "Báo cáo quá hạn" in html
    assert "Hội Nông dân huyện Kon Rẫy" in html and "Huyện đoàn" not in html
    assert 'id="inbox-badge"' in html and "2 việc chưa đọc" in html
    item = open_items(world.farmers_user)[0]
    response = client.post(reverse("messaging:item_open", args=[item.pk]))
    assert response.status_code == 302 and response["Location"] == item.url
    assert unread_count(world.farmers_user) == 1
    # Somebody else's item does not exist for this reader.
    theirs = InboxItem.objects.filter(user=world.youth_user).first()
    assert client.post(reverse("messaging:item_open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    client.post(reverse("messaging:mark_all_read"))
    assert unread_count(world.farmers_user) == 0
    assert unread_count(world.youth_user) == 2
    unread_page = client.get(reverse("messaging:inbox") + "?loc=chua-doc").content.decode()
    assert "Không còn việc chưa đọc." in unread_page


def test_the_inbox_page_costs_the_same_queries_for_4_items_or_60(client, world, mentor, homes):
    client.force_login(world.farmers_user)
    sub = SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Q1, sent_at=vn(2023, 3, 5))
    # Two the reader may open (their organisation's obligation, their own submission), two not
    # (a task that does not exist, a household that is not theirs).
    shown = {InboxKind.REPORT_DUE: world.farmers.pk, InboxKind.REPORT_RETURNED: sub.pk}
    hidden = {InboxKind.TASK_DUE: 10_000, InboxKind.NOT_VISITED: homes[0].pk}

    def add(n):
        for i in range(n):
            for kind, ref in (*shown.items(), *hidden.items()):
                label = "Hiện" if kind in shown else "Ẩn"
                InboxItemFactory(user=world.farmers_user, kind=kind, ref_id=ref, title=f"{label} {i}")

    add(1)
    client.get(reverse("messaging:inbox"))  # the scope panel, cached from the first page on
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("messaging:inbox")).status_code == 200
    add(14)
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("messaging:inbox")).content.decode()
    assert len(many) == len(few)
    first_page = InboxItem.objects.order_by("-pk")[:50]
    assert html.count("Mở để xử lý") == sum(1 for i in first_page if i.kind in shown) == 24
    assert "Ẩn" not in html and "Trang 1 / 2" in html


def test_the_inbox_needs_a_login(client):
    response = client.get(reverse("messaging:inbox"))
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


def test_the_badge_count_comes_in_its_own_request_and_no_other_page_pays_for_it(client, world):
    collect_june(world.farmers_user)
    client.force_login(world.farmers_user)
    with CaptureQueriesContext(connection) as home:
        html = client.get(reverse("home")).content.decode()
    assert 'hx-get="/hop-thu/dem/"' in html
    assert not any("messaging_inboxitem" in q["sql"] for q in home.captured_queries)
    badge = client.get(reverse("messaging:badge")).content.decode()
    assert 'aria-label="Hộp thư: 2 việc chưa đọc"' in badge and ">2</span>" in badge
    assert "hx-get" not in badge  # loaded once, not again
    assert "{#" not in badge and "{#" not in html


def test_a_commune_officer_gets_their_communes_reports_not_the_neighbours(world):
    collect_june(world.commune_officer)
    titles = [title for _, title in kinds(world.commune_officer)]
    assert titles, "the commune's steering committee owes the quarterly report"
    assert all(t.endswith("xã Đắk Tơ Lung") for t in titles)
    assert not any("Tân Lập" in t or "Hội Nông dân" in t for t in titles)


def test_the_badge_does_not_count_a_household_the_mentor_lost_since_the_last_collection(client, mentor, homes):
    today = today_vn()
    campaign_services.mentor_assign(actor=SYSTEM, mentor=mentor, households=homes[:2],
                                    started_on=today - dt.timedelta(days=120))
    collect(users=[mentor], today=today)
    assert unread_count(mentor) == 2
    assignment = mentor.mentor_assignments.get(household=homes[0], ended_on__isnull=True)
    campaign_services.mentor_assignment_end(actor=SYSTEM, assignment=assignment, ended_on=today - dt.timedelta(days=1),
                                            reason="Chuyển công tác")
    # Before the next collection, the page and the badge agree: one household left.
    assert [i.ref_id for i in open_items(mentor)] == [homes[1].pk]
    assert unread_count(mentor) == 1
    client.force_login(mentor)
    badge = client.get(reverse("messaging:badge")).content.decode()
    assert 'aria-label="Hộp thư: 1 việc chưa đọc"' in badge
