"""The evaluation pages: the cut-off 30/06/2023 worked by hand, the numbers equal the engine's,
the band, the .xlsx read back, "who is behind" worst first, the scope."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from vuonlen.core.periods import today_vn
from vuonlen.indicators import evaluation, selectors
from vuonlen.indicators.evaluation import BEHIND, ON_TRACK, Evaluation

from .factories import EnteredValueFactory, RollupFactory, TargetFactory
from .target_world import *  # noqa: F403 - the shared fixtures

pytestmark = pytest.mark.django_db
CUTOFF = D(2023, 6, 30)


@pytest.fixture
def plans(world):
    """Letter 92-CV/BCĐ asks every commune of Kon Rẫy for its 2023 plan (target 100%). By 30/06/2023
    three communes had issued one; a fourth issued its plan in August; a fifth answered no.
    At the cut-off: 3 of 7 communes = 42,857…% → 42,9%. The straight path from 0 on 1/1 to 100
    on 31/12 expects 100 × 181/365 = 49,589…% → 49,6%. With the 15% band the edge is
    49,589 × 0,85 = 42,15: on track; with a 10% band the edge is 44,63: behind."""
    TargetFactory(unit=world.district, indicator="KH_XA", year=2023, value=100)
    kh = indicator("KH_XA")
    for commune in world.communes[:3]:
        EnteredValueFactory(indicator=kh, unit=commune, answer=True, as_of=D(2023, 5, 15))
    EnteredValueFactory(indicator=kh, unit=world.communes[3], answer=True, as_of=D(2023, 8, 15))
    EnteredValueFactory(indicator=kh, unit=world.communes[4], answer=False, as_of=D(2023, 6, 10))
    # Thành phố Kon Tum was handed the same target and no commune has answered: 0%.
    TargetFactory(unit=world.city, indicator="KH_XA", year=2023, value=100)
    return kh


def _url(name, unit, **params):
    query = "&".join(f"{k}={v}" for k, v in {"don_vi": unit.pk, **params}.items())
    return f"{reverse(name)}?{query}"


def _line(response, unit, code):
    for member, lines in response.context["groups"]:
        for line in lines:
            if member.pk == unit.pk and line.indicator.code == code:
                return line
    raise AssertionError(f"no line {unit} {code}")


def test_cut_off_30_06_2023_worked_by_hand(client, world, plans):
    client.force_login(world.secretariat)
    response = client.get(_url("indicators:evaluation", world.district, ngay="30/06/2023"))
    assert response.status_code == 200 and response.context["cutoff"] == CUTOFF
    line = _line(response, world.district, "KH_XA")
    assert (line.actual_text, line.fraction_text, line.target_text, line.expected_text, line.share_text) == (
        "42,9%", "3/7", "100%", "49,6%", "42,9%")
    assert line.status == ON_TRACK and line.status_label == "Đúng tiến độ"
    html = response.content.decode()
    assert "Đánh giá kết quả – Huyện Kon Rẫy, đến ngày 30/06/2023" in html
    assert 'value="30/06/2023"' in html and 'value="15"' in html
    # The communes follow the district, with the indicators set at their level.
    assert [member.pk for member, _lines in response.context["groups"]] == [
        world.district.pk, *(c.pk for c in world.communes)]
    narrower = client.get(_url("indicators:evaluation", world.district, ngay="30/06/2023", bien_do="10"))
    assert _line(narrower, world.district, "KH_XA").status == BEHIND


def test_page_numbers_equal_the_engine(client, world, plans):
    client.force_login(world.secretariat)
    response = client.get(_url("indicators:evaluation", world.district, ngay="30/06/2023", bien_do="12,5"))
    engine = Evaluation(cutoff=CUTOFF, band=0.125).rows([world.district.pk, *(c.pk for c in world.communes)])
    shown = [line.row for _member, lines in response.context["groups"] for line in lines]
    assert [(r.unit_id, r.indicator.code, r.actual, r.target, r.expected, r.share, r.status) for r in shown] == [
        (r.unit_id, r.indicator.code, r.actual, r.target, r.expected, r.share, r.status) for r in engine]
    kh = next(r for r in engine if r.unit_id == world.district.pk and r.indicator.code == "KH_XA")
    assert kh.actual == pytest.approx(300 / 7) and kh.expected == pytest.approx(100 * 181 / 365)


def test_evaluation_export_reads_back(client, world, plans):
    client.force_login(world.secretariat)
    response = client.get(_url("indicators:evaluation_export", world.district, ngay="30/06/2023", bien_do="15"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = [list(r) for r in openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    assert rows[0][0] == "Đánh giá kết quả thực hiện chỉ tiêu"
    assert rows[1][0] == "Huyện Kon Rẫy · mốc đánh giá 30/06/2023 · biên độ 15%"
    header = rows.index(["Đơn vị", "Cấp", "Mã chỉ tiêu", "Chỉ tiêu", "Thực hiện", "Tử số", "Mẫu số",
                         "Chỉ tiêu giao", "Loại chỉ tiêu", "Theo lộ trình", "% so với chỉ tiêu", "Tình trạng",
                         "Ghi chú"])
    kh = next(r for r in rows[header + 1:] if r[0] == "Huyện Kon Rẫy" and r[2] == "KH_XA")
    assert kh == ["Huyện Kon Rẫy", "huyện", "KH_XA", "Xã ban hành kế hoạch", 42.86, 3, 7, 100, "năm", 49.59, 42.9,
                  "Đúng tiến độ", None]
    page = client.get(_url("indicators:evaluation", world.district, ngay="30/06/2023"))
    assert len(rows) - header - 1 == sum(len(lines) for _m, lines in page.context["groups"])


def test_who_is_behind_worst_first(client, world, plans):
    client.force_login(world.province_secretariat)
    response = client.get(_url("indicators:behind", world.province, ngay="30/06/2023", bien_do="10", cap="2"))
    assert response.status_code == 200
    lines = list(response.context["page"])
    assert lines and all(line.status == BEHIND and line.unit.level == 2 for line in lines)
    shares = [line.row.share for line in lines]
    assert shares == sorted(shares)  # worst first
    ours = next(line for line in lines if line.unit.pk == world.district.pk and line.indicator.code == "KH_XA")
    assert ours.actual_text == "42,9%" and ours.target_kind == "năm"
    city = next(line for line in lines if line.unit.pk == world.city.pk and line.indicator.code == "KH_XA")
    assert city.share_text == "0,0%"
    # Districts handed no target fall back to the plan's default over the whole phase.
    others = [line for line in lines if line.indicator.code == "KH_XA" and line.target_kind == "mặc định của kế hoạch"]
    assert len(others) == 8
    exported = client.get(_url("indicators:behind_export", world.province, ngay="30/06/2023", bien_do="10", cap="2"))
    rows = list(openpyxl.load_workbook(io.BytesIO(exported.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Đơn vị chậm tiến độ: các đơn vị thuộc Tỉnh Kon Tum"
    assert len(rows) - 4 == response.context["total"]
    # With the 15% band Kon Rẫy is on track: off the list.
    wider = client.get(_url("indicators:behind", world.province, ngay="30/06/2023", bien_do="15", cap="2"))
    assert not any(line.unit.pk == world.district.pk and line.indicator.code == "KH_XA"
                   for line in wider.context["page"])


def test_behind_lists_every_level_below(client, world, plans):
    TargetFactory(actor=world.secretariat, unit=world.commune, indicator="NEP_NGHI", year=2023, value=75)
    # Stored, read at a year's end: 10%.
    RollupFactory(unit=world.commune, indicator="NEP_NGHI", year=2023, denominator=10, numerator=1)
    client.force_login(world.secretariat)
    response = client.get(_url("indicators:behind", world.district, nam="2023"))
    assert response.context["cutoff"] == D(2023, 12, 31)
    units = {line.unit.pk for line in response.context["page"]}
    assert world.commune.pk in units and world.district.pk not in units  # below the chosen unit only


def test_cut_off_form(client, world, plans):
    client.force_login(world.secretariat)
    bad = client.get(_url("indicators:evaluation", world.district, ngay="31/02/2023", bien_do="150"))
    assert bad.status_code == 200
    assert bad.context["form"].errors.keys() == {"ngay", "bien_do"}
    later = today_vn().replace(year=today_vn().year + 1)
    future = client.get(_url("indicators:evaluation", world.district, ngay=later.strftime("%d/%m/%Y")))
    assert "Mốc đánh giá ở tương lai" in future.content.decode()
    by_year = client.get(_url("indicators:evaluation", world.district, nam="2023"))
    assert by_year.context["cutoff"] == D(2023, 12, 31)
    plain = client.get(reverse("indicators:evaluation"))
    year = selectors.default_year()
    assert plain.context["cutoff"] == (today_vn() if year == today_vn().year else D(year, 12, 31))
    assert plain.context["unit"] == world.district  # the reader's own area


def test_evaluation_scope(client, world, plans):
    client.force_login(world.city_secretariat)
    assert client.get(_url("indicators:evaluation", world.district)).status_code == 404
    assert client.get(_url("indicators:behind", world.district)).status_code == 404
    assert client.get(_url("indicators:evaluation_export", world.district)).status_code == 404
    client.force_login(world.officer)
    assert client.get(_url("indicators:evaluation", world.commune, ngay="30/06/2023")).status_code == 200
    assert client.get(_url("indicators:evaluation", world.district)).status_code == 404
    assert client.get(_url("indicators:evaluation", world.communes[1])).status_code == 404


def test_status_labels_are_those_of_the_engine():
    assert set(evaluation.STATUS_LABELS) == {"achieved", "on_track", "behind", "no_target", "no_data"}
