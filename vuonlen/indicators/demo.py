"""Demo figures entered by the communes, and the targets the province hands its districts and
each district its communes (as Kon Rẫy does in letter 92-CV/BCĐ), then every roll-up.

- Entered: each commune's yes/no for "issued a plan" (KH_XA) and "combined with the new rural
  areas campaign" (KET_HOP_NTM), 2021–2025: most say yes, a few are late in the first years.
- Targets 2022–2025 per commune for the four assessment indicators: the province's own path,
  set above the plan's minimum 2025 levels (75 / 45 / 30 / 30%) once the first year went well
  (85 / 70 / 45 / 40%), each commune's a few points below or above it;
  100% for outreach, plan and models; 6 points a year for the fall of the poverty rate.
- A district's target is its communes' targets combined (weighted by their households, as
  the cascade check does), rounded — except in one district (Đắk Hà) whose 2024 targets were
  set two points above what its communes together were handed, so the cascade check shows a
  shortfall there. Some communes' results lag their path, so "who is behind" has names.

Skips when targets exist. Writes with ``core.bulk`` and audits the step once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import transaction

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.audit import audit_record
from vuonlen.core.bulk import insert_rows
from vuonlen.core.models import AuditAction
from vuonlen.geo.models import AdministrativeUnit, Era, Level

from . import rollups
from .models import EnteredValue, Indicator, Rollup, Target

YEARS = (2021, 2022, 2023, 2024, 2025)
TARGET_YEARS = (2022, 2023, 2024, 2025)
# The province's path to the plan's 2025 levels.
PATH = {
    "NEP_NGHI": {2022: 52, 2023: 66, 2024: 80, 2025: 85},
    "KHKT": {2022: 36, 2023: 52, 2024: 66, 2025: 70},
    "DOI_SONG": {2022: 16, 2023: 26, 2024: 38, 2025: 45},
    "HTX": {2022: 18, 2023: 26, 2024: 34, 2025: 40},
}
FLAT = {"TUYEN_TRUYEN": 100, "GIAM_NGHEO": 6, "MH_XA": 100, "KH_XA": 100, "KET_HOP_NTM": 100, "MH_HUYEN": 1}
SHORT_DISTRICT = "Đắk Hà"
DOCUMENT_DISTRICT = "92-CV/BCĐ"
DOCUMENT_PROVINCE = "KH-BCĐ tỉnh"


def run(ctx) -> None:
    if Target.objects.exists():
        ctx.say("Chỉ tiêu mẫu: đã có, bỏ qua")
        return
    rng = ctx.rng
    province = AdministrativeUnit.objects.filter(level=Level.PROVINCE, era=Era.PRE_2025).first()
    if province is None:
        return
    indicators = {i.code: i for i in Indicator.objects.all()}
    districts = list(AdministrativeUnit.objects.filter(parent=province, level=Level.DISTRICT).order_by("code"))
    communes = list(AdministrativeUnit.objects.filter(parent__in=districts, level=Level.COMMUNE).order_by("code"))
    now_rows = []
    with transaction.atomic():
        # Entered yes/no answers.
        for code, first_year_yes in (("KH_XA", 0.9), ("KET_HOP_NTM", 0.8)):
            for year in YEARS:
                share = min(0.99, first_year_yes + 0.05 * (year - 2021))
                for commune in communes:
                    now_rows.append({"indicator_id": indicators[code].pk, "unit_id": commune.pk, "year": year,
                                     "numerator": int(rng.random() < share), "denominator": 1,
                                     "as_of": dt.date(year, 3, 31), "note": ""})
        insert_rows(EnteredValue, now_rows, returning=False)
        rollups.recompute_all()

        # Households behind each commune's percentages (weights of the cascade).
        weights = defaultdict(int)
        for unit_id, _indicator_id, d in Rollup.objects.filter(
                year=2021, unit__in=communes, indicator=indicators["NEP_NGHI"]).values_list(
                "unit_id", "indicator_id", "denominator"):
            weights[unit_id] = d
        targets = []
        commune_targets: dict[tuple[int, str, int], float] = {}
        for commune in communes:
            offset = rng.uniform(-5, 8)
            for code, path in PATH.items():
                for year in TARGET_YEARS:
                    value = max(5.0, min(95.0, path[year] + offset))
                    commune_targets[(commune.pk, code, year)] = round(value)
            for code in ("TUYEN_TRUYEN", "GIAM_NGHEO", "MH_XA"):
                for year in TARGET_YEARS:
                    commune_targets[(commune.pk, code, year)] = FLAT[code]
        for (unit_id, code, year), value in commune_targets.items():
            if code in indicators and 3 in (indicators[code].levels or [3]):
                targets.append(_target(indicators[code], unit_id, year, value, DOCUMENT_DISTRICT))
        for district in districts:
            mine = [c for c in communes if c.parent_id == district.pk]
            for year in TARGET_YEARS:
                for code in PATH:
                    total = sum(weights[c.pk] for c in mine)
                    combined = (sum(commune_targets[(c.pk, code, year)] * weights[c.pk] for c in mine) / total
                                if total else PATH[code][year])
                    value = round(combined)
                    if district.name.endswith(SHORT_DISTRICT) and year == 2024:
                        value += 2
                    targets.append(_target(indicators[code], district.pk, year, value, DOCUMENT_PROVINCE))
                for code in ("TUYEN_TRUYEN", "GIAM_NGHEO", "MH_XA", "KH_XA", "KET_HOP_NTM", "MH_HUYEN"):
                    targets.append(_target(indicators[code], district.pk, year, FLAT[code], DOCUMENT_PROVINCE))
        for year in TARGET_YEARS:
            for code, path in PATH.items():
                targets.append(_target(indicators[code], province.pk, year, path[year], DOCUMENT_PROVINCE))
        insert_rows(Target, targets, returning=False)
        audit_record(actor=SYSTEM, action=AuditAction.IMPORT, source="demo", object_repr="Chỉ tiêu mẫu",
                     note=f"{len(now_rows)} số liệu đơn vị nhập, {len(targets)} chỉ tiêu giao")
    ctx.say(f"Chỉ tiêu mẫu: {len(targets)} chỉ tiêu giao cho {len(districts)} huyện, {len(communes)} xã; "
            f"{len(now_rows)} số liệu xã tự nhập")


def _target(indicator: Indicator, unit_id: int, year: int, value, document: str) -> dict:
    return {"indicator_id": indicator.pk, "unit_id": unit_id, "year": year, "value": Decimal(str(value)),
            "phase_end": year == 2025, "document": document}
