"""The indicators API answers within the caller's scope: 404 outside it and for mentors."""

from __future__ import annotations

import pytest

from tests import factories
from vuonlen.accounts.roles import Role
from vuonlen.indicators import rollups

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(assessed):
    rollups.recompute_all()
    return assessed


def test_district_viewer_reads_figures_and_evaluation(client, computed, commune_a, commune_c):
    district = commune_a.parent
    client.force_login(factories.make_user(Role.VIEWER, district))
    figures = client.get(f"/api/v1/indicators/units/{district.pk}/figures/NEP_NGHI").json()
    assert figures == [{"year": 2023, "numerator": 3, "denominator": 4, "value": 75.0}]
    rows = client.get(f"/api/v1/indicators/units/{district.pk}/evaluation",
                      {"cutoff": "2023-12-31"}).json()
    mine = {(r["unit_id"], r["indicator"]): r for r in rows}
    assert mine[(commune_a.pk, "NEP_NGHI")]["numerator"] == 2
    assert mine[(district.pk, "NEP_NGHI")]["denominator"] == 4
    assert mine[(district.pk, "NEP_NGHI")]["status"] == "achieved"  # 75% ≥ the plan's 75%


def test_commune_officer_sees_only_their_commune(client, computed, commune_a, commune_c):
    client.force_login(factories.make_user(Role.COMMUNE_OFFICER, commune_a))
    assert client.get(f"/api/v1/indicators/units/{commune_a.pk}/figures/NEP_NGHI").status_code == 200
    assert client.get(f"/api/v1/indicators/units/{commune_c.pk}/figures/NEP_NGHI").status_code == 404
    assert client.get(f"/api/v1/indicators/units/{commune_a.parent.pk}/evaluation").status_code == 404


def test_mentor_has_no_dashboard_figures(client, computed, commune_a):
    client.force_login(factories.make_user(Role.MENTOR, commune_a))
    assert client.get("/api/v1/indicators/").status_code == 404
    assert client.get(f"/api/v1/indicators/units/{commune_a.pk}/figures/NEP_NGHI").status_code == 404


def test_bad_parameters_are_explained(client, computed, commune_a):
    client.force_login(factories.make_user(Role.COMMUNE_OFFICER, commune_a))
    response = client.get(f"/api/v1/indicators/units/{commune_a.pk}/evaluation", {"band": "2"})
    assert response.status_code == 422
    assert [(p["loc"], p["msg"]) for p in response.json()["detail"]] == [
        (["query", "band"], "band: phải nhỏ hơn hoặc bằng 1.0")]
    catalogue = client.get("/api/v1/indicators/").json()
    assert {"NEP_NGHI", "GIAM_NGHEO", "KH_XA"} <= {i["code"] for i in catalogue}
