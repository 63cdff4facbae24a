"""Demo resource ledger, 2021–2024, in the scale of the published campaign results:

- the first year (1/2021 – 6/2022, seed 003): "huy động gần 21 tỷ đồng để hỗ trợ, giúp đỡ hơn
  2.700 hộ nghèo, hộ cận nghèo là người DTTS" — about 21 billion đồng to 2,750 households;
- the whole of 2021–2024: about 140 billion đồng across the nine sources and seven kinds,
  with Social Policy Bank loans (some repaid, some overdue) and gifts to villages and communes.

Recipients are ethnic-minority households of the demo registry and demo villages. Values are
drawn per kind, then the gifts (not the loans) of each phase are scaled so the phase totals
land on the published figures. Written with ``core.bulk.insert_rows``: one audit row for the
step, as for the registry.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from vuonlen.accounts.models import Organisation, OrgKind
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.audit import audit_record
from vuonlen.core.bulk import insert_rows
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import today_vn
from vuonlen.geo.models import AdministrativeUnit, Era, Level
from vuonlen.households.models import Household

from .models import Kind, LoanStatus, RecipientKind, Repayment, Source, SupportEntry
from .selectors import add_months, loan_status_for

FIRST_YEAR = (dt.date(2021, 1, 1), dt.date(2022, 6, 30), 21_000_000_000, 2_750)
LATER = (dt.date(2022, 7, 1), dt.date(2024, 12, 31), 119_000_000_000)
# Kind: (million đồng low, high, sources it comes from)
GIFTS = {
    Kind.CASH: (1, 5, [Source.SOCIAL, Source.TWINNING, Source.PROVINCIAL_BUDGET]),
    Kind.LIVESTOCK: (8, 25, [Source.NTP_POVERTY, Source.NTP_ETHNIC, Source.TWINNING, Source.ENTERPRISE]),
    Kind.SEEDLINGS: (1, 6, [Source.NTP_POVERTY, Source.NTP_NEW_RURAL, Source.ENTERPRISE]),
    Kind.MATERIALS: (1, 5, [Source.NTP_NEW_RURAL, Source.SOCIAL, Source.OWN]),
    Kind.HOUSING: (40, 60, [Source.NTP_ETHNIC, Source.SOCIAL, Source.TWINNING]),
    Kind.EQUIPMENT: (2, 10, [Source.NTP_POVERTY, Source.ENTERPRISE, Source.OWN]),
}
GIFT_WEIGHTS = {Kind.CASH: 25, Kind.LIVESTOCK: 20, Kind.SEEDLINGS: 25, Kind.MATERIALS: 15, Kind.HOUSING: 5,
                Kind.EQUIPMENT: 10}
DESCRIPTIONS = {
    Kind.CASH: "Hỗ trợ tiền mặt ổn định cuộc sống", Kind.LIVESTOCK: "Hỗ trợ bò, heo giống sinh sản",
    Kind.SEEDLINGS: "Hỗ trợ cây cà phê, mì, sâm dây giống", Kind.MATERIALS: "Hỗ trợ phân bón, vật tư sản xuất",
    Kind.HOUSING: "Hỗ trợ làm nhà ở (nhà Đại đoàn kết)", Kind.EQUIPMENT: "Hỗ trợ máy xay xát, bình phun, dụng cụ",
    Kind.LOAN: "Vay vốn ưu đãi hộ nghèo, cận nghèo",
}
VILLAGE_WORKS = ["Bê tông hóa đường nội thôn", "Sửa chữa nhà rông văn hóa", "Công trình nước sinh hoạt tập trung",
                 "Mương thủy lợi nội đồng", "Hỗ trợ giống cho tổ hợp tác"]


class _Givers:
    def __init__(self):
        province = AdministrativeUnit.objects.get(era=Era.PRE_2025, level=Level.PROVINCE, code="62")
        self.by_short = dict(Organisation.objects.filter(unit=province).values_list("short_name", "pk"))
        self.district = {(u, k): pk for pk, u, k in Organisation.objects.filter(
            unit__level=Level.DISTRICT, kind__in=(OrgKind.PEOPLES_COMMITTEE, OrgKind.FATHERLAND_FRONT))
            .values_list("pk", "unit_id", "kind")}
        from vuonlen.twinning.models import TwinningPair

        self.partners = list(TwinningPair.objects.values_list("organisation_id", flat=True).distinct().order_by(
            "organisation_id"))

    def for_source(self, rng, source: str, district_id: int | None) -> int | None:
        if source in (Source.NTP_NEW_RURAL, Source.NTP_ETHNIC, Source.NTP_POVERTY):
            return self.district.get((district_id, OrgKind.PEOPLES_COMMITTEE))
        if source == Source.SOCIAL:
            return self.district.get((district_id, OrgKind.FATHERLAND_FRONT)) or self.by_short.get("UBMTTQ tỉnh")
        if source == Source.PROVINCIAL_BUDGET:
            return self.by_short.get("UBND tỉnh")
        if source == Source.ENTERPRISE:
            return self.by_short.get("Cao su Kon Tum")
        if source == Source.TWINNING:
            return rng.choice(self.partners) if self.partners else self.by_short.get("BCHQS tỉnh")
        if source == Source.POLICY_BANK:
            return self.by_short.get("NHCSXH")
        return None


def _day(rng, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _gift(rng, givers, *, household=None, unit_id: int, district_id, start, end) -> dict:
    kind = rng.choices(list(GIFT_WEIGHTS), weights=list(GIFT_WEIGHTS.values()))[0]
    low, high, sources = GIFTS[kind]
    source = rng.choice(sources)
    giver = givers.for_source(rng, source, district_id)
    if source in (Source.ENTERPRISE, Source.TWINNING) and giver is None:
        source = Source.SOCIAL
    return {"source": source, "kind": kind, "giver_id": giver, "value_vnd": rng.randint(low * 10, high * 10) * 100_000,
            "date": _day(rng, start, end), "recipient_kind": RecipientKind.HOUSEHOLD if household else RecipientKind.UNIT,
            "household_id": household, "initiative_id": None, "unit_id": unit_id,
            "description": DESCRIPTIONS[kind], "loan_term_months": None, "loan_status": ""}


def _village_work(rng, givers, unit_id: int, district_id, start, end) -> dict:
    source = rng.choice([Source.NTP_NEW_RURAL, Source.NTP_ETHNIC, Source.PROVINCIAL_BUDGET, Source.SOCIAL,
                         Source.TWINNING])
    giver = givers.for_source(rng, source, district_id)
    if source == Source.TWINNING and giver is None:
        source = Source.SOCIAL
    return {"source": source, "kind": rng.choice([Kind.MATERIALS, Kind.EQUIPMENT, Kind.CASH]), "giver_id": giver,
            "value_vnd": rng.randint(50, 800) * 1_000_000, "date": _day(rng, start, end),
            "recipient_kind": RecipientKind.UNIT, "household_id": None, "initiative_id": None, "unit_id": unit_id,
            "description": rng.choice(VILLAGE_WORKS), "loan_term_months": None, "loan_status": ""}


def _loan(rng, givers, household, unit_id, district_id, start, end) -> dict:
    return {"source": Source.POLICY_BANK, "kind": Kind.LOAN, "giver_id": givers.for_source(rng, Source.POLICY_BANK, None),
            "value_vnd": rng.choice([20, 30, 40, 50, 70, 100]) * 1_000_000, "date": _day(rng, start, end),
            "recipient_kind": RecipientKind.HOUSEHOLD, "household_id": household, "initiative_id": None,
            "unit_id": unit_id, "description": DESCRIPTIONS[Kind.LOAN],
            "loan_term_months": rng.choice([24, 36, 60]), "loan_interest": "0,66%/tháng", "loan_status": ""}


def _scale_gifts(rows: list[dict], target: int) -> None:
    """Scale the gifts so the phase's total (loans included, unscaled) is ``target``."""
    loans = sum(r["value_vnd"] for r in rows if r["kind"] == Kind.LOAN)
    gifts = [r for r in rows if r["kind"] != Kind.LOAN]
    factor = (target - loans) / sum(r["value_vnd"] for r in gifts)
    for row in gifts:
        row["value_vnd"] = max(100_000, round(row["value_vnd"] * factor / 100_000) * 100_000)
    drift = target - sum(r["value_vnd"] for r in rows)
    # The rounding's remainder goes on the largest gift (a village work), so the total is exact.
    max(gifts, key=lambda r: r["value_vnd"])["value_vnd"] += drift


