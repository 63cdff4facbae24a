"""The registry pages as people use them: scope, search, masking, forms, query counts."""

import datetime as dt
import unicodedata

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.campaign.factories import MentorAssignmentFactory
from tests.geo.factories import VillageFactory
from vuonlen.accounts.roles import Role
from vuonlen.households import services
from vuonlen.households.models import Household, PopulationBase, Review

from .factories import HouseholdFactory, ReviewFactory, head_of

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    html = response.content.decode()
    start, end = html.find("<main"), html.rfind("</main>")
    return html[start:end] if start != -1 and end != -1 else html


@pytest.fixture
def as_officer(client, officer_a):
    client.force_login(officer_a)
    return client


# --- scope -----------------------------------------------------------------------------------

def test_officer_never_sees_another_communes_households(as_officer, household_a, household_b):
    response = as_officer.get(reverse("households:list"))
    assert response.status_code == 200
    assert "A Blong" in _text(response) and "Y Đơm" not in _text(response)
    # Search reaches nothing outside either, by name, code or ID.
    for q in ("y dom", "Y Đơm", "DT-001", "062175005678"):
        response = as_officer.get(reverse("households:list"), {"q": q}, follow=True)
        assert response.context["page_obj"].paginator.count == 0, q
        assert "0 hộ" in _text(response)
    assert as_officer.get(reverse("households:detail", args=[household_b.pk])).status_code == 404
    assert as_officer.get(reverse("households:update", args=[household_b.pk])).status_code == 404
    assert as_officer.get(reverse("households:review_record", args=[household_b.pk])).status_code == 404
    # A unit filter pointing outside gives nothing, not the other commune.
    response = as_officer.get(reverse("households:list"), {"unit": household_b.commune_id})
    assert "Y Đơm" not in _text(response)


def test_district_viewer_sees_all_its_communes_read_only(client, viewer_district, household_a, household_b):
    client.force_login(viewer_district)
    text = _text(client.get(reverse("households:list")))
    assert "A Blong" in text and "Y Đơm" in text
    page = client.get(reverse("households:detail", args=[household_a.pk]))
    assert page.status_code == 200
    assert reverse("households:update", args=[household_a.pk]) not in _text(page)
    assert client.get(reverse("households:update", args=[household_a.pk])).status_code == 403
    assert client.post(reverse("households:member_add", args=[household_a.pk]), {}).status_code == 403
    assert client.get(reverse("households:register")).status_code == 403


def test_mentor_reads_but_cannot_write(client, officer_a, mentor_a, household_a):
    # A mentor reads the households assigned to them (tests/households/test_mentor_scope.py).
    MentorAssignmentFactory(mentor=mentor_a, household=household_a, started_on=dt.date(2024, 1, 1))
    client.force_login(mentor_a)
    assert client.get(reverse("households:detail", args=[household_a.pk])).status_code == 200
    assert client.get(reverse("households:split", args=[household_a.pk])).status_code == 403


def test_people_without_the_right_see_nothing(client, commune_a, household_a):
    client.force_login(factories.make_user(Role.REPORTING_UNIT, commune_a))
    assert client.get(reverse("households:list")).status_code == 404
    assert client.get(reverse("households:detail", args=[household_a.pk])).status_code == 404


def test_navigation_lists_the_room_for_readers_only(client, officer_a, commune_a):
    client.force_login(officer_a)
    assert "Hộ gia đình" in client.get(reverse("home")).content.decode()
    client.force_login(factories.make_user(Role.REPORTING_UNIT, commune_a))
    assert reverse("households:list") not in client.get(reverse("home")).content.decode()


# --- search, filters, order ------------------------------------------------------------------

def test_search_with_or_without_diacritics(as_officer, household_a):
    for q in ("blong", "A BLONG", "hiên", "hien", unicodedata.normalize("NFD", "Hiên"), "QT-001", "tuan"):
        assert "A Blong" in _text(as_officer.get(reverse("households:list"), {"q": q}, follow=True)), q
    assert "A Blong" in _text(as_officer.get(reverse("households:list"), {"q": "062080001234"}, follow=True))
    # Part of an ID number finds nobody: no browsing IDs digit by digit.
    assert "A Blong" not in _text(as_officer.get(reverse("households:list"), {"q": "06208000"}, follow=True))


