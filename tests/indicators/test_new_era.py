"""Dashboards and targets in the new era: opening year, the incomplete current year, the era of
the reader's unit today, targets and their cascade for the new province's communes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories
from tests.geo.factories import VillageFactory
from tests.households.factories import HouseholdFactory, ReviewFactory
from vuonlen.accounts.roles import Role
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.geo.models import Era, Level
from vuonlen.indicators import dashboards, rollups, selectors, services
from vuonlen.indicators.models import Indicator

from .conftest import assess
from .factories import PhaseFactory, TargetFactory
from .test_dashboards import build_world, commune_x  # noqa: F401 - the shared 2023 world and its fixture


@pytest.fixture
def new_province(kontum):
    return factories.unit("51", level=Level.PROVINCE, era=Era.POST_2025)


@pytest.fixture
def secretariat(new_province):
    return factories.make_user(Role.SECRETARIAT, new_province, username="tt.quangngai")


@pytest.fixture
def early_2026(commune_a, commune_b, commune_x):  # noqa: F811
    """2023 recognised; in 2026 one household of a new commune assessed, its review not recognised."""
    world = build_world(commune_a, commune_b, commune_x)
    village = VillageFactory(commune=factories.unit("23293", era=Era.POST_2025), name="Thôn mới")
    home = HouseholdFactory(unit=village, members=["Y Hương"])
    ReviewFactory(household=home, year=2026, income=800_000, lacking=["health_insurance"])
    assess(home, 2026, changed_thinking=True)
    rollups.recompute_all()
    world["home_2026"] = home
    return world


def test_dashboard_opens_on_the_latest_recognised_year_and_says_this_year_is_incomplete(
        client, early_2026, new_province, secretariat):
    assert 2026 in dashboards.data_years()  # one household made 2026 a year with figures
    client.force_login(secretariat)
    page = client.get(reverse("indicators:home"))
    # the era of the reader's unit today: the new province, on 2023 (the last recognised year)
    assert page.context["unit"] == new_province
    assert page.context["board"].period.year == 2023
    html = page.content.decode()
    assert "Năm 2026 chưa có kết quả rà soát được công nhận, số liệu chưa đầy đủ" in html
    # 2026 asked for: shown, with the warning, never as a settled result
    html = client.get(reverse("indicators:dashboard", args=[new_province.pk]) + "?year=2026").content.decode()
    assert "Năm 2026 chưa có kết quả rà soát được công nhận: số liệu của năm còn chưa đầy đủ." in html


def test_era_switch_for_a_province_account_of_either_era(client, early_2026, kontum, new_province, secretariat):
    links = {link.era: link for link in dashboards.era_links(secretariat, new_province)}
    assert links[Era.PRE_2025].unit_id == kontum.pk and links[Era.POST_2025].current
    old_province = factories.make_user(Role.SECRETARIAT, kontum, username="tt.kontum.cu")
    client.force_login(old_province)
    assert client.get(reverse("indicators:home")).context["unit"] == kontum
    # once the switch-over continues the account in the new province, both eras open
    from vuonlen.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=old_province, role=Role.SECRETARIAT, unit=new_province)
    old_province = type(old_province).objects.get(pk=old_province.pk)
    links = {link.era: link for link in dashboards.era_links(old_province, kontum)}
    assert links[Era.POST_2025].unit_id == new_province.pk and links[Era.PRE_2025].current


def test_new_era_drill_down_reaches_a_household_of_a_new_commune(client, early_2026, secretariat):
    commune = factories.unit("23293", era=Era.POST_2025)
    client.force_login(secretariat)
    url = reverse("indicators:dashboard_households", args=[commune.pk]) + "?indicator=NEP_NGHI&year=2026"
    html = client.get(url).content.decode()
    assert early_2026["home_2026"].code in html


def test_targets_for_new_era_units_cascade_province_to_commune(new_province, secretariat):
    phase = PhaseFactory()
    indicator = Indicator.objects.get(code="NEP_NGHI")
    indicator.phases.add(phase)
    commune = factories.unit("23293", era=Era.POST_2025)
    old_commune = factories.unit("23281")
    TargetFactory(indicator=indicator, unit=new_province, year=2026, value="80")
    services.set_target(actor=secretariat, indicator=indicator, unit=commune, year=2026, value="85")
    check = selectors.cascade(new_province, indicator, 2026)
    assert {c.unit.era for c in check.children} == {Era.POST_2025}
    assert len(check.children) == 40 and check.parent_target == Decimal("80")
    assert [c.unit for c in check.children if c.target is not None] == [commune]
    from django.core.exceptions import ValidationError
    with pytest.raises(ValidationError, match="chưa có hoặc không còn"):
        services.set_target(actor=SYSTEM, indicator=indicator, unit=old_commune, year=2026, value="85")