def _repayments(rng, loans: list[tuple[int, dict]], today: dt.date) -> tuple[list[dict], dict[int, str]]:
    """Repayments for about half the loans: most loans past maturity repaid in full, a few overdue."""
    rows, statuses = [], {}
    for pk, loan in loans:
        maturity = add_months(loan["date"], loan["loan_term_months"])
        value = loan["value_vnd"]
        if maturity < today:
            share = 1.0 if rng.random() < 0.8 else rng.choice([0.3, 0.5, 0.7])
        else:
            share = rng.choice([0, 0, 0.2, 0.4])
        paid_total = round(value * share / 100_000) * 100_000
        instalments = rng.randint(1, 3)
        paid = 0
        for i in range(instalments):
            amount = paid_total - paid if i == instalments - 1 else paid_total // instalments // 100_000 * 100_000
            if amount <= 0:
                continue
            day = min(today, loan["date"] + dt.timedelta(days=int((min(maturity, today) - loan["date"]).days
                                                               * (i + 1) / instalments)))
            rows.append({"entry_id": pk, "date": day, "amount_vnd": amount, "note": "Trả nợ tại điểm giao dịch xã"})
            paid += amount
        statuses[pk] = loan_status_for(value_vnd=value, repaid_vnd=paid, maturity=maturity, marked_overdue=False,
                                       today=today)
    return rows, statuses