def test_vietnamese_order_and_filters(as_officer, commune_a, officer_a):
    village = VillageFactory(commune=commune_a, name="Thôn Kon Rờ Bàng")
    names = ["Đinh Văn Bảy", "Y Ánh", "A Ba", "Y Anh", "Ê Nguyên"]
    households = {name: HouseholdFactory(unit=village if name.startswith("Y") else commune_a, members=[name],
                                       ethnicity="13" if name == "A Ba" else "14") for name in names}
    text = _text(as_officer.get(reverse("households:list")))
    positions = [text.find(name) for name in ["A Ba", "Đinh Văn Bảy", "Ê Nguyên", "Y Anh", "Y Ánh"]]
    assert positions == sorted(positions) and -1 not in positions

    text = _text(as_officer.get(reverse("households:list"), {"ethnicity": "13"}))
    assert "A Ba" in text and "Y Anh" not in text
    text = _text(as_officer.get(reverse("households:list"), {"unit": village.pk}))
    assert "Y Anh" in text and "A Ba" not in text

    ReviewFactory(household=households["A Ba"], year=2023, income=1_000_000, lacking=["employment", "latrine", "telecom"],
                recognised=True, actor=officer_a)
    ReviewFactory(household=households["Y Anh"], year=2022, income=1_000_000, actor=officer_a)
    text = _text(as_officer.get(reverse("households:list"), {"status": "poor"}))
    assert "A Ba" in text and "Y Anh" not in text
    text = _text(as_officer.get(reverse("households:list"), {"year": 2022}))
    assert "Y Anh" in text and "A Ba" not in text


def test_ended_households_are_behind_a_filter(as_officer, household_a, officer_a):
    services.household_end(actor=officer_a, household=household_a, reason="moved_away", on=dt.date(2024, 1, 1))
    assert "A Blong" not in _text(as_officer.get(reverse("households:list")))
    assert "A Blong" in _text(as_officer.get(reverse("households:list"), {"state": "ended"}))


@pytest.mark.parametrize("per_page", [10, 100])
def test_list_uses_a_fixed_number_of_queries(as_officer, commune_a, village_a, per_page, django_assert_num_queries):
    for i in range(120):
        HouseholdFactory(unit=village_a if i % 2 else commune_a, members=[f"Chủ hộ {i}", f"Con {i}"])
    url = reverse("households:list")
    as_officer.get(url)  # warm the session and the scope panel (cached between pages)
    # User, page: the same 2 whatever the page size — nothing per row (the session comes from the
    # cache: cached_db; the assignments, the scope's lineage, the filter's units and the count,
    # kept from the first page, too).
    with django_assert_num_queries(2):
        response = as_officer.get(url, {"per_page": per_page})
    assert len(response.context["page_obj"].object_list) == per_page
    assert response.context["page_obj"].object_list[0].member_count == 2


def test_query_count_does_not_grow_with_the_page_or_search(as_officer, commune_a, officer_a):
    households = [HouseholdFactory(unit=commune_a, members=[f"Chủ hộ {i}", f"Con {i}", f"Cháu {i}"]) for i in range(30)]
    for h in households[:20]:
        ReviewFactory(household=h, year=2023, income=1_000_000, lacking=["employment", "latrine", "telecom"], actor=officer_a)
    counts = []
    as_officer.get(reverse("households:list"))  # the scope panel, cached from the first page on
    for params in ({"per_page": 10}, {"per_page": 25}, {"per_page": 100}, {"q": "chu ho", "per_page": 100},
                   {"status": "poor", "year": 2023, "per_page": 100}):
        # The search form posts, then the list is read at a URL without the words.
        location = as_officer.post(reverse("households:list"), params)["Location"]
        with CaptureQueriesContext(connection) as ctx:
            response = as_officer.get(location)
        assert response.context["page_obj"].paginator.count == (20 if "year" in params else 30)
        counts.append(len(ctx.captured_queries))
    # The page sizes read the count kept from the first page; a search and a new filter count
    # once more: never a query per row.
    assert counts == [2, 2, 2, 3, 3], counts


# --- the household page ----------------------------------------------------------------------

def test_household_page_shows_members_reviews_and_explanation(as_officer, household_a, officer_a):
    review = ReviewFactory(household=household_a, year=2023, income=1_800_000, lacking=["employment", "latrine", "telecom"],
                         recognised=True, actor=officer_a)
    response = as_officer.get(reverse("households:detail", args=[household_a.pk]))
    text = _text(response)
    assert "A Blong" in text and "Y Hiên" in text and "A Tuấn" in text
    assert "Hộ nghèo" in text
    assert "1.800.000" in text and "2.000.000" in text  # income against the urban line
    assert "Nhà tiêu hợp vệ sinh" in text and "điểm B = 30" in text
    assert review.explanation["explanation_vi"][0] in text
    assert "Lịch sử thay đổi" in text


