"""Handing targets: who may (404 outside the area, 403 read-only), every problem at once,
versions, audit; the cascade check with hand-worked numbers; the "Giao chỉ tiêu" page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from vuonlen.core.models import AuditAction, AuditLog
from vuonlen.indicators import selectors, services, values
from vuonlen.indicators.models import Target

from .factories import RollupFactory, TargetFactory
from .target_world import *  # noqa: F403 - the shared fixtures

pytestmark = pytest.mark.django_db


def _audits(action=None):
    qs = AuditLog.objects.filter(content_type__model="target")
    return qs.filter(action=action) if action else qs


# --- set_target -----------------------------------------------------------------------------

def test_district_secretariat_hands_a_commune_its_target(world):
    target = services.set_target(actor=world.secretariat, indicator=indicator("NEP_NGHI"), unit=world.commune,
                                 year=2023, value="67,5", document="92-CV/BCĐ")
    assert (target.value, target.document, target.set_by, target.version) == (
        Decimal("67.50"), "92-CV/BCĐ", world.secretariat, 1)
    row = _audits(AuditAction.CREATE).get()
    assert row.actor == world.secretariat and row.changes["value"] == [None, "67.50"]


def test_change_with_version_and_no_change_writes_nothing(world):
    first = services.set_target(actor=world.secretariat, indicator=indicator("NEP_NGHI"), unit=world.commune,
                                year=2023, value=70)
    changed = services.set_target(actor=world.secretariat, indicator=indicator("NEP_NGHI"), unit=world.commune,
                                  year=2023, value="72", expected_version=first.version)
    assert changed.pk == first.pk and changed.version == 2 and changed.value == Decimal("72.00")
    assert _audits(AuditAction.UPDATE).get().changes["value"] == ["70.00", "72.00"]
    services.set_target(actor=world.secretariat, indicator=indicator("NEP_NGHI"), unit=world.commune, year=2023,
                        value="72,00", expected_version=2)
    assert _audits().count() == 2


def test_a_stale_version_is_refused_and_keeps_the_stored_value(world):
    first = services.set_target(actor=world.secretariat, indicator=indicator("NEP_NGHI"), unit=world.commune,
                                year=2023, value=70)
    services.set_target(actor=world.province_secretariat, indicator=indicator("NEP_NGHI"), unit=world.commune,
                        year=2023, value=71, expected_version=first.version)
    with pytest.raises(services.Stale) as caught:
        services.set_target(actor=world.secretariat, indicator=indicator("NEP_NGHI"), unit=world.commune,
                            year=2023, value=80, expected_version=first.version)
    assert "vừa được" in caught.value.messages[0] and "71%" in caught.value.messages[0]
    assert Target.objects.get().value == Decimal("71.00")
    # 0 = "there was none when I opened the page": someone created it meanwhile.
    with pytest.raises(services.Stale):
        services.set_target(actor=world.secretariat, indicator=indicator("KHKT"), unit=world.commune, year=2023,
                            value=40, expected_version=1)


def test_every_problem_at_once_and_nothing_written(world):
    with pytest.raises(ValidationError) as caught:
        services.set_target(actor=world.secretariat, indicator=indicator("NEP_NGHI"), unit=world.commune,
                            year=2019, value="120", document="x" * 121)
    errors = caught.value.message_dict
    assert set(errors) == {"year", "value", "document"}
    assert "2019" in errors["year"][0] and "2021–2025" in errors["year"][0]
    assert "không quá 100%" in errors["value"][0]
    with pytest.raises(ValidationError) as caught:
        services.set_target(actor=world.secretariat, indicator=indicator("KH_XA"), unit=world.commune, year=2023,
                            value="-5")
    errors = caught.value.message_dict
    assert "không giao cho cấp xã" in errors["indicator"][0]
    assert errors["value"] == ["Mức chỉ tiêu không được âm"]
    with pytest.raises(ValidationError) as caught:
        services.set_target(actor=world.secretariat, indicator=indicator("HO_NGHEO"), unit=world.commune, year=2023,
                            value="2,5")
    assert caught.value.message_dict["value"] == ["Số lượng phải là số nguyên"]
    with pytest.raises(ValidationError) as caught:
        services.set_target(actor=world.secretariat, indicator=indicator("HO_NGHEO"), unit=world.commune, year=2026,
                            value="abc", phase_end=True)
    errors = caught.value.message_dict
    assert errors["value"] == ["“abc” không phải là số"]
    assert any("không còn" in m for m in errors["year"])  # the old commune is gone in 2026
    assert not Target.objects.exists() and not _audits().exists()


def test_numbers_read_the_vietnamese_way(world):
    made = services.set_target(actor=world.secretariat, indicator=indicator("HO_NGHEO"), unit=world.commune,
                               year=2023, value="1.250")
    assert made.value == Decimal("1250")
    assert values.plain_number(Decimal("67.50")) == "67,5" and values.plain_number(Decimal("1250")) == "1.250"
    assert values.show("percent", 81.08, 1) == "81,1%"


def test_phase_end_target_only_in_the_last_year(world):
    made = services.set_target(actor=world.secretariat, indicator=indicator("NEP_NGHI"), unit=world.commune,
                               year=2025, value=75, phase_end=True)
    assert made.phase_end
    with pytest.raises(ValidationError) as caught:
        services.set_target(actor=world.secretariat, indicator=indicator("NEP_NGHI"), unit=world.commune,
                            year=2024, value=75, phase_end=True)
    assert "phase_end" in caught.value.message_dict


def test_who_may_hand_targets(world):
    nep = indicator("NEP_NGHI")
    # Another district's secretariat: that commune does not exist for them.
    with pytest.raises(Http404):
        services.set_target(actor=world.city_secretariat, indicator=nep, unit=world.commune, year=2023, value=70)
    # A viewer of the district reads but may not hand targets.
    with pytest.raises(PermissionDenied):
        services.set_target(actor=world.viewer, indicator=nep, unit=world.commune, year=2023, value=70)
    # A commune officer may not set the commune's own target.
    with pytest.raises(PermissionDenied):
        services.set_target(actor=world.officer, indicator=nep, unit=world.commune, year=2023, value=70)
    # The district's own target comes from the province, not from the district itself.
    with pytest.raises(PermissionDenied):
        services.set_target(actor=world.secretariat, indicator=nep, unit=world.district, year=2023, value=70)
    assert services.set_target(actor=world.province_secretariat, indicator=nep, unit=world.district, year=2023,
                               value=75).value == 75
    # The province's own target: only the administrator.
    with pytest.raises(PermissionDenied):
        services.set_target(actor=world.province_secretariat, indicator=nep, unit=world.province, year=2023, value=75)
    assert services.set_target(actor=world.admin, indicator=nep, unit=world.province, year=2023, value=75)
    assert not Target.objects.filter(unit=world.commune).exists()


def test_clearing_a_target_is_audited(world):
    made = services.set_target(actor=world.secretariat, indicator=indicator("NEP_NGHI"), unit=world.commune,
                               year=2023, value=70)
    with pytest.raises(PermissionDenied):
        services.clear_target(actor=world.viewer, target=made)
    services.clear_target(actor=world.secretariat, target=made, expected_version=1)
    assert not Target.objects.exists()
    row = _audits(AuditAction.DELETE).get()
    assert row.changes["value"] == ["70.00", None] and row.object_id == str(made.pk)


# --- cascade: do the communes' targets reach the district's? ------------------------------------

def test_weighted_cascade_says_no_where_the_plain_average_says_yes(world):
    """District 75%. Communes 90, 90, 90, 60, 60, 60, 75: plain average 525 / 7 = 75 (would reach).
    Weighted by the households each counts (100, 100, 100, 300, 300, 300, 200):
    (90×300 + 60×900 + 75×200) / 1400 = 96 000 / 1 400 = 68,571… → 68,57: short by 6,43."""
    TargetFactory(unit=world.district, indicator="NEP_NGHI", year=2023, value=75)
    plan = [(90, 100), (90, 100), (90, 100), (60, 300), (60, 300), (60, 300), (75, 200)]
    for commune, (value, households) in zip(world.communes, plan, strict=True):
        TargetFactory(unit=commune, indicator="NEP_NGHI", year=2023, value=value)
        RollupFactory(unit=commune, indicator="NEP_NGHI", year=2023, denominator=households)
    check = selectors.cascade(world.district, indicator("NEP_NGHI"), 2023)
    assert sum(v for v, _h in plan) / len(plan) == 75  # what a plain average would say
    assert check.method == "weighted" and check.combined == Decimal("68.57")
    assert check.reaches is False and check.gap == Decimal("6.43")
    assert check.missing == [] and check.parent_target == Decimal("75")
    assert check.verdict() == "Thiếu 6,43%: cộng lại 68,57%"


def test_weights_come_from_the_year_or_the_latest_year_before(world):
    """Two communes 80 and 50 (others unweighted): commune 1 weighs 300 (2022, its latest up to
    2023; 2024 does not count), commune 2 weighs 100 (2023 itself, over its 2021 figure).
    (80×300 + 50×100) / 400 = 72,5 ≥ 70: reaches."""
    TargetFactory(unit=world.district, indicator="KHKT", year=2023, value=70)
    first, second, *others = world.communes
    TargetFactory(unit=first, indicator="KHKT", year=2023, value=80)
    RollupFactory(unit=first, indicator="KHKT", year=2022, denominator=300)
    RollupFactory(unit=first, indicator="KHKT", year=2024, denominator=5000)
    TargetFactory(unit=second, indicator="KHKT", year=2023, value=50)
    RollupFactory(unit=second, indicator="KHKT", year=2021, denominator=900)
    RollupFactory(unit=second, indicator="KHKT", year=2023, denominator=100)
    for commune in others:
        TargetFactory(unit=commune, indicator="KHKT", year=2023, value=10)  # no denominator anywhere: weighs nothing
    check = selectors.cascade(world.district, indicator("KHKT"), 2023)
    weights = {c.unit.pk: (c.weight, c.weight_year) for c in check.children}
    assert weights[first.pk] == (300, 2022) and weights[second.pk] == (100, 2023)
    assert check.combined == Decimal("72.50") and check.reaches is True and check.gap == 0


def test_counts_add_up_and_lower_is_better_must_not_exceed(world):
    """Poor households (lower is better): district 500; communes 100, 90, 80, 70, 60, 50, 30 = 480
    ≤ 500 reaches; raise one commune by 40 → 520, over by 20."""
    TargetFactory(unit=world.district, indicator="HO_NGHEO", year=2023, value=500)
    typed = [100, 90, 80, 70, 60, 50, 30]
    made = [TargetFactory(unit=c, indicator="HO_NGHEO", year=2023, value=v)
            for c, v in zip(world.communes, typed, strict=True)]
    check = selectors.cascade(world.district, indicator("HO_NGHEO"), 2023)
    assert (check.method, check.combined, check.reaches, check.gap) == ("sum", Decimal("480.00"), True, 0)
    made[0].value = Decimal(140)
    made[0].save()
    check = selectors.cascade(world.district, indicator("HO_NGHEO"), 2023)
    assert (check.combined, check.reaches, check.gap) == (Decimal("520.00"), False, Decimal("20.00"))


def test_a_lower_is_better_rate_is_weighted_too(world):
    """Poor rate (lower is better), district 20%: communes 10% (1 000 households) and 40% (250),
    the other five 20% (100 each): (10×1000 + 40×250 + 20×500) / 1750 = 30 000 / 1 750 = 17,14 ≤ 20."""
    TargetFactory(unit=world.district, indicator="TL_NGHEO_CN", year=2023, value=20)
    plan = [(10, 1000), (40, 250)] + [(20, 100)] * 5
    for commune, (value, households) in zip(world.communes, plan, strict=True):
        TargetFactory(unit=commune, indicator="TL_NGHEO_CN", year=2023, value=value)
        RollupFactory(unit=commune, indicator="TL_NGHEO_CN", year=2023, denominator=households)
    check = selectors.cascade(world.district, indicator("TL_NGHEO_CN"), 2023)
    assert check.combined == Decimal("17.14") and check.reaches is True


def test_children_without_targets(world):
    """Counts: what is given already past the line stays past it; short of it, undecided.
    Rates: undecided whenever a child has none. The children without targets are named."""
    TargetFactory(unit=world.province, indicator="MH_HUYEN", year=2023, value=12)
    districts = selectors.children_in(world.province, 2023)
    assert len(districts) == 10
    for district in districts[:6]:
        TargetFactory(unit=district, indicator="MH_HUYEN", year=2023, value=2)
    check = selectors.cascade(world.province, indicator("MH_HUYEN"), 2023)
    assert (check.combined, check.reaches, check.gap) == (Decimal("12.00"), True, 0)
    assert len(check.missing) == 4 and "4 đơn vị chưa được giao" in check.verdict()
    TargetFactory(unit=world.province, indicator="DOI_SONG", year=2023, value=30)
    TargetFactory(unit=world.communes[0], indicator="DOI_SONG", year=2023, value=90)
    check = selectors.cascade(world.province, indicator("DOI_SONG"), 2023)
    # A commune's target does not count for the province: its children are the districts.
    assert check.combined is None and len(check.missing) == 10
    assert check.verdict() == "Chưa giao cho 10 đơn vị"
    TargetFactory(unit=world.district, indicator="DOI_SONG", year=2023, value=30)
    check = selectors.cascade(world.district, indicator("DOI_SONG"), 2023)
    assert check.reaches is None and check.method == "average" and len(check.missing) == 6
    assert check.verdict().startswith("Chưa kết luận")


def test_no_parent_target(world):
    TargetFactory(unit=world.commune, indicator="NEP_NGHI", year=2023, value=75)
    check = selectors.cascade(world.district, indicator("NEP_NGHI"), 2023)
    assert check.reaches is None and check.verdict() == "Đơn vị chưa được giao chỉ tiêu năm này"


# --- the page ---------------------------------------------------------------------------------

def _grid_url(unit, year=2023):
    return f"{reverse('indicators:targets')}?don_vi={unit.pk}&nam={year}"


def test_grid_page_saves_every_cell_at_once(client, world):
    client.force_login(world.secretariat)
    nep = indicator("NEP_NGHI")
    TargetFactory(unit=world.district, indicator="NEP_NGHI", year=2023, value=75)
    page = client.get(_grid_url(world.district))
    assert page.status_code == 200
    html = page.content.decode()
    assert all(c.name in html for c in world.communes)
    assert f'name="v-{world.commune.pk}-{nep.pk}"' in html
    assert f'name="v-{world.district.pk}-{nep.pk}"' not in html  # its own target: read-only here
    data = {"document": "92-CV/BCĐ"}
    for commune in world.communes:
        data[f"v-{commune.pk}-{nep.pk}"] = "80"
        data[f"ver-{commune.pk}-{nep.pk}"] = "0"
    response = client.post(_grid_url(world.district), data)
    assert response.status_code == 302
    assert Target.objects.filter(indicator=nep, year=2023, document="92-CV/BCĐ").count() == 7
    html = client.get(_grid_url(world.district)).content.decode()
    assert "Đạt: cộng lại 80%" in html


def test_grid_lists_every_error_and_saves_nothing(client, world):
    client.force_login(world.secretariat)
    nep, khkt = indicator("NEP_NGHI"), indicator("KHKT")
    first, second = world.communes[:2]
    response = client.post(_grid_url(world.district), {
        f"v-{first.pk}-{nep.pk}": "150", f"ver-{first.pk}-{nep.pk}": "0",
        f"v-{second.pk}-{khkt.pk}": "bốn mươi", f"ver-{second.pk}-{khkt.pk}": "0",
        f"v-{second.pk}-{nep.pk}": "70", f"ver-{second.pk}-{nep.pk}": "0"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Có 2 lỗi" in html and "không quá 100%" in html and "“bốn mươi” không phải là số" in html
    assert 'value="bốn mươi"' in html  # what was typed is kept
    assert not Target.objects.exists()


def test_grid_conflict_answers_409_and_keeps_the_input(client, world):
    nep = indicator("NEP_NGHI")
    made = services.set_target(actor=world.secretariat, indicator=nep, unit=world.commune, year=2023, value=70)
    services.set_target(actor=world.province_secretariat, indicator=nep, unit=world.commune, year=2023, value=72,
                        expected_version=1)
    client.force_login(world.secretariat)
    response = client.post(_grid_url(world.district), {f"v-{world.commune.pk}-{nep.pk}": "85",
                                                       f"ver-{world.commune.pk}-{nep.pk}": str(made.version)})
    assert response.status_code == 409
    html = response.content.decode()
    assert 'value="85"' in html and "đang lưu" in html and 'value="2"' in html
    assert Target.objects.get().value == Decimal("72.00")
    # Saving again, knowingly, overwrites.
    assert client.post(_grid_url(world.district), {f"v-{world.commune.pk}-{nep.pk}": "85",
                                                   f"ver-{world.commune.pk}-{nep.pk}": "2"}).status_code == 302
    assert Target.objects.get().value == Decimal("85.00")


def test_blank_cell_clears_and_unchanged_cells_write_nothing(client, world):
    nep, khkt = indicator("NEP_NGHI"), indicator("KHKT")
    kept = services.set_target(actor=world.secretariat, indicator=khkt, unit=world.commune, year=2023, value="45,5")
    gone = services.set_target(actor=world.secretariat, indicator=nep, unit=world.commune, year=2023, value=70)
    before = _audits().count()
    client.force_login(world.secretariat)
    response = client.post(_grid_url(world.district), {
        f"v-{world.commune.pk}-{khkt.pk}": "45,5", f"ver-{world.commune.pk}-{khkt.pk}": str(kept.version),
        f"v-{world.commune.pk}-{nep.pk}": "", f"ver-{world.commune.pk}-{nep.pk}": str(gone.version)})
    assert response.status_code == 302
    assert list(Target.objects.values_list("indicator__code", flat=True)) == ["KHKT"]
    assert _audits().count() == before + 1


def test_grid_scope(client, world):
    nep = indicator("NEP_NGHI")
    client.force_login(world.city_secretariat)
    assert client.get(_grid_url(world.district)).status_code == 404
    assert client.post(_grid_url(world.district), {f"v-{world.commune.pk}-{nep.pk}": "1"}).status_code == 404
    client.force_login(world.viewer)
    page = client.get(_grid_url(world.district))
    assert page.status_code == 200 and 'name="v-' not in page.content.decode()
    assert client.post(_grid_url(world.district), {f"v-{world.commune.pk}-{nep.pk}": "1"}).status_code == 403
    client.force_login(world.officer)
    assert client.get(_grid_url(world.district)).status_code == 404
    assert not Target.objects.exists()


def test_province_grid_for_the_province_secretariat(client, world):
    client.force_login(world.province_secretariat)
    html = client.get(_grid_url(world.province)).content.decode()
    kh = indicator("KH_XA")
    assert f'name="v-{world.district.pk}-{kh.pk}"' in html  # districts get the commune-plan rate
    assert f'name="v-{world.province.pk}-{kh.pk}"' not in html


def test_grid_queries_do_not_grow_with_the_targets(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.secretariat)
    client.get(_grid_url(world.district))  # warm the session and the tree
    with CaptureQueriesContext(connection) as empty:
        client.get(_grid_url(world.district))
    for commune in world.communes:
        for code in ("NEP_NGHI", "KHKT", "DOI_SONG", "HTX", "HO_NGHEO"):
            TargetFactory(unit=commune, indicator=code, year=2023, value=10)
            RollupFactory(unit=commune, indicator=code, year=2023, denominator=100)
    with CaptureQueriesContext(connection) as full:
        client.get(_grid_url(world.district))
    assert len(full) == len(empty) <= 30
