"""The campaign's pages: assessment entry and edit (every problem at once, nothing written on
failure, 409 on a stale version), mentor assignment and its end, groups, the mentor's page, the
assessment import, phases, visit photos, the admin — and for each page, 404 outside the
reader's area (an officer of commune B, a mentor on someone else's household) and 403 for a
reader who may open the room but not write."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import factories
from tests.campaign.factories import AssessmentFactory, MentorAssignmentFactory, VisitFactory
from vuonlen.accounts.roles import Role
from vuonlen.campaign import imports, services
from vuonlen.campaign.models import Assessment, HouseholdGroup, MentorAssignment, Phase, Visit
from vuonlen.core.audit import history_for
from vuonlen.core.models import AuditLog
from vuonlen.core.periods import today_vn

pytestmark = pytest.mark.django_db

START = dt.date(2023, 1, 15)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _form(year=2023, **extra):
    data = {"year": str(year), "assessed_on": f"{year}-11-20", "told": "on", "told_topics": ["1", "2"],
            "changed_thinking": "on", "note": "Hộ chăm chỉ"}
    data.update(extra)
    return data


@pytest.fixture
def viewer(commune_a):
    return factories.make_user(Role.VIEWER, commune_a)


@pytest.fixture
def png():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 120, 60)).save(buffer, "PNG")
    return buffer.getvalue()


# --- assessments -----------------------------------------------------------------------------

def test_officer_records_an_assessment_and_the_page_shows_it(client, officer_a, homes):
    client.force_login(officer_a)
    url = reverse("campaign:assessment_create", args=[homes[0].pk])
    page = _text(client.get(url + "?nam=2023"))
    assert "Thay đổi nếp nghĩ, cách làm" in page and "Có nhà ở kiên cố" in page  # the eleven criteria
    response = client.post(url, _form())
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert (assessment.year, assessment.told, assessment.changed_thinking, assessment.solid_house) == (
        2023, True, True, False)
    assert assessment.told_topics == [1, 2] and assessment.assessed_by == officer_a
    assert history_for(assessment).filter(action="create", actor=officer_a).exists()  # audited
    page = _text(client.get(reverse("campaign:household", args=[homes[0].pk])))
    assert "Đánh giá hằng năm" in page and reverse("campaign:assessment_update", args=[assessment.pk]) in page
    # The same year again opens the stored one instead of a second form; other years no longer offer it.
    assert client.get(url + "?nam=2023").url == reverse("campaign:assessment_update", args=[assessment.pk])
    page = _text(client.get(url + "?nam=2022"))
    assert '<option value="2022" selected>' in page and '<option value="2023"' not in page


def test_every_problem_is_listed_at_once_and_nothing_is_written(client, officer_a, homes):
    client.force_login(officer_a)
    future = (today_vn() + dt.timedelta(days=3)).isoformat()
    response = client.post(reverse("campaign:assessment_create", args=[homes[0].pk]),
                           _form(assessed_on=future, told="", told_topics=["3"]))
    assert response.status_code == 200
    page = _text(response)
    assert "Chưa lưu được" in page
    assert "Ngày đánh giá ở tương lai" in page or "Ngày đánh giá phải trong năm" in page
    assert "chưa đánh dấu “được tuyên truyền”" in page
    assert not Assessment.objects.exists()
    # A date that does not parse is listed with the service's own problems.
    response = client.post(reverse("campaign:assessment_create", args=[homes[0].pk]),
                           _form(assessed_on="31/02/2023", told="", told_topics=["3"]))
    page = _text(response)
    assert "Ngày đánh giá" in page and "chưa đánh dấu “được tuyên truyền”" in page
    assert not Assessment.objects.exists()
    # What the person typed stays on the page.
    assert 'value="Hộ chăm chỉ"' in page or "Hộ chăm chỉ</textarea>" in page


def test_stale_version_is_a_409_that_keeps_what_was_typed(client, officer_a, homes):
    first = AssessmentFactory(household=homes[0], year=2023, assessed_on=dt.date(2023, 11, 20), told=True)
    url = reverse("campaign:assessment_update", args=[first.pk])
    client.force_login(officer_a)
    assert client.get(url).status_code == 200
    # Someone else saves in between.
    services.assessment_record(actor=officer_a, household=homes[0], year=2023, expected_version=first.version,
                               data={"assessed_on": dt.date(2023, 11, 21), "told": True, "solid_house": True})
    response = client.post(url, _form(version=str(first.version), note="Ghi chú của tôi"))
    assert response.status_code == 409
    page = _text(response)
    assert "có người khác vừa lưu đánh giá này" in page and "Ghi chú của tôi" in page
    stored = Assessment.objects.get()
    assert stored.solid_house and stored.note == ""  # nothing overwritten
    # The page now carries the stored version: saving again replaces it knowingly.
    assert f'name="version" value="{stored.version}"' in page
    response = client.post(url, _form(version=str(stored.version), note="Ghi chú của tôi"))
    assert response.status_code == 302
    assert Assessment.objects.get().note == "Ghi chú của tôi"


def test_assessment_created_meanwhile_is_a_409_too(client, officer_a, homes):
    client.force_login(officer_a)
    url = reverse("campaign:assessment_create", args=[homes[0].pk])
    client.get(url + "?nam=2023")
    AssessmentFactory(household=homes[0], year=2023, assessed_on=dt.date(2023, 11, 20), told=True)
    response = client.post(url, _form())
    assert response.status_code == 409 and "có người khác vừa lưu" in _text(response)


def test_assessment_pages_scope(client, officer_a, officer_b, mentor, other_mentor, viewer, homes, home_b):
    MentorAssignmentFactory(mentor=mentor, household=homes[0], started_on=START)
    MentorAssignmentFactory(mentor=other_mentor, household=homes[1], started_on=START)
    theirs = AssessmentFactory(household=homes[1], year=2023, assessed_on=dt.date(2023, 11, 20), told=False)
    create = lambda h: reverse("campaign:assessment_create", args=[h.pk])  # noqa: E731
    edit = reverse("campaign:assessment_update", args=[theirs.pk])
    client.force_login(officer_b)  # another commune: nothing exists
    assert client.get(create(homes[0])).status_code == 404
    assert client.get(edit).status_code == 404
    assert client.post(edit, _form(version="1")).status_code == 404
    client.force_login(mentor)  # own household yes, a colleague's no
    assert client.get(create(homes[0])).status_code == 200
    assert client.get(create(homes[1])).status_code == 404
    assert client.post(edit, _form(version="1")).status_code == 404
    assert client.post(create(homes[0]), _form()).status_code == 302
    client.force_login(viewer)  # reads the room, may not write
    assert client.get(reverse("campaign:household", args=[homes[0].pk])).status_code == 200
    assert client.get(create(homes[0])).status_code == 403
    assert client.post(edit, _form(version="1")).status_code == 403
    assert Assessment.objects.count() == 2


# --- mentors ---------------------------------------------------------------------------------

def test_assign_several_households_then_end_one(client, officer_a, mentor, homes, village_a):
    client.force_login(officer_a)
    url = reverse("campaign:assign")
    assert "Chọn xã, thôn" in _text(client.get(url))
    page = _text(client.get(url, {"don_vi": village_a.pk}))
    assert homes[0].head_name in page and "A Thút" in page  # households and mentor candidates
    response = client.post(f"{url}?don_vi={village_a.pk}", {
        "mentor": mentor.pk, "households": [homes[0].pk, homes[1].pk], "started_on": "2024-01-02",
        "reason": "Nghị quyết chi bộ"})
    assert response.status_code == 302 and response.url == reverse("campaign:mentor", args=[mentor.pk])
    made = list(MentorAssignment.objects.order_by("pk"))
    assert [a.household for a in made] == homes[:2] and made[0].created_by == officer_a
    assert history_for(made[0]).filter(action="create").exists()
    page = _text(client.get(reverse("campaign:mentor", args=[mentor.pk])))
    assert homes[0].head_name in page and homes[1].head_name in page and "Chưa thăm" in page

    end = reverse("campaign:assignment_end", args=[made[0].pk])
    response = client.post(end, {"ended_on": "", "reason": "", "version": made[0].version})
    page = _text(response)
    assert response.status_code == 200 and "Hãy nhập ngày kết thúc" in page and "Hãy ghi lý do kết thúc" in page
    response = client.post(end, {"ended_on": "2024-06-30", "reason": "Hộ đã thoát nghèo",
                                 "version": made[0].version})
    assert response.status_code == 302
    made[0].refresh_from_db()
    assert made[0].ended_on == dt.date(2024, 6, 30) and made[0].end_reason == "Hộ đã thoát nghèo"
    # A second end from a page opened before the first: the version has moved on.
    response = client.post(end, {"ended_on": "2024-07-01", "reason": "x", "version": made[0].version - 1})
    assert response.status_code == 302  # already ended: the person is told and sent back


def test_assign_every_problem_at_once_nothing_written(client, officer_a, viewer, homes, village_a):
    client.force_login(officer_a)
    response = client.post(f"{reverse('campaign:assign')}?don_vi={village_a.pk}",
                           {"mentor": "", "households": [], "started_on": ""})
    page = _text(response)
    assert response.status_code == 200
    assert "Hãy chọn ít nhất một hộ" in page and "Hãy chọn người phụ trách" in page
    assert "Hãy nhập ngày bắt đầu phụ trách" in page
    assert not MentorAssignment.objects.exists()


def test_one_household_from_its_page_and_busy_households(client, officer_a, mentor, other_mentor, homes):
    MentorAssignmentFactory(mentor=mentor, household=homes[0], started_on=START)
    client.force_login(officer_a)
    url = f"{reverse('campaign:assign')}?ho={homes[0].pk}"
    page = _text(client.get(url))
    assert "đang do A Thút phụ trách" in page
    response = client.post(url, {"mentor": other_mentor.pk, "households": [homes[0].pk],
                                 "started_on": "2024-01-02"})
    assert response.status_code == 200 and "đang có người phụ trách" in _text(response)
    assert MentorAssignment.objects.count() == 1


def test_assignment_pages_scope(client, officer_a, officer_b, mentor, viewer, homes, village_a):
    made = MentorAssignmentFactory(mentor=mentor, household=homes[0], started_on=START)
    end = reverse("campaign:assignment_end", args=[made.pk])
    client.force_login(officer_b)
    assert client.get(f"{reverse('campaign:assign')}?don_vi={village_a.pk}").status_code == 404
    assert client.get(f"{reverse('campaign:assign')}?ho={homes[0].pk}").status_code == 404
    assert client.get(f"{reverse('campaign:group_create')}?don_vi={village_a.pk}").status_code == 404
    assert client.post(end, {"ended_on": "2024-01-01", "reason": "x"}).status_code == 404
    assert client.get(reverse("campaign:mentor", args=[mentor.pk])).status_code == 404
    client.force_login(mentor)  # a mentor assigns nobody
    assert client.get(reverse("campaign:assign")).status_code == 403
    assert client.post(end, {"ended_on": "2024-01-01", "reason": "x"}).status_code == 403
    assert client.get(reverse("campaign:mentor", args=[mentor.pk])).status_code == 200  # their own page
    client.force_login(viewer)
    assert client.get(reverse("campaign:assign")).status_code == 403
    assert client.get(reverse("campaign:group_create")).status_code == 403
    assert client.post(end, {"ended_on": "2024-01-01", "reason": "x"}).status_code == 403
    made.refresh_from_db()
    assert made.ended_on is None


def test_group_then_assign_the_group(client, officer_a, mentor, homes, village_a):
    client.force_login(officer_a)
    url = f"{reverse('campaign:group_create')}?don_vi={village_a.pk}"
    response = client.post(url, {"name": "", "households": []})
    page = _text(response)
    assert "Hãy đặt tên nhóm hộ" in page and "Nhóm hộ cần ít nhất một hộ" in page
    assert not HouseholdGroup.objects.exists()
    response = client.post(url, {"name": "Nhóm hộ tổ 1", "households": [h.pk for h in homes]})
    group = HouseholdGroup.objects.get()
    assert response.status_code == 302 and f"nhom={group.pk}" in response.url
    assert set(group.households.all()) == set(homes)
    response = client.post(f"{reverse('campaign:assign')}?don_vi={village_a.pk}",
                           {"mentor": mentor.pk, "group": group.pk, "started_on": "2024-01-02"})
    assert response.status_code == 302
    assert MentorAssignment.objects.get().group == group
    page = _text(client.get(reverse("campaign:mentor", args=[mentor.pk])))
    assert all(h.head_name in page for h in homes) and "Nhóm hộ tổ 1 (3 hộ)" in page


def test_index_links_to_the_pages_each_reader_may_use(client, officer_a, viewer, mentor, homes, commune_a):
    client.force_login(officer_a)
    page = _text(client.get(reverse("campaign:index")))
    for name in ("assign", "group_create", "assessment_import", "household_list", "phases"):
        assert reverse(f"campaign:{name}") in page, name
    client.force_login(viewer)
    page = _text(client.get(reverse("campaign:index")))
    assert reverse("campaign:assign") not in page and reverse("campaign:assessment_import") not in page
    assert reverse("campaign:phases") in page
    client.force_login(mentor)
    assert client.get(reverse("campaign:index")).url == reverse("campaign:my_households")
    assert client.get(reverse("campaign:household_list")).url == reverse("campaign:my_households")
    reporting_unit = factories.make_user(Role.REPORTING_UNIT, commune_a)
    client.force_login(reporting_unit)  # the room's figures, never household names
    assert client.get(reverse("campaign:household_list")).status_code == 404
    assert client.get(reverse("campaign:mentor", args=[mentor.pk])).status_code == 404


def test_household_list_finds_and_scopes(client, officer_a, officer_b, mentor, homes, home_b):
    MentorAssignmentFactory(mentor=mentor, household=homes[0], started_on=START)
    client.force_login(officer_a)
    page = _text(client.get(reverse("campaign:household_list")))
    assert all(h.code in page for h in homes) and home_b.code not in page and "A Thút" in page
    page = _text(client.get(reverse("campaign:household_list"), {"q": homes[2].code}, follow=True))
    assert homes[2].code in page and homes[0].code not in page
    client.force_login(officer_b)
    assert homes[0].code not in _text(client.get(reverse("campaign:household_list")))
    assert client.get(reverse("campaign:household", args=[homes[0].pk])).status_code == 404


# --- import ----------------------------------------------------------------------------------

def _xlsx(*rows) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([c.name for c in imports.COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("danh-gia.xlsx", buffer.getvalue())


def _row(commune, code, date="20/11/2023", marks=("x", "x")):
    return [commune, code, "A Blong", date, "1", *list(marks), *[""] * (11 - len(marks)), ""]


def test_import_page_lists_every_error_then_imports(client, officer_a, homes, commune_a):
    client.force_login(officer_a)
    url = reverse("campaign:assessment_import")
    assert client.get(url).status_code == 200
    template = client.get(reverse("campaign:assessment_import_template"))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxml")
    bad = _xlsx(_row(commune_a.code, homes[0].code, date="31/02/2023"), _row(commune_a.code, "KHONG-CO"))
    response = client.post(url, {"year": "2023", "era": "pre2025", "file": bad})
    page = _text(response)
    assert response.status_code == 200 and "Tệp có 2 lỗi" in page
    assert re.search(r"<td>2</td><td>Ngày đánh giá</td>", page) and re.search(r"<td>3</td><td>Mã hộ</td>", page)
    assert not Assessment.objects.exists()
    report = client.get(reverse("campaign:assessment_import_errors"))
    rows = list(openpyxl.load_workbook(io.BytesIO(report.content)).active.values)
    assert len(rows) == 3  # header + the two errors
    good = _xlsx(*[_row(commune_a.code, h.code) for h in homes])
    response = client.post(url, {"year": "2023", "era": "pre2025", "file": good}, follow=True)
    assert "Đã thêm 3 đánh giá hộ" in _text(response)
    assert Assessment.objects.count() == 3
    assert AuditLog.objects.filter(action="import", actor=officer_a).exists()


def test_import_page_scope(client, officer_b, viewer, homes, commune_a):
    client.force_login(viewer)
    assert client.get(reverse("campaign:assessment_import")).status_code == 403
    assert client.post(reverse("campaign:assessment_import"),
                       {"year": "2023", "era": "pre2025", "file": _xlsx(_row(commune_a.code, homes[0].code))}
                       ).status_code == 403
    assert client.get(reverse("campaign:assessment_import_template")).status_code == 403
    client.force_login(officer_b)  # may import, but commune A's households are not found for them
    response = client.post(reverse("campaign:assessment_import"),
                           {"year": "2023", "era": "pre2025", "file": _xlsx(_row(commune_a.code, homes[0].code))})
    assert "trong phạm vi bạn được đánh giá" in _text(response)
    assert not Assessment.objects.exists()


def test_import_of_5000_rows_goes_in_whole(officer_a, village_a, commune_a):
    """The page imports synchronously: 5,000 rows go in, every one (its speed is measured by
    bench/bench_assessment_import.py, not here)."""
    from vuonlen.households.models import Household

    Household.objects.bulk_create(
        Household(commune=commune_a, unit=village_a, code=f"B-{i:05d}", head_name=f"A Blong {i}", area="rural",
                  ethnicity="14", is_ethnic_minority=True) for i in range(5000))
    data = _xlsx(*[_row(commune_a.code, f"B-{i:05d}") for i in range(5000)]).read()
    result = imports.import_assessments(actor=officer_a, file=data, filename="lon.xlsx", year=2023)
    assert result.ok, result.errors[:3]
    assert result.counts["assessments"] == 5000


# --- phases ----------------------------------------------------------------------------------

def test_phases_page(client, officer_a, kontum):
    client.force_login(officer_a)
    page = _text(client.get(reverse("campaign:phases")))
    assert "08-KL/TU" in page and "24/02/2021" in page and "Thêm giai đoạn" not in page
    assert client.post(reverse("campaign:phases"), {"code": "2026-2030"}).status_code == 403
    admin = factories.make_user(Role.SYSADMIN, kontum)
    client.force_login(admin)
    base = {"vb-TOTAL_FORMS": "3", "vb-INITIAL_FORMS": "0", "vb-MIN_NUM_FORMS": "0", "vb-MAX_NUM_FORMS": "20"}
    response = client.post(reverse("campaign:phases"), {**base, "code": "", "name": "", "start_year": "2030",
                                                        "end_year": "2026"})
    page = _text(response)
    assert "Hãy nhập mã giai đoạn" in page and "Hãy nhập tên giai đoạn" in page
    assert "Năm kết thúc trước năm bắt đầu" in page
    assert Phase.objects.count() == 1
    response = client.post(reverse("campaign:phases"), {
        **base, "code": "2026-2030", "name": "Giai đoạn hai", "start_year": "2026", "end_year": "2030",
        "vb-0-number": "15-KL/TU", "vb-0-date": "10/01/2026", "vb-0-title": "Kết luận tiếp tục Cuộc vận động"})
    assert response.status_code == 302
    phase = Phase.objects.get(code="2026-2030")
    assert phase.documents == [{"number": "15-KL/TU", "date": "2026-01-10", "title": "Kết luận tiếp tục Cuộc vận động"}]
    assert history_for(phase).filter(action="create", actor=admin).exists()
    assert "10/01/2026" in _text(client.get(reverse("campaign:phases")))


# --- visits and photos -----------------------------------------------------------------------

def test_visit_photo_download_is_scoped(client, settings, tmp_path, officer_a, officer_b, mentor, other_mentor,
                                        homes, png):
    settings.MEDIA_ROOT = tmp_path / "media"
    MentorAssignmentFactory(mentor=mentor, household=homes[0], started_on=START)
    client.force_login(mentor)
    response = client.post(reverse("campaign:visit_create", args=[homes[0].pk]), {
        "visited_on": today_vn().isoformat(), "topics": ["loan"], "discussed": "Vay vốn nuôi bò",
        "photo": SimpleUploadedFile("anh.png", png, content_type="image/png")})
    assert response.status_code == 302
    visit = Visit.objects.get()
    url = reverse("campaign:visit_photo", args=[visit.pk])
    assert url in _text(client.get(reverse("campaign:household", args=[homes[0].pk])))
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content)[:4] == b"\x89PNG"
    client.force_login(officer_a)
    assert client.get(url).status_code == 200
    for stranger in (officer_b, other_mentor):
        client.force_login(stranger)
        assert client.get(url).status_code == 404


def test_visit_form_scope_and_read_only(client, officer_a, officer_b, mentor, viewer, homes):
    client.force_login(viewer)
    assert client.get(reverse("campaign:visit_create", args=[homes[0].pk])).status_code == 403
    assert client.post(reverse("campaign:visit_create", args=[homes[0].pk]),
                       {"visited_on": "2024-01-01", "topics": ["loan"]}).status_code == 403
    client.force_login(officer_b)
    assert client.get(reverse("campaign:visit_create", args=[homes[0].pk])).status_code == 404
    client.force_login(officer_a)
    response = client.post(reverse("campaign:visit_create", args=[homes[0].pk]), {"visited_on": ""})
    page = _text(response)
    assert response.status_code == 200 and "Chưa lưu được" in page
    assert not Visit.objects.exists()


# --- admin -----------------------------------------------------------------------------------

def test_admin_is_scoped_and_read_only(client, officer_a, officer_b, mentor, homes, home_b, commune_a):
    mine = AssessmentFactory(household=homes[0], year=2023, assessed_on=dt.date(2023, 11, 20), told=False)
    theirs = AssessmentFactory(household=home_b, year=2023, assessed_on=dt.date(2023, 11, 20), told=False)
    staff = factories.make_user(Role.COMMUNE_OFFICER, commune_a, is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="campaign",
                                                         codename__startswith="view_"))
    client.force_login(staff)
    assert client.get(reverse("admin:campaign_assessment_change", args=[mine.pk])).status_code == 200
    assert client.get(reverse("admin:campaign_assessment_change", args=[theirs.pk])).status_code == 404
    listing = client.get(reverse("admin:campaign_assessment_changelist"))
    assert list(listing.context["cl"].queryset) == [mine]
    assert client.get(reverse("admin:campaign_assessment_add")).status_code == 403
    client.post(reverse("admin:campaign_assessment_change", args=[mine.pk]), {"year": "2020"})
    mine.refresh_from_db()
    assert mine.year == 2023
    assert client.get(reverse("admin:campaign_mentorassignment_changelist")).status_code == 200
    assert client.get(reverse("admin:campaign_phase_changelist")).status_code == 200
    phase = Phase.objects.get()
    assert client.post(reverse("admin:campaign_phase_change", args=[phase.pk]), {"name": "x"}).status_code == 403


def test_pages_read_in_english(client, settings, officer_a, mentor, homes, village_a):
    MentorAssignmentFactory(mentor=mentor, household=homes[0], started_on=START)
    assessment = AssessmentFactory(household=homes[0], year=2023, assessed_on=dt.date(2023, 11, 20), told=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(officer_a)
    pages = {
        reverse("campaign:index"): "Household mentors",
        reverse("campaign:household", args=[homes[0].pk]): "Yearly assessments",
        reverse("campaign:assessment_update", args=[assessment.pk]): "Improved life (all four met)",
        f"{reverse('campaign:assign')}?don_vi={village_a.pk}": "Assign a household mentor",
        reverse("campaign:group_create"): "Create a household group",
        reverse("campaign:mentor", args=[mentor.pk]): "1 household mentored now",
        reverse("campaign:assessment_import"): "Import household assessments from an Excel file",
        reverse("campaign:phases"): "Founding documents",
        reverse("campaign:household_list"): "Households in the Campaign",
    }
    for url, text in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in _text(response), url
    client.force_login(mentor)
    assert "My households" in _text(client.get(reverse("campaign:my_households")))


def test_list_pages_query_count_does_not_grow_with_rows(client, officer_a, mentor, homes, village_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.households.factories import HouseholdFactory

    def counts() -> list[int]:
        found = []
        for url in (reverse("campaign:household_list") + "?muc_tieu=0", reverse("campaign:mentor", args=[mentor.pk]),
                    f"{reverse('campaign:assign')}?don_vi={village_a.pk}"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries.captured_queries))
        return found

    def add(households):
        MentorAssignmentFactory.each(households, mentor=mentor, started_on=START)
        for household in households:
            VisitFactory(household=household, mentor=officer_a, visited_on=dt.date(2024, 1, 1), topics=["loan"])

    add(homes)
    client.force_login(officer_a)
    client.get(reverse("campaign:household_list"))  # the scope panel, cached from the first page on
    before = counts()
    add([HouseholdFactory(unit=village_a, members=[f"Y Mai {i}"], code=f"QT-1{i}") for i in range(4)])
    assert counts() == before


def test_the_words_searched_stay_in_their_box_and_out_of_the_url(client, officer_a, homes):
    """The search posts its words (core.private_search); the page it lands on shows them in the
    box again, so the officer sees what was searched, and its URL holds only a token."""
    client.force_login(officer_a)
    response = client.post(reverse("campaign:household_list"), {"q": "A Blong 2", "don_vi": ""}, follow=True)
    final_url = response.redirect_chain[-1][0]
    assert "Blong" not in final_url and "tim=" in final_url
    box = re.search(r'<input[^>]*name="q"[^>]*>', response.content.decode())
    assert box is not None and 'value="A Blong 2"' in box.group(0)
    assert homes[2].code in _text(response) and homes[0].code not in _text(response)
