"""Issue 13, item 8: the evaluation and dashboard pages share one cut-off parameter — ``ngay``
in dd/mm/yyyy — so a link or bookmark means the same date on both."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from .target_world import *  # noqa: F403 - the shared fixtures

pytestmark = pytest.mark.django_db


def test_the_dashboard_reads_and_writes_the_evaluations_cut_off(client, world):
    client.force_login(world.secretariat)
    url = reverse("indicators:dashboard", args=[world.district.pk])
    response = client.get(url, {"year": 2023, "ngay": "30/06/2023"})
    assert response.status_code == 200
    assert response.context["board"].period.cutoff == dt.date(2023, 6, 30)
    html = response.content.decode()
    assert 'name="ngay" value="30/06/2023"' in html and 'name="cutoff"' not in html
    evaluation_link = f'{reverse("indicators:evaluation")}?don_vi={world.district.pk}&amp;ngay=30/06/2023'
    assert evaluation_link in html
    # The link opens the evaluation at the same date.
    evaluation = client.get(reverse("indicators:evaluation"), {"don_vi": world.district.pk, "ngay": "30/06/2023"})
    assert evaluation.status_code == 200 and evaluation.context["cutoff"] == dt.date(2023, 6, 30)
    # Links onward carry it the same way.
    assert "ngay=30%2F06%2F2023" in response.context["keep"]


def test_an_old_link_with_cutoff_still_opens_the_same_date(client, world):
    client.force_login(world.secretariat)
    response = client.get(reverse("indicators:dashboard", args=[world.district.pk]),
                          {"year": 2023, "cutoff": "2023-06-30"})
    assert response.context["board"].period.cutoff == dt.date(2023, 6, 30)
