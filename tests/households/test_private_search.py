"""No personal identifier in any URL: a search for a citizen ID (or a name) posts, and the list
is read back at a URL that carries an opaque token, never the words; paging, filters and the
export still work; the token means nothing to another session."""

import re
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse

from .factories import HouseholdFactory

pytestmark = pytest.mark.django_db

ID = "062080001234"


@pytest.fixture
def as_officer(client, officer_a):
    client.force_login(officer_a)
    return client


def _heads(response) -> list[str]:
    return [h.head_name for h in response.context["page_obj"]]


def _assert_clean(url: str, *words: str) -> None:
    plain = unquote(url)
    for word in words:
        assert word not in plain, url
    assert not re.search(r"\d{9}", plain), url  # no run of nine digits: no ID, whole or in part


def test_search_by_id_finds_the_household_and_no_url_holds_the_number(as_officer, household_a, household_b):
    response = as_officer.post(reverse("households:list"), {"q": ID, "state": "active", "per_page": "50"},
                               follow=True)
    assert response.status_code == 200
    assert _heads(response) == ["A Blong"]
    urls = [url for url, _status in response.redirect_chain] + [response.request["PATH_INFO"] + "?" +
                                                                 response.request["QUERY_STRING"]]
    assert [status for _url, status in response.redirect_chain] == [303]
    for url in urls:
        _assert_clean(url, ID, "1234")
    assert "tim=" in urls[0] and "state=active" in urls[0]
    # Every link on the page (export, paging) is free of the number too; the box still shows it.
    html = response.content.decode()
    for href in re.findall(r'href="([^"]+)"', html):
        _assert_clean(href, ID)
    assert f'value="{ID}"' in html


def test_search_by_name_keeps_the_name_out_of_the_url(as_officer, household_a):
    response = as_officer.post(reverse("households:list"), {"q": "Y Hiên"}, follow=True)
    assert _heads(response) == ["A Blong"]
    _assert_clean(response.redirect_chain[0][0], "Hiên", "Hi%C3%AAn", "Y+Hi")


def test_paging_keeps_the_search_through_the_token(as_officer, commune_a):
    for i in range(12):
        HouseholdFactory(unit=commune_a, members=[f"Rơ Mah {i:02d}"])
    HouseholdFactory(unit=commune_a, members=["Người khác"])
    response = as_officer.post(reverse("households:list"), {"q": "ro mah", "per_page": "10"}, follow=True)
    page_one = response.redirect_chain[0][0]
    assert response.context["page_obj"].paginator.count == 12 and len(_heads(response)) == 10
    next_link = re.search(r'rel="next" href="([^"]+)"', response.content.decode()).group(1).replace("&amp;", "&")
    assert "tim=" in next_link and "ro" not in next_link.replace("tim=", "")
    page_two = as_officer.get(reverse("households:list") + next_link)
    assert page_two.status_code == 200 and len(_heads(page_two)) == 2
    assert page_one.split("tim=")[1][:8] in next_link


def test_export_follows_the_token(as_officer, household_a, household_b):
    location = as_officer.post(reverse("households:list"), {"q": ID})["Location"]
    query = location.split("?", 1)[1]
    response = as_officer.get(f"{reverse('household_imports:export')}?{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    cells = [str(c) for row in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)
             for c in row if c]
    assert "A Blong" in cells and "Y Đơm" not in cells


def test_an_old_link_with_the_words_is_moved_to_a_token(as_officer, household_a):
    response = as_officer.get(reverse("households:list"), {"q": ID, "status": "poor"})
    assert response.status_code == 303
    _assert_clean(response["Location"], ID)
    assert "status=poor" in response["Location"]


def test_another_session_cannot_read_the_token(as_officer, officer_a, household_a):
    location = as_officer.post(reverse("households:list"), {"q": ID})["Location"]
    other = Client()
    other.force_login(officer_a)
    response = other.get(location, follow=True)
    assert response.status_code == 200
    assert ID not in response.content.decode()
    assert "hết hạn" in response.content.decode()
    _assert_clean(response.redirect_chain[0][0], "tim=")


def test_campaign_search_posts_too(client, officer_a, household_a):
    client.force_login(officer_a)
    response = client.post(reverse("campaign:household_list"), {"q": ID}, follow=True)
    assert response.status_code == 200
    _assert_clean(response.redirect_chain[0][0], ID)