@transaction.atomic
def run(ctx) -> None:
    if SupportEntry.objects.exists():
        return
    rng = ctx.rng
    homes = list(Household.objects.filter(is_ethnic_minority=True).order_by("pk")
                 .values_list("pk", "unit_id", "commune__parent_id"))
    if not homes:
        return
    villages = list(AdministrativeUnit.objects.filter(era=Era.PRE_2025, level=Level.VILLAGE).order_by("pk")
                    .values_list("pk", "parent__parent_id"))
    if not villages:
        villages = list(AdministrativeUnit.objects.filter(era=Era.PRE_2025, level=Level.COMMUNE).order_by("pk")
                        .values_list("pk", "parent_id"))
    givers = _Givers()
    today = today_vn()

    start, end, target, reached = FIRST_YEAR
    first = []
    for pk, unit_id, district_id in rng.sample(homes, min(reached, len(homes))):
        for _ in range(rng.choice([1, 1, 2])):
            first.append(_gift(rng, givers, household=pk, unit_id=unit_id, district_id=district_id,
                               start=start, end=end))
        if rng.random() < 0.05:
            first.append(_loan(rng, givers, pk, unit_id, district_id, start, end))
    first += [_village_work(rng, givers, v, d, start, end) for v, d in rng.sample(villages, min(20, len(villages)))]
    _scale_gifts(first, target)

    start, end, target = LATER
    later = []
    for pk, unit_id, district_id in rng.sample(homes, min(9_000, len(homes))):
        for _ in range(rng.choice([1, 1, 2])):
            later.append(_gift(rng, givers, household=pk, unit_id=unit_id, district_id=district_id,
                               start=start, end=end))
        if rng.random() < 0.08:
            later.append(_loan(rng, givers, pk, unit_id, district_id, start, end))
    later += [_village_work(rng, givers, v, d, start, end) for v, d in rng.sample(villages, min(250, len(villages)))]
    _scale_gifts(later, target)

    rows = first + later
    for row in rows:
        row.setdefault("loan_interest", "")
        if row["kind"] == Kind.LOAN:
            row["loan_status"] = LoanStatus.CURRENT
    ids = insert_rows(SupportEntry, rows)
    loans = [(pk, row) for pk, row in zip(ids, rows) if row["kind"] == Kind.LOAN]
    repayments, statuses = _repayments(rng, loans, today)
    insert_rows(Repayment, repayments, returning=False)
    for status in (LoanStatus.OVERDUE, LoanStatus.REPAID):
        SupportEntry.objects.filter(pk__in=[pk for pk, s in statuses.items() if s == status]).update(loan_status=status)
    total = sum(r["value_vnd"] for r in rows)
    audit_record(actor=SYSTEM, action=AuditAction.IMPORT, source="demo", object_repr="Sổ nguồn lực (dữ liệu mẫu)",
                 note=f"Tạo {len(rows)} khoản hỗ trợ, {len(loans)} khoản vay, {len(repayments)} lần trả nợ; "
                      f"tổng {total:,} đồng".replace(",", "."))
    ctx.say(f"Sổ nguồn lực mẫu: {len(rows)} khoản, {total / 1e9:.1f} tỷ đồng")