def test_citizen_ids_are_masked_by_role(client, officer_a, viewer_district, mentor_a, household_a):
    MentorAssignmentFactory(mentor=mentor_a, household=household_a, started_on=dt.date(2024, 1, 1))
    url = reverse("households:detail", args=[household_a.pk])
    client.force_login(officer_a)
    assert "062080001234" in _text(client.get(url))
    for reader in (viewer_district, mentor_a):
        client.force_login(reader)
        text = _text(client.get(url))
        assert "062080001234" not in text and "********1234" in text


def test_lineage_on_the_page(as_officer, household_a, officer_a):
    son = household_a.memberships.get(person__full_name="A Tuấn")
    new = services.household_split(actor=officer_a, household=household_a, members=[son], new_head=son,
                                   code="QT-002", on=dt.date(2024, 6, 1))
    text = _text(as_officer.get(reverse("households:detail", args=[new.pk])))
    assert "Tách từ" in text and "Hộ QT-001" in text
    text = _text(as_officer.get(reverse("households:detail", args=[household_a.pk])))
    assert "Đã tách ra" in text and "Hộ QT-002" in text


def test_history_page_of_a_household_is_scoped(client, officer_a, officer_b, household_a):
    url = reverse("core:history", args=["households", "household", household_a.pk])
    client.force_login(officer_a)
    assert client.get(url).status_code == 200
    client.force_login(officer_b)
    assert client.get(url).status_code == 404


# --- forms -----------------------------------------------------------------------------------

def _formset(rows):
    data = {"members-TOTAL_FORMS": str(len(rows)), "members-INITIAL_FORMS": "0", "members-MIN_NUM_FORMS": "0",
            "members-MAX_NUM_FORMS": "30"}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"members-{i}-{key}"] = value
    return data


def test_register_page(as_officer, village_a):
    data = {"unit": village_a.pk, "code": "QT-100", "ethnicity": "14", "area": "", "started_on": "01/01/2024",
            **_formset([{"full_name": "Y Lan", "relation": "head", "sex": "F", "birth_year": "1990"},
                        {}, {"full_name": "A Hùng", "relation": "child", "sex": "M", "birth_date": "02/03/2015"}])}
    response = as_officer.post(reverse("households:register"), data)
    household = Household.objects.get(code="QT-100")
    assert response.status_code == 302 and response["Location"] == reverse("households:detail", args=[household.pk])
    assert household.memberships.count() == 2 and household.head_name == "Y Lan"


def test_register_page_shows_every_error_in_place(as_officer, village_a):
    data = {"unit": village_a.pk, "code": "", "ethnicity": "14",
            **_formset([{"full_name": "Y Lan", "relation": "child", "sex": "F", "birth_year": "1990",
                         "citizen_id": "123"}])}
    response = as_officer.post(reverse("households:register"), data)
    assert response.status_code == 200
    text = _text(response)
    assert "Thiếu mã hộ" in text and "chưa có chủ hộ" in text and "đúng 12 chữ số" in text
    assert not Household.objects.exists()


def test_edit_with_a_stale_version(as_officer, household_a, officer_a):
    url = reverse("households:update", args=[household_a.pk])
    form = as_officer.get(url).context["form"]
    services.household_update(actor=officer_a, household=household_a, data={"phone": "0900000000"},
                              expected_version=household_a.version)
    data = {**{k: v or "" for k, v in form.initial.items()}, "phone": "0911111111"}
    data["started_on"] = "01/01/2020"
    response = as_officer.post(url, data)
    assert response.status_code == 200 and "vừa được người khác sửa" in _text(response)


def test_member_pages(as_officer, household_a):
    response = as_officer.post(reverse("households:member_add", args=[household_a.pk]), {
        "full_name": "Y Bé", "sex": "F", "relation": "child", "birth_date": "01/02/2024", "reason": "birth",
        "started_on": "01/02/2024"})
    assert response.status_code == 302
    head = head_of(household_a)
    url = reverse("households:membership_end", args=[head.pk])
    response = as_officer.post(url, {"reason": "death", "ended_on": "05/05/2024"})
    assert "chọn chủ hộ mới" in _text(response)
    wife = household_a.memberships.get(person__full_name="Y Hiên")
    response = as_officer.post(url, {"reason": "death", "ended_on": "05/05/2024", "new_head": wife.pk})
    assert response.status_code == 302
    household_a.refresh_from_db()
    assert household_a.head_name == "Y Hiên"


