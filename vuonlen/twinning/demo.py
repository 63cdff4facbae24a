"""Demo twinning: provincial agencies, enterprises and armed forces twinned with the mountain
districts and communes of former Kon Tum, with activities 2021–2024 and yearly evaluations.

About one pair in five spends a year on visits and gifts only — the habit directive 004
criticises — so the flag and the ranking have something to show. Written through the
services (a few hundred rows), so every invariant and audit row is the real one.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from vuonlen.accounts.models import Organisation, OrgKind
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.geo.models import AdministrativeUnit, Era, Level

from . import services
from .models import CRITERIA, ActivityKind, TwinningPair

# Mountain and border districts (Đắk Glei, Ngọc Hồi, Kon Plông, Kon Rẫy, Sa Thầy, Tu Mơ Rông, Ia H'Drai).
MOUNTAIN_DISTRICTS = ["610", "611", "613", "614", "616", "617", "618"]
YEARS = (2021, 2022, 2023, 2024)
DESCRIPTIONS = {
    ActivityKind.MODEL_SUPPORT: "Hỗ trợ bò giống, cây giống xây dựng mô hình phát triển sản xuất",
    ActivityKind.RESOURCES: "Vận động doanh nghiệp, nhà hảo tâm hỗ trợ xây nhà, công trình thôn",
    ActivityKind.CADRE_TRAINING: "Tập huấn kỹ năng vận động quần chúng cho cán bộ thôn, xã",
    ActivityKind.VOCATIONAL_TRAINING: "Mở lớp dạy nghề chăn nuôi, trồng sâm, may cho thanh niên DTTS",
    ActivityKind.JOBS: "Tuyển dụng lao động địa phương vào làm việc tại đơn vị",
    ActivityKind.SOCIAL_SECURITY: "Trao học bổng, thẻ BHYT, sửa nhà cho hộ nghèo",
    ActivityKind.VISITS_GIFTS: "Thăm hỏi, tặng quà Tết cho hộ nghèo, gia đình chính sách",
}
VALUE_RANGE = {  # million đồng
    ActivityKind.MODEL_SUPPORT: (80, 600), ActivityKind.RESOURCES: (100, 1500), ActivityKind.CADRE_TRAINING: (10, 60),
    ActivityKind.VOCATIONAL_TRAINING: (30, 200), ActivityKind.JOBS: (0, 50), ActivityKind.SOCIAL_SECURITY: (40, 400),
    ActivityKind.VISITS_GIFTS: (10, 120),
}
SUBSTANTIVE = [k for k in ActivityKind.values if k != ActivityKind.VISITS_GIFTS]


def _partners() -> list[Organisation]:
    province = AdministrativeUnit.objects.get(era=Era.PRE_2025, level=Level.PROVINCE, code="62")
    return list(Organisation.objects.filter(unit=province, kind__in=(OrgKind.AGENCY, OrgKind.ENTERPRISE,
                                                                     OrgKind.ARMED_FORCES))
                .exclude(short_name="NHCSXH").order_by("pk"))


def _date(rng, year: int) -> dt.date:
    return dt.date(year, rng.randint(1, 12), rng.randint(1, 28))


@transaction.atomic
def run(ctx) -> None:
    if TwinningPair.objects.exists():
        return
    rng = ctx.rng
    districts = list(AdministrativeUnit.objects.filter(era=Era.PRE_2025, level=Level.DISTRICT,
                                                       code__in=MOUNTAIN_DISTRICTS).order_by("code"))
    communes = list(AdministrativeUnit.objects.filter(era=Era.PRE_2025, level=Level.COMMUNE,
                                                      parent__in=districts).order_by("code"))
    partners = _partners()
    if not partners or not communes:
        return
    pairs = []
    for index, partner in enumerate(partners):
        targets = [districts[index % len(districts)]] + rng.sample(communes, 2)
        for unit in targets:
            started = dt.date(2021, rng.randint(1, 4), rng.randint(1, 28))
            pairs.append(services.pair_create(
                actor=SYSTEM, organisation=partner, unit=unit, started_on=started,
                agreement_number=f"{rng.randint(10, 99)}/CTPH-{partner.short_name}",
                content="Giúp đỡ xây dựng mô hình, đào tạo nghề, giải quyết việc làm, an sinh xã hội", source="demo"))
    activities = 0
    for pair in pairs:
        for year in YEARS:
            visits_only = rng.random() < 0.2
            kinds = [ActivityKind.VISITS_GIFTS] * rng.randint(1, 3) if visits_only else \
                [ActivityKind.VISITS_GIFTS] + rng.sample(SUBSTANTIVE, rng.randint(1, 4))
            for kind in kinds:
                low, high = VALUE_RANGE[kind]
                date = max(_date(rng, year), pair.started_on)
                services.activity_record(actor=SYSTEM, pair=pair, kind=kind, date=date,
                                         value_vnd=rng.randint(low, high) * 1_000_000,
                                         beneficiary_count=rng.randint(10, 200), description=DESCRIPTIONS[kind],
                                         source="demo")
                activities += 1
            base = 3 if visits_only else 6
            scores = {c.value: min(10, max(0, base + rng.randint(-2, 3))) for c in CRITERIA}
            services.evaluation_record(actor=SYSTEM, pair=pair, year=year, scores=scores, source="demo",
                                       comment="Đánh giá theo Chỉ thị về kết nghĩa")
    ctx.data["twinning_pairs"] = [p.pk for p in pairs]
    ctx.say(f"Kết nghĩa mẫu: {len(pairs)} cặp, {activities} hoạt động")
