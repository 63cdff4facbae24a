"""Issue 13: the household record and the review minutes as A4 print views (scoped like the
household's page), and the warning when a minor becomes head of household (item 8)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from vuonlen.households.models import Membership

from .factories import ReviewFactory

pytestmark = pytest.mark.django_db


def test_household_record_prints_members_and_reviews_inside_the_scope_only(client, officer_a, officer_b,
                                                                          household_a):
    ReviewFactory(household=household_a, year=2024, income=500_000, lacking=["employment", "latrine", "telecom"])
    client.force_login(officer_a)
    detail = client.get(reverse("households:detail", args=[household_a.pk])).content.decode()
    url = reverse("households:print", args=[household_a.pk])
    assert url in detail
    html = client.get(url).content.decode()
    assert "Phiếu thông tin hộ gia đình" in html and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html
    assert "A Blong" in html and "A Tuấn" in html and "07/06/2010" in html
    assert "2024" in html and "css/print.css" in html and "vl-navbar" not in html  # no top bar
    client.force_login(officer_b)
    assert client.get(url).status_code == 404


def test_review_minutes_print_the_result_its_grounds_and_the_signatures(client, officer_a, officer_b,
                                                                        household_a):
    review = ReviewFactory(household=household_a, year=2024, income=500_000, lacking=["employment", "latrine", "telecom"],
                         reviewed_on=dt.date(2024, 10, 7))
    client.force_login(officer_a)
    url = reverse("households:review_print", args=[review.pk])
    assert url in client.get(reverse("households:detail", args=[household_a.pk])).content.decode()
    html = client.get(url).content.decode()
    assert "Biên bản rà soát hộ nghèo, hộ cận nghèo năm 2024" in html
    assert "ngày 07/10/2024" in html and "500.000" in html
    assert "ĐẠI DIỆN HỘ GIA ĐÌNH" in html and "TRƯỞNG THÔN" in html
    client.force_login(officer_b)
    assert client.get(url).status_code == 404


def test_a_minor_made_head_of_household_is_warned_about(client, officer_a, household_a):
    head = Membership.objects.get(household=household_a, relation="head")
    child = Membership.objects.get(household=household_a, person__full_name="A Tuấn")  # born 07/06/2010
    client.force_login(officer_a)
    response = client.post(reverse("households:membership_end", args=[head.pk]), {
        "reason": "death", "ended_on": "01/12/2026", "new_head": child.pk})
    assert response.status_code == 302
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert len(warnings) == 1 and "A Tuấn" in warnings[0] and "16 tuổi" in warnings[0]


def test_an_adult_made_head_brings_no_warning(client, officer_a, household_a):
    head = Membership.objects.get(household=household_a, relation="head")
    wife = Membership.objects.get(household=household_a, person__full_name="Y Hiên")
    client.force_login(officer_a)
    response = client.post(reverse("households:membership_end", args=[head.pk]), {
        "reason": "death", "ended_on": "01/12/2026", "new_head": wife.pk})
    assert response.status_code == 302
    assert [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"] == []
