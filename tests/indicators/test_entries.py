"""Entered figures: the commune answers yes/no (or a numerator and denominator) with its "as of"
date; who may; every problem at once; versions; audit; the roll-ups follow on commit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from vuonlen.core.models import AuditAction, AuditLog
from vuonlen.indicators import rollups, services
from vuonlen.indicators.models import EnteredValue, Indicator, Rollup

from .target_world import *  # noqa: F403 - the shared fixtures

pytestmark = pytest.mark.django_db


def _audits(action=None):
    qs = AuditLog.objects.filter(content_type__model="enteredvalue")
    return qs.filter(action=action) if action else qs


@pytest.fixture
def households_reached(world):
    """An entered value indicator (numerator and denominator), set from the commune up."""
    made = Indicator.objects.create(code="HO_VAY_VON", name="Tỷ lệ hộ nghèo DTTS được vay vốn ưu đãi",
                                    short_name="Hộ được vay vốn", measure="percent", levels=[1, 2, 3],
                                    source="entered", entry_kind="value", numerator_label="Số hộ được vay",
                                    denominator_label="Số hộ nghèo DTTS")
    return made


def test_officer_answers_yes_for_the_commune(world):
    value = services.enter_value(actor=world.officer, indicator=indicator("KH_XA"), unit=world.commune, year=2023,
                                 answer=True, as_of=D(2023, 3, 20), note="Kế hoạch số 12/KH-BCĐ")
    assert (value.numerator, value.denominator, value.entered_by, value.note) == (
        1, 1, world.officer, "Kế hoạch số 12/KH-BCĐ")
    row = _audits(AuditAction.CREATE).get()
    assert row.actor == world.officer and row.changes["as_of"] == [None, "2023-03-20"]


def test_roll_ups_follow_on_commit(world, django_capture_on_commit_callbacks):
    rollups.recompute_all([2023])  # every commune of the year counts in the district's rate
    kh = indicator("KH_XA")
    assert Rollup.objects.get(indicator=kh, unit=world.district, year=2023).numerator == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.enter_value(actor=world.officer, indicator=kh, unit=world.commune, year=2023, answer=True,
                             as_of=D(2023, 3, 20))
    stored = Rollup.objects.get(indicator=kh, unit=world.district, year=2023)
    assert (stored.numerator, stored.denominator) == (1, 7)
    with django_capture_on_commit_callbacks(execute=True):
        services.enter_value(actor=world.officer, indicator=kh, unit=world.commune, year=2023, answer=False,
                             as_of=D(2023, 4, 2), expected_version=1)
    assert Rollup.objects.get(indicator=kh, unit=world.district, year=2023).numerator == 0


def test_who_may_enter(world):
    kh = indicator("KH_XA")
    with pytest.raises(Http404):  # another commune's officer: not found
        services.enter_value(actor=world.officer, indicator=kh, unit=world.communes[1], year=2023, answer=True,
                             as_of=D(2023, 3, 1))
    with pytest.raises(Http404):
        services.enter_value(actor=world.city_secretariat, indicator=kh, unit=world.commune, year=2023,
                             answer=True, as_of=D(2023, 3, 1))
    with pytest.raises(PermissionDenied):
        services.enter_value(actor=world.viewer, indicator=kh, unit=world.commune, year=2023, answer=True,
                             as_of=D(2023, 3, 1))
    # The district's secretariat may enter on a commune's behalf.
    assert services.enter_value(actor=world.secretariat, indicator=kh, unit=world.communes[1], year=2023,
                                answer=True, as_of=D(2023, 3, 1))
    assert EnteredValue.objects.count() == 1


def test_every_problem_at_once(world, households_reached):
    with pytest.raises(ValidationError) as caught:
        services.enter_values(actor=world.officer, unit=world.commune, year=2023, inputs=[
            services.EntryInput(indicator=households_reached, numerator="12", denominator="10", as_of=D(2030, 1, 1),
                                note="x" * 501, key="vay"),
            services.EntryInput(indicator=indicator("KET_HOP_NTM"), answer=True, as_of=None, key="ntm")])
    errors = caught.value.message_dict
    assert errors["vay"] == ["Tử số (12) lớn hơn mẫu số (10)", "Ngày của số liệu (01/01/2030) ở tương lai",
                             "Ghi chú dài quá 500 ký tự"]
    assert errors["ntm"] == ["Chưa nhập ngày của số liệu (số liệu tính đến ngày)"]
    with pytest.raises(ValidationError) as caught:
        services.enter_value(actor=world.officer, indicator=households_reached, unit=world.commune, year=2023,
                             numerator="mười", denominator="0", as_of=D(2024, 6, 1))
    assert caught.value.messages == ["Số hộ được vay: “mười” không phải là số", "Mẫu số phải lớn hơn 0",
                                     "Ngày của số liệu phải từ 01/01/2023 đến 31/03/2024"]
    with pytest.raises(ValidationError) as caught:  # a yes/no is answered by the commune, not the district
        services.enter_value(actor=world.secretariat, indicator=indicator("KH_XA"), unit=world.district, year=2023,
                             answer=True, as_of=D(2023, 3, 1))
    assert caught.value.messages == ["Số liệu chỉ tiêu “Xã ban hành kế hoạch” do cấp xã nhập"]
    with pytest.raises(ValidationError) as caught:  # a computed indicator is never typed in
        services.enter_value(actor=world.officer, indicator=indicator("NEP_NGHI"), unit=world.commune, year=2023,
                             numerator=1, denominator=2, as_of=D(2023, 3, 1))
    assert "được tính từ dữ liệu" in caught.value.messages[0]
    assert not EnteredValue.objects.exists() and not _audits().exists()


def test_value_figure_versions_and_clearing(world, households_reached):
    made = services.enter_value(actor=world.officer, indicator=households_reached, unit=world.commune, year=2023,
                                numerator="45", denominator="1.200", as_of=D(2023, 6, 30))
    assert (made.numerator, made.denominator) == (45, 1200)
    same = services.enter_value(actor=world.officer, indicator=households_reached, unit=world.commune, year=2023,
                                numerator=45, denominator=1200, as_of=D(2023, 6, 30), expected_version=1)
    assert same.version == 1 and _audits().count() == 1
    services.enter_value(actor=world.secretariat, indicator=households_reached, unit=world.commune, year=2023,
                         numerator=50, denominator=1200, as_of=D(2023, 7, 31), expected_version=1)
    with pytest.raises(services.Stale):
        services.enter_value(actor=world.officer, indicator=households_reached, unit=world.commune, year=2023,
                             numerator=60, denominator=1200, as_of=D(2023, 8, 1), expected_version=1)
    assert EnteredValue.objects.get().numerator == 50
    assert _audits(AuditAction.UPDATE).get().changes["numerator"] == [45, 50]
    assert services.enter_value(actor=world.officer, indicator=households_reached, unit=world.commune, year=2023,
                                expected_version=2) is None
    assert not EnteredValue.objects.exists() and _audits(AuditAction.DELETE).count() == 1


def _entries_url(unit, year=2023):
    return f"{reverse('indicators:entries')}?don_vi={unit.pk}&nam={year}"


def test_entries_page_for_the_officer(client, world):
    client.force_login(world.officer)
    page = client.get(reverse("indicators:entries") + "?nam=2023")
    assert page.status_code == 200 and page.context["unit"] == world.commune  # their own commune
    kh, ntm = indicator("KH_XA"), indicator("KET_HOP_NTM")
    response = client.post(_entries_url(world.commune), {
        f"a-{kh.pk}": "1", f"asof-{kh.pk}": "15/05/2023", f"note-{kh.pk}": "Kế hoạch 12/KH", f"ver-{kh.pk}": "0",
        f"a-{ntm.pk}": "", f"asof-{ntm.pk}": "15/05/2023", f"ver-{ntm.pk}": "0"})
    assert response.status_code == 302
    stored = EnteredValue.objects.get()
    assert (stored.indicator, stored.numerator, stored.as_of) == (kh, 1, D(2023, 5, 15))
    html = client.get(_entries_url(world.commune)).content.decode()
    assert "Đang lưu: nhập bởi" in html


def test_entries_page_conflict_and_errors(client, world):
    kh = indicator("KH_XA")
    services.enter_value(actor=world.secretariat, indicator=kh, unit=world.commune, year=2023, answer=False,
                         as_of=D(2023, 5, 1))
    client.force_login(world.officer)
    response = client.post(_entries_url(world.commune), {f"a-{kh.pk}": "1", f"asof-{kh.pk}": "15/05/2023",
                                                         f"ver-{kh.pk}": "0"})
    assert response.status_code == 409
    assert 'value="1" selected' in response.content.decode()  # what they chose is kept
    assert EnteredValue.objects.get().numerator == 0
    response = client.post(_entries_url(world.commune), {f"a-{kh.pk}": "1", f"asof-{kh.pk}": "",
                                                         f"ver-{kh.pk}": "1"})
    assert response.status_code == 200 and "Chưa nhập ngày của số liệu" in response.content.decode()


def test_entries_page_scope(client, world):
    kh = indicator("KH_XA")
    client.force_login(world.viewer)
    page = client.get(_entries_url(world.commune))
    assert page.status_code == 200 and "<fieldset class=\"card mb-3\" disabled>" in page.content.decode()
    assert client.post(_entries_url(world.commune), {f"a-{kh.pk}": "1", f"asof-{kh.pk}": "15/05/2023"}
                       ).status_code == 403
    overview = client.get(_entries_url(world.district))
    assert [row["unit"] for row in overview.context["overview"]] == sorted(
        world.communes, key=lambda c: c.name_sort)
    client.force_login(world.officer)
    assert client.get(_entries_url(world.communes[1])).status_code == 404
    assert client.post(_entries_url(world.communes[1]), {f"a-{kh.pk}": "1"}).status_code == 404
    assert not EnteredValue.objects.exists()
