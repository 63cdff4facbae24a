"""The offline app's endpoints (``/cuoc-van-dong/ung-dung/``): what the phone may hold (only the
mentor's own households), and the queue's sending — idempotent by the phone's UUID, scoped
(another mentor's household is refused as "not found"), validated in Vietnamese, audited, and
a stale assessment answered as a conflict rather than overwritten."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import uuid

import pytest
from django.urls import reverse
from PIL import Image

from tests.campaign.factories import AssessmentFactory, MentorAssignmentFactory
from vuonlen.campaign import offline, services
from vuonlen.campaign.models import Assessment, Visit, VisitPhoto
from vuonlen.core.models import AuditLog
from vuonlen.core.periods import today_vn

pytestmark = pytest.mark.django_db
SYNC = "campaign:app_sync"


@pytest.fixture
def mine(officer_a, mentor, other_mentor, homes):
    """Two households for ``mentor``, the third for ``other_mentor``."""
    MentorAssignmentFactory.each(homes[:2], mentor=mentor, started_on=dt.date(2024, 1, 1))
    MentorAssignmentFactory.each(homes[2:], mentor=other_mentor, started_on=dt.date(2024, 1, 1))
    return homes


def visit_item(household, **data):
    return {"uuid": str(uuid.uuid4()), "kind": "visit", "household": household.pk,
            "data": {"visited_on": today_vn().isoformat(), "topics": ["loan"]} | data}


def assessment_item(household, base_version=None, **data):
    year = today_vn().year
    return {"uuid": str(uuid.uuid4()), "kind": "assessment", "household": household.pk,
            "data": {"year": year, "assessed_on": today_vn().isoformat(), "told": True, "changed_thinking": True,
                     "told_topics": [1, 2], "note": "", "base_version": base_version} | data}


def send(client, *items):
    response = client.post(reverse(SYNC), json.dumps({"items": list(items)}), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_the_phone_gets_only_the_mentors_own_households(client, mentor, mine):
    client.force_login(mentor)
    data = client.get(reverse("campaign:app_data")).json()
    assert [h["code"] for h in data["households"]] == ["QT-001", "QT-002"]
    assert data["households"][0]["head_name"] == "A Blong 0" and data["households"][0]["village"] == "Tổ 1"
    assert ["loan", "Vay vốn ưu đãi"] in data["visit_topics"]
    assert len(data["criteria"]) == 11 and data["max_age_days"] == 7 and data["csrf_token"]


def test_a_visit_sent_twice_is_stored_once_and_audited_once(client, mentor, mine):
    client.force_login(mentor)
    item = visit_item(mine[0], discussed="Bàn về nuôi bò")
    first = send(client, item)
    again = send(client, item, item)  # the answer was lost; the phone sends it again (twice)
    visit = Visit.objects.get()
    assert first[0] == {"uuid": item["uuid"], "status": "saved", "id": visit.pk}
    assert [r["id"] for r in again] == [visit.pk, visit.pk]
    assert (visit.mentor, visit.household_id, str(visit.client_uuid)) == (mentor, mine[0].pk, item["uuid"])
    audits = AuditLog.objects.filter(object_id=str(visit.pk), content_type__model="visit")
    assert [(a.actor, a.action, a.source) for a in audits] == [(mentor, "create", "offline")]


def test_an_assessment_sent_twice_is_one_assessment(client, mentor, mine):
    client.force_login(mentor)
    item = assessment_item(mine[0])
    assert send(client, item)[0]["status"] == "saved"
    assert send(client, item)[0]["status"] == "saved"
    assessment = Assessment.objects.get()
    assert (assessment.version, assessment.told, assessment.told_topics) == (1, True, [1, 2])
    assert AuditLog.objects.filter(content_type__model="assessment", source="offline").count() == 1


def test_another_mentors_household_is_refused_as_not_found(client, mentor, mine, home_b):
    client.force_login(mentor)
    results = send(client, visit_item(mine[2]), assessment_item(home_b), visit_item(mine[1]))
    assert [r["status"] for r in results] == ["not_found", "not_found", "saved"]
    assert "không (còn) trong danh sách" in results[0]["message"]
    assert Visit.objects.get().household_id == mine[1].pk and not Assessment.objects.exists()


def test_an_ended_assignment_makes_the_household_not_found(client, officer_a, mentor, mine):
    assignment = mine[0].mentor_assignments.get()
    services.mentor_assignment_end(actor=officer_a, assignment=assignment, ended_on=today_vn(), reason="Chuyển công tác")
    assignment.refresh_from_db()
    # Ended today: tomorrow it no longer counts; backdate so it has ended already.
    type(assignment).objects.filter(pk=assignment.pk).update(started_on=dt.date(2024, 1, 1),
                                                             ended_on=today_vn() - dt.timedelta(days=1))
    client.force_login(mentor)
    assert send(client, visit_item(mine[0]))[0]["status"] == "not_found"
    assert not Visit.objects.exists()


def test_bad_items_get_every_error_in_vietnamese_and_write_nothing(client, mentor, mine):
    client.force_login(mentor)
    results = send(client, visit_item(mine[0], visited_on="31/02/2026", topics=[]),
                   assessment_item(mine[0], assessed_on="", told=False, told_topics=[99]),
                   visit_item(mine[0], visited_on=(today_vn() + dt.timedelta(days=3)).isoformat()))
    assert [r["status"] for r in results] == ["invalid"] * 3
    assert results[0]["errors"]["visited_on"][0] == "Ngày “31/02/2026” không hợp lệ"
    assert results[0]["errors"]["discussed"] == ["Hãy chọn chủ đề hoặc ghi nội dung đã trao đổi"]
    assert results[1]["errors"]["assessed_on"] == ["Hãy nhập ngày đánh giá"]
    assert results[1]["errors"]["told_topics"] == ["Sổ tay không có nội dung số 99"]
    assert results[2]["errors"]["visited_on"] == ["Ngày thăm ở tương lai"]
    assert not Visit.objects.exists() and not Assessment.objects.exists()
    assert not AuditLog.objects.filter(source="offline").exists()


def test_a_stale_assessment_is_a_conflict_and_keep_mine_replaces_it_knowingly(client, officer_a, mentor, mine):
    year = today_vn().year
    client.force_login(mentor)
    assert send(client, assessment_item(mine[0]))[0]["status"] == "saved"
    # The officer edits it (version 2) while the phone, offline, edits version 1.
    services.assessment_record(actor=officer_a, household=mine[0], year=year, expected_version=1,
                               data={"assessed_on": today_vn(), "told": True, "solid_house": True, "told_topics": [1]})
    stale = assessment_item(mine[0], base_version=1, stable_model=True)
    result = send(client, stale)[0]
    assert result["status"] == "conflict" and result["reason"] == "assessment_changed"
    assert result["server"]["version"] == 2 and result["server"]["solid_house"] is True
    assert "người khác" in result["message"]
    assert Assessment.objects.get().solid_house is True  # not overwritten
    # "Giữ bản của tôi": the phone sends it again over the version it has now seen.
    stale["data"]["base_version"] = 2
    assert send(client, stale)[0]["status"] == "saved"
    assessment = Assessment.objects.get()
    assert (assessment.version, assessment.stable_model, assessment.solid_house) == (3, True, False)
    assert str(assessment.client_uuid) == stale["uuid"]
    assert send(client, stale)[0]["status"] == "saved"  # and a retry of it changes nothing
    assert Assessment.objects.get().version == 3


def test_a_new_assessment_made_meanwhile_by_someone_else_is_a_conflict(client, officer_a, mentor, mine):
    AssessmentFactory(household=mine[1], year=today_vn().year, assessed_on=today_vn(), told=True, actor=officer_a)
    client.force_login(mentor)
    result = send(client, assessment_item(mine[1]))[0]
    assert result["status"] == "conflict" and result["server"]["version"] == 1


def test_a_visit_to_an_ended_household_is_a_conflict_until_the_mentor_keeps_it(client, mentor, mine):
    type(mine[0]).objects.filter(pk=mine[0].pk).update(ended_on=today_vn() - dt.timedelta(days=1))
    client.force_login(mentor)
    item = visit_item(mine[0])
    result = send(client, item)[0]
    assert result["status"] == "conflict" and result["reason"] == "household_ended"
    assert not Visit.objects.exists()
    assert send(client, item | {"force": True})[0]["status"] == "saved"


def test_a_resized_photo_is_stored_with_the_visit(client, mentor, mine):
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "green").save(buffer, "JPEG")
    client.force_login(mentor)
    photo = {"type": "image/jpeg", "data": base64.b64encode(buffer.getvalue()).decode()}
    assert send(client, visit_item(mine[0], photo=photo))[0]["status"] == "saved"
    assert VisitPhoto.objects.get().visit == Visit.objects.get()
    bad = send(client, visit_item(mine[1], photo={"type": "image/jpeg", "data": "không phải ảnh"}))[0]
    assert bad["status"] == "invalid" and bad["errors"]["photo"] == ["Ảnh gửi lên không đọc được"]
    assert Visit.objects.count() == 1


def test_the_endpoints_need_a_session_csrf_and_a_sane_body(mentor, mine):
    from django.test import Client

    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.get(reverse("campaign:app_data")).status_code == 401
    assert anonymous.post(reverse(SYNC), "{}", content_type="application/json").status_code in (401, 403)
    client = Client(enforce_csrf_checks=True)
    client.force_login(mentor)
    body = json.dumps({"items": [visit_item(mine[0])]})
    assert client.post(reverse(SYNC), body, content_type="application/json").status_code == 403  # no token
    token = client.get(reverse("campaign:app_data")).json()["csrf_token"]
    ok = client.post(reverse(SYNC), body, content_type="application/json", headers={"X-CSRFToken": token})
    assert ok.json()["results"][0]["status"] == "saved"
    bad = client.post(reverse(SYNC), "{nope", content_type="application/json", headers={"X-CSRFToken": token})
    assert bad.status_code == 400 and bad.json()["error"] == "Dữ liệu gửi lên không phải JSON hợp lệ"
    many = json.dumps({"items": [visit_item(mine[0]) for _ in range(offline.MAX_ITEMS + 1)]})
    too_many = client.post(reverse(SYNC), many, content_type="application/json", headers={"X-CSRFToken": token})
    assert too_many.status_code == 400 and "tối đa 20 mục" in too_many.json()["error"]
    assert Visit.objects.count() == 1


def test_the_shell_worker_and_manifest_are_served(client, mentor, mine):
    client.force_login(mentor)
    shell = client.get(reverse("campaign:app"))
    assert shell.status_code == 200 and b"A Blong" not in shell.content  # no personal data in the kept shell
    worker = client.get(reverse("campaign:app_sw"))
    assert worker["Content-Type"].startswith("text/javascript") and b"/static/campaign/app/main.js" in worker.content
    manifest = json.loads(client.get(reverse("campaign:app_manifest")).content)
    assert manifest["start_url"] == manifest["scope"] == "/cuoc-van-dong/ung-dung/"


def test_sign_out_tells_the_browser_to_clear_the_sites_data(client, mentor):
    client.force_login(mentor)
    response = client.post(reverse("accounts:logout"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_the_whole_shell_is_far_under_300_kb(client, mentor, mine):
    """Everything the app loads to open (page, script, style, icon, manifest, worker): no
    Bootstrap, no framework. The figure is printed for docs/campaign-mentors-and-assessments.md."""
    from django.contrib.staticfiles import finders

    client.force_login(mentor)
    pages = [client.get(reverse(name)).content for name in ("campaign:app", "campaign:app_manifest", "campaign:app_sw")]
    statics = [open(finders.find(path), "rb").read() for path in (  # noqa: SIM115
        "campaign/app/main.js", "campaign/app/db.js", "campaign/app/app.css", "img/favicon.svg")]
    data = client.get(reverse("campaign:app_data")).content
    total = sum(len(part) for part in pages + statics)
    print(f"\nshell: {total} bytes; data for 2 households: {len(data)} bytes")
    assert total < 300 * 1024
    assert total < 60 * 1024  # what it is today (about 35 kB): a jump means something heavy came in
