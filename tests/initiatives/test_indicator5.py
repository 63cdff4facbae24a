"""Indicator 5 of the plan: each year a district builds or keeps 1–3 models, each commune at
least one — counted from the models' levels, start years and lifecycle rows."""

from __future__ import annotations

import datetime as dt

import pytest

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.periods import VN_TZ
from vuonlen.initiatives import selectors, services
from vuonlen.initiatives.models import StatusChange

pytestmark = pytest.mark.django_db


def test_commune_and_district_counts(world):
    assert not selectors.indicator5_for_unit(world.commune, 2023).met
    assert selectors.indicator5_for_unit(world.commune, 2023).count == 0
    world.model(name="Xã 2023", year=2023)
    world.model(name="Huyện 2023", org=world.district_front, year=2023)
    world.model(name="Xã 2025", year=2025)
    commune_2023 = selectors.indicator5_for_unit(world.commune, 2023)
    district_2023 = selectors.indicator5_for_unit(world.district, 2023)
    assert (commune_2023.count, commune_2023.met) == (1, True)  # the district's model is not the commune's
    assert (district_2023.count, district_2023.met, district_2023.label) == (1, True, "Đạt")
    assert selectors.indicator5_for_unit(world.commune, 2022).count == 0  # not started yet
    assert selectors.indicator5_for_unit(world.commune, 2025).count == 2  # 2023's kept + 2025's


def test_closed_model_counts_for_its_last_year_only(world):
    model = world.model(name="Dừng 2024", year=2023)
    model = services.initiative_move(actor=SYSTEM, initiative=model, to_status="closed", comment="Dừng")
    StatusChange.objects.filter(initiative=model, to_status="closed").update(
        at=dt.datetime(2024, 6, 1, 9, tzinfo=VN_TZ))
    assert selectors.indicator5_for_unit(world.commune, 2024).count == 1  # kept part of 2024
    assert selectors.indicator5_for_unit(world.commune, 2025).count == 0


def test_more_than_three_district_models_is_above_target(world):
    for i in range(4):
        world.model(name=f"Huyện {i}", org=world.district_front, year=2023)
    row = selectors.indicator5_for_unit(world.district, 2023)
    assert (row.count, row.met, row.label) == (4, True, "Vượt chỉ tiêu")


def test_rows_for_every_commune_narrowed_by_scope(world):
    world.model(name="Xã 2023", year=2023)
    rows = selectors.indicator5(parent=world.district, year=2023, user=SYSTEM)
    assert rows[0].unit == world.district
    communes = [r for r in rows if r.unit.level == 3]
    assert len(communes) == world.district.children.filter(level=3).count()
    assert sum(r.met for r in communes) == 1
    mine = selectors.indicator5(parent=world.province, year=2023, user=world.officer)
    assert [r.unit for r in mine] == [world.commune]
