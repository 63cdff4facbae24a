"""Demo village surveys: every village of the demo commune (Đắk Tơ Lung) surveyed in 2024, with
causes of poverty drawn around the commune's poor households. Small and fast (a dozen rows),
written through the service so the rules and the audit are the real ones."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from vuonlen.accounts.demo import DEMO_COMMUNE
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.geo.models import AdministrativeUnit, Era, Level
from vuonlen.households.models import Household

from . import services
from .catalogue import ensure_catalogue
from .models import PovertyCause, VillageSurvey

YEAR = 2024
WEIGHTS = {"thieu_von": 0.6, "thieu_ky_nang": 0.45, "thieu_dat": 0.35, "tap_quan": 0.25, "xa_xoi": 0.3,
           "om_dau": 0.15, "thieu_lao_dong": 0.1, "trong_cho": 0.2}
CROPS = ["Lúa nước, sắn, cà phê", "Sắn, mì, bời lời", "Cà phê, hồ tiêu, sâm dây", "Lúa rẫy, sắn, chuối"]
LIVESTOCK = ["Bò, heo, gà", "Heo rừng lai, gà thả vườn", "Bò, dê", "Cá, vịt, heo"]


@transaction.atomic
def run(ctx) -> None:
    ensure_catalogue()
    commune = AdministrativeUnit.objects.filter(era=Era.PRE_2025, level=Level.COMMUNE, code=DEMO_COMMUNE).first()
    if commune is None or VillageSurvey.objects.filter(village__parent=commune).exists():
        return
    rng = ctx.rng
    causes = {c.code: c for c in PovertyCause.objects.filter(code__in=WEIGHTS)}
    made = 0
    for index, village in enumerate(AdministrativeUnit.objects.filter(parent=commune, level=Level.VILLAGE)
                                    .order_by("code")[:12]):
        households = Household.objects.filter(unit=village).count() or rng.randint(60, 140)
        poor = Household.objects.filter(unit=village, current_status="poor").count() or rng.randint(10, 40)
        near = Household.objects.filter(unit=village, current_status="near_poor").count() or rng.randint(3, 15)
        poor = min(poor, households)
        near = min(near, households - poor)
        counts = {causes[code].pk: max(1, round(poor * weight * rng.uniform(0.6, 1.3)))
                  for code, weight in WEIGHTS.items() if code in causes and rng.random() < 0.85}
        counts = {k: min(v, households) for k, v in counts.items()}
        services.survey_create(actor=SYSTEM, village=village, year=YEAR, source="demo", causes=counts, data={
            "surveyed_by": "Tổ công tác xã Đắk Tơ Lung", "surveyed_on": dt.date(YEAR, 3, 5 + index),
            "households_total": households, "poor_households": poor, "near_poor_households": near,
            "especially_difficult": index % 3 == 0, "new_rural_area": index % 4 == 1,
            "situation": "Đường liên thôn đã bê tông hoá một phần; mùa mưa đi lại khó khăn.",
            "thinking_and_working": "Một bộ phận còn trông chờ hỗ trợ; sản xuất theo kinh nghiệm, ít áp dụng "
                                    "kỹ thuật.",
            "customs_to_drop": "Tảo hôn; cúng bái khi ốm đau; ma chay kéo dài.",
            "main_crops": CROPS[index % len(CROPS)], "main_livestock": LIVESTOCK[index % len(LIVESTOCK)],
            "farmland_ha": round(rng.uniform(40, 160), 1), "market_access": ["hard", "fair", "very_hard"][index % 3],
        })
        made += 1
    ctx.say(f"Khảo sát thôn mẫu: {made} thôn của {commune.name}, năm {YEAR}")