def test_split_and_merge_pages(as_officer, household_a, commune_a):
    son = household_a.memberships.get(person__full_name="A Tuấn")
    response = as_officer.post(reverse("households:split", args=[household_a.pk]),
                               {"members": [son.pk], "new_head": son.pk, "code": "QT-009", "on": "01/06/2024"})
    new = Household.objects.get(code="QT-009")
    assert response.status_code == 302 and new.split_from == household_a
    response = as_officer.post(reverse("households:merge", args=[new.pk]), {"into_code": "KHONG-CO", "on": "02/06/2024"})
    assert "Không có hộ mã" in _text(response)
    response = as_officer.post(reverse("households:merge", args=[new.pk]), {"into_code": "QT-001", "on": "02/06/2024"})
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.merged_into == household_a


def test_review_pages(as_officer, household_a):
    url = reverse("households:review_record", args=[household_a.pk]) + "?nam=2023"
    page = as_officer.get(url)
    assert "Nghị định 07/2021/NĐ-CP" in _text(page) and "Nhà tiêu hợp vệ sinh" in _text(page)
    response = as_officer.post(url, {"kind": "periodic", "reviewed_on": "15/08/2023", "income_per_capita": "",
                                     "lacking": ["employment"]})
    text = _text(response)
    assert "01/09/2023–14/12/2023" in text and "Thiếu thu nhập" in text
    assert "Hộ làm nông, lâm, ngư, diêm nghiệp" in _text(page)
    response = as_officer.post(url, {"kind": "periodic", "reviewed_on": "15/10/2023", "income_per_capita": "1.200.000",
                                     "lacking": ["employment", "latrine", "telecom"], "farming": "yes"})
    assert response.status_code == 302
    review = Review.objects.get(household=household_a)
    assert review.status == "poor" and review.farming is True
    response = as_officer.post(reverse("households:review_recognise", args=[review.pk]),
                               {"decision_number": "12/QĐ-UBND", "decision_date": "20/12/2023"})
    assert response.status_code == 302
    # Frozen: recording again is refused, correcting works with a reason.
    response = as_officer.post(url, {"kind": "periodic", "reviewed_on": "16/10/2023", "income_per_capita": "3000000"})
    assert "đã được công nhận" in _text(response)
    response = as_officer.post(reverse("households:review_correct", args=[review.pk]),
                               {"kind": "periodic", "reviewed_on": "15/10/2023", "income_per_capita": "2.100.000",
                                "reason": "Cộng nhầm thu nhập"})
    assert response.status_code == 302
    corrected = Review.objects.get(household=household_a, is_current=True)
    assert corrected.status == "average" and corrected.farming is True  # kept from the corrected review


def test_population_base_page(as_officer, commune_a, commune_b, client, viewer_district):
    url = reverse("households:population_base", args=[commune_a.pk])
    response = as_officer.post(url, {"year": 2023, "households_total": "1.200", "persons_total": "5.000",
                                     "em_households_total": "", "em_persons_total": "", "source_note": "Thống kê"})
    assert response.status_code == 302
    assert PopulationBase.objects.get(commune=commune_a, year=2023).households_total == 1200
    assert "1.200" in _text(as_officer.get(url))
    assert as_officer.get(reverse("households:population_base", args=[commune_b.pk])).status_code == 404
    client.force_login(viewer_district)
    assert client.get(url).status_code == 200
    assert client.post(url, {"year": 2023, "households_total": "1"}).status_code == 403


def test_list_links_to_import_and_to_an_export_of_the_same_filter(as_officer, household_a, client, viewer_district):
    from django.urls import reverse

    html = _text(as_officer.get(reverse("households:list"), {"status": "poor", "year": "2023"}))
    export = reverse("household_imports:export")
    assert f'{export}?status=poor&amp;year=2023' in html
    start = f'href="{reverse("household_imports:start")}"'
    assert start in html
    client.force_login(viewer_district)  # read-only: may export within scope, not import
    html = _text(client.get(reverse("households:list")))
    assert export in html and start not in html


def test_the_unit_filter_follows_the_tree_and_marks_the_chosen_unit(as_officer, commune_a, village_a):
    """The filter's units are kept between pages under the tree's version: a village added or
    renamed shows on the next page; the unit chosen is the one marked."""
    from tests.geo.factories import VillageFactory

    url = reverse("households:list")
    assert "Tổ 9" not in as_officer.get(url).content.decode()
    added = VillageFactory(commune=commune_a, name="Tổ 9")
    page = as_officer.get(url).content.decode()
    assert f'<option value="{added.pk}">' in page and "Tổ 9</option>" in page
    village_a.name = "Tổ dân phố 1"
    village_a.save()
    location = as_officer.post(url, {"unit": village_a.pk})["Location"]
    page = as_officer.get(location).content.decode()
    assert f'<option value="{village_a.pk}" selected>' in page and "Tổ dân phố 1" in page
    assert f'<option value="{added.pk}" selected>' not in page
