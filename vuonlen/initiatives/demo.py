"""Demo models: hundreds across the pre-2025 communes, matching the published campaign story.

Two provincial pilot models in Hơ Moong (Sa Thầy) and Ngọc Linh (Đắk Glei), the "Nhà vườn kiểu
mẫu" in village 4 of Đắk Tơ Lung (Kon Rẫy), district and commune models with households from
the registry demo, funds, reviews counted from the registry, mixed lifecycle states, and some
approved for the public showcase. Bulk inserts (core.bulk) keep it to a few seconds;
deterministic through ctx.rng; skipped when models already exist.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db import transaction

from vuonlen.accounts.models import Organisation, OrgKind, User
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.audit import audit_record
from vuonlen.core.bulk import insert_rows
from vuonlen.core.models import AuditAction
from vuonlen.core.text import fold, nfc, sort_key
from vuonlen.geo.models import AdministrativeUnit, Era, Level, UnitType

from .models import (
    Exemplar,
    Fund,
    Initiative,
    InitiativeReview,
    Kind,
    Participation,
    Showcase,
    Status,
    StatusChange,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
POOR = {"poor", "near_poor"}

COMMUNE_NAMES = {
    Kind.CROPS: ["Trồng cà phê xen cây ăn quả", "Trồng sâm dây", "Trồng lúa nước hai vụ", "Trồng mì (sắn) giống mới",
                 "Trồng rau an toàn", "Trồng bời lời đỏ"],
    Kind.LIVESTOCK: ["Nuôi bò sinh sản", "Nuôi heo rừng lai", "Nuôi dê", "Nuôi gà thả vườn", "Nuôi cá nước ngọt"],
    Kind.FOREST: ["Trồng dược liệu dưới tán rừng", "Trồng rừng sản xuất", "Nhận khoán bảo vệ rừng"],
    Kind.COOPERATIVE: ["Tổ hợp tác trồng cà phê", "Tổ hợp tác dệt thổ cẩm", "Hợp tác xã nông nghiệp"],
    Kind.MODEL_GARDEN: ["Nhà vườn kiểu mẫu"],
    Kind.DAN_VAN_KHEO: ["“Dân vận khéo” vận động hiến đất làm đường", "“Dân vận khéo” giúp nhau ngày công"],
    Kind.LIVING: ["Xoá bỏ tảo hôn, hôn nhân cận huyết", "Khu dân cư không rác thải", "Nhà tiêu hợp vệ sinh"],
}
KIND_WEIGHTS = [(Kind.CROPS, 30), (Kind.LIVESTOCK, 28), (Kind.FOREST, 10), (Kind.COOPERATIVE, 10),
                (Kind.MODEL_GARDEN, 5), (Kind.DAN_VAN_KHEO, 9), (Kind.LIVING, 8)]
SOURCES = ["ntp_poverty", "ntp_ethnic", "ntp_rural", "provincial", "mobilised", "enterprise", "twinning",
           "loan", "households"]
SUMMARIES = {
    Kind.CROPS: "Các hộ được hỗ trợ giống, tập huấn kỹ thuật và cùng nhau chăm sóc, tiêu thụ sản phẩm.",
    Kind.LIVESTOCK: "Hỗ trợ con giống, chuồng trại và hướng dẫn tiêm phòng; con giống sinh sản được luân chuyển "
                    "cho hộ khác.",
    Kind.FOREST: "Trồng và chăm sóc cây dược liệu dưới tán rừng, vừa giữ rừng vừa có thu nhập.",
    Kind.COOPERATIVE: "Các hộ góp vốn, góp công, cùng sản xuất và bán sản phẩm qua tổ hợp tác.",
    Kind.MODEL_GARDEN: "Vườn trồng xen cây ăn quả, rau màu và nuôi gà; nơi bà con đến học cách làm.",
    Kind.DAN_VAN_KHEO: "Cán bộ gần dân, vận động bà con cùng làm, cùng hưởng.",
    Kind.LIVING: "Thay đổi nếp sống: vệ sinh môi trường, bỏ hủ tục, xây dựng gia đình văn hoá.",
}


def _at(year: int, month: int = 6, day: int = 15) -> dt.datetime:
    return dt.datetime(year, month, day, 9, 0, tzinfo=VN)


def _village_4(commune: AdministrativeUnit) -> AdministrativeUnit:
    village = AdministrativeUnit.objects.filter(parent=commune, level=Level.VILLAGE, name_search=fold("Thôn 4")).first()
    if village is None:
        from vuonlen.geo.services import village_create

        village = village_create(actor=SYSTEM, commune=commune, name="Thôn 4", unit_type=UnitType.THON, source="demo")
    return village


class _Plan:
    """Everything to insert, built in memory first."""

    def __init__(self, ctx):
        self.ctx, self.rng = ctx, ctx.rng
        self.rows: list[dict] = []  # initiative rows
        self.extra: list[dict] = []  # per initiative: villages, participants, moves, funds, review, showcase

    def add(self, *, name, kind, level, org_id, unit, start_year, is_pilot=False, villages=(), households=(),
            status=None, showcase=False, description=""):
        rng = self.rng
        if status is None:
            if start_year >= 2025:
                status = Status.BEING_BUILT
            else:
                status = rng.choices([Status.RUNNING, Status.EFFECTIVE, Status.INEFFECTIVE, Status.CONVERTED,
                                      Status.CLOSED], weights=[40, 38, 10, 6, 6])[0]
        name = nfc(name)
        self.rows.append({"name": name, "name_search": fold(name), "name_sort": sort_key(name), "kind": kind,
                          "level": level, "organisation_id": org_id, "unit_id": unit.pk, "start_year": start_year,
                          "is_pilot": is_pilot, "description": description or SUMMARIES[kind], "status": status,
                          "status_changed_at": _at(min(start_year + 1, 2025), 3, 1)})
        self.extra.append({"villages": list(villages), "households": list(households), "showcase": showcase,
                           "kind": kind, "start_year": start_year, "status": status})


def _moves(status: str, start: int) -> list[tuple[str, str, dt.datetime, str]]:
    """The StatusChange rows leading to ``status``, dated along the years."""
    path = [("", Status.BEING_BUILT, _at(start, 2, 1), "Đăng ký mô hình")]
    if status == Status.BEING_BUILT:
        return path
    path.append((Status.BEING_BUILT, Status.RUNNING, _at(start, 5, 1), "Bắt đầu triển khai"))
    year = min(start + 1, 2025)
    if status == Status.EFFECTIVE:
        path.append((Status.RUNNING, Status.EFFECTIVE, _at(year, 3, 1), "Sơ kết: mô hình hiệu quả"))
    elif status in (Status.INEFFECTIVE, Status.CONVERTED):
        path.append((Status.RUNNING, Status.INEFFECTIVE, _at(year, 3, 1), "Sơ kết: chưa hiệu quả"))
        if status == Status.CONVERTED:
            path.append((Status.INEFFECTIVE, Status.CONVERTED, _at(min(year + 1, 2025), 1, 15), "Đã chuyển đổi"))
    elif status == Status.CLOSED:
        path.append((Status.RUNNING, Status.CLOSED, _at(year, 9, 1), "Dừng do thiếu nguồn nước"))
    return path


@transaction.atomic
def run(ctx) -> None:
    if Initiative.objects.exists():
        return
    rng = ctx.rng
    province = AdministrativeUnit.objects.filter(era=Era.PRE_2025, level=Level.PROVINCE, code="62").first()
    if province is None:
        return
    units = {u.pk: u for u in AdministrativeUnit.objects.filter(province.subtree_q(), era=Era.PRE_2025,
                                                                 level__lte=Level.COMMUNE)}
    districts = sorted((u for u in units.values() if u.level == Level.DISTRICT), key=lambda u: u.code)
    communes = sorted((u for u in units.values() if u.level == Level.COMMUNE), key=lambda u: u.code)
    fronts = dict(Organisation.objects.filter(kind=OrgKind.FATHERLAND_FRONT, unit_id__in=units)
                  .values_list("unit_id", "pk"))
    if province.pk not in fronts:
        return
    # Households by commune, and each one's review status by year (for participants and reviews).
    from vuonlen.households.models import Household, Review

    by_commune: dict[int, list[int]] = defaultdict(list)
    for hid, commune_id in Household.objects.filter(ended_on__isnull=True).values_list("id", "commune_id") \
            .order_by("id"):
        by_commune[commune_id].append(hid)
    status_of: dict[tuple[int, int], str] = {}
    for hid, year, status in Review.objects.filter(is_current=True).values_list("household_id", "year", "status"):
        status_of[(hid, year)] = status
    villages_of: dict[int, list[int]] = defaultdict(list)
    for vid, parent_id in AdministrativeUnit.objects.filter(level=Level.VILLAGE, parent_id__in=[c.pk for c in communes]) \
            .values_list("id", "parent_id").order_by("id"):
        villages_of[parent_id].append(vid)

    def poor_households(commune, year, count):
        pool = [h for h in by_commune.get(commune.pk, ()) if status_of.get((h, year)) in POOR]
        return rng.sample(pool, min(count, len(pool)))

    plan = _Plan(ctx)
    by_name = {u.name: u for u in communes}
    # The two provincial pilots (seed 003) and the model garden in village 4 of Đắk Tơ Lung.
    for commune_name, title in (("Xã Hơ Moong", "Mô hình điểm cấp tỉnh: trồng cà phê, nuôi bò ở xã Hơ Moong"),
                                ("Xã Ngọc Linh", "Mô hình điểm cấp tỉnh: trồng sâm Ngọc Linh dưới tán rừng")):
        commune = by_name.get(commune_name)
        if commune:
            plan.add(name=title, kind=Kind.FOREST if "sâm" in title else Kind.CROPS, level="province",
                     org_id=fronts[province.pk], unit=commune, start_year=2021 if "Hơ" in commune_name else 2022,
                     is_pilot=True, villages=villages_of[commune.pk][:2],
                     households=poor_households(commune, 2021, 40), status=Status.EFFECTIVE, showcase=True)
    dak_to_lung = next((c for c in communes if c.code == "23485"), None)
    garden_village = _village_4(dak_to_lung) if dak_to_lung else None
    for district in districts:
        if district.pk not in fronts:
            continue
        mine = [c for c in communes if c.parent_id == district.pk]
        for i in range(rng.randint(2, 3)):
            commune = rng.choice(mine) if mine else None
            if commune is None:
                continue
            kind = rng.choices([k for k, _ in KIND_WEIGHTS], weights=[w for _, w in KIND_WEIGHTS])[0]
            year = rng.choice([2021, 2022, 2023, 2024])
            plan.add(name=f"{rng.choice(COMMUNE_NAMES[kind])} ({commune.name})", kind=kind, level="district",
                     org_id=fronts[district.pk], unit=commune, start_year=year, is_pilot=(i == 0),
                     households=poor_households(commune, year, rng.randint(10, 35)),
                     showcase=rng.random() < 0.3)
    for commune in communes:
        if commune.pk not in fronts:
            continue
        years = sorted(rng.sample([2021, 2022, 2023, 2024, 2025], rng.randint(2, 4)))
        for i, year in enumerate(years):
            kind = rng.choices([k for k, _ in KIND_WEIGHTS], weights=[w for _, w in KIND_WEIGHTS])[0]
            villages = rng.sample(villages_of[commune.pk], min(len(villages_of[commune.pk]), rng.randint(1, 2)))
            if commune == dak_to_lung and i == 0:
                plan.add(name="Nhà vườn kiểu mẫu thôn 4", kind=Kind.MODEL_GARDEN, level="commune",
                         org_id=fronts[commune.pk], unit=commune, start_year=2021, is_pilot=True,
                         villages=[garden_village.pk], households=poor_households(commune, 2021, 12),
                         status=Status.EFFECTIVE, showcase=True)
                continue
            plan.add(name=rng.choice(COMMUNE_NAMES[kind]), kind=kind, level="commune", org_id=fronts[commune.pk],
                     unit=commune, start_year=year, is_pilot=(i == 0), villages=villages,
                     households=poor_households(commune, year, rng.randint(4, 25)),
                     showcase=rng.random() < 0.12)
    ids = insert_rows(Initiative, plan.rows)
    secretariat = User.objects.filter(username="thuongtruc.tinh").first()
    through = Initiative.villages.through
    villages, moves, parts, funds, reviews, showcases = [], [], [], [], [], []
    for pk, row, extra in zip(ids, plan.rows, plan.extra):
        start, status = extra["start_year"], extra["status"]
        villages += [{"initiative_id": pk, "administrativeunit_id": v} for v in extra["villages"]]
        for frm, to, at, comment in _moves(status, start):
            moves.append({"initiative_id": pk, "from_status": frm, "to_status": to, "at": at, "comment": comment})
        for hid in extra["households"]:
            parts.append({"initiative_id": pk, "household_id": hid, "started_on": dt.date(start, 3, 1)})
        for _ in range(rng.randint(1, 3)):
            funds.append({"initiative_id": pk, "source": rng.choice(SOURCES), "year": start,
                          "amount": rng.randint(2, 60) * 10_000_000 if row["level"] != "province"
                          else rng.randint(30, 90) * 100_000_000, "note": ""})
        if status not in (Status.BEING_BUILT, Status.RUNNING):
            year = min(start + 1, 2025)
            out = sum(1 for h in extra["households"] if status_of.get((h, year)) not in (None, *POOR))
            reviews.append({"initiative_id": pk, "reviewed_on": dt.date(year, 2, 20),
                            "participants": len(extra["households"]), "participants_out_of_poverty": out,
                            "income_change_pct": rng.randint(-5, 40) if status != Status.EFFECTIVE
                            else rng.randint(10, 45),
                            "assessment": "Mô hình phát huy hiệu quả, cần nhân rộng." if status == Status.EFFECTIVE
                            else "Mô hình chưa hiệu quả do thiếu vốn và đầu ra; đề nghị chuyển đổi."})
        if extra["showcase"] and status in (Status.RUNNING, Status.EFFECTIVE):
            showcases.append({"initiative_id": pk, "summary": SUMMARIES[extra["kind"]], "approved": True,
                              "approved_at": _at(min(start + 1, 2025), 4, 1),
                              "approved_by_id": secretariat.pk if secretariat else None})
    insert_rows(through, villages, returning=False)
    insert_rows(StatusChange, moves, returning=False)
    insert_rows(Participation, parts, returning=False)
    insert_rows(Fund, funds, returning=False)
    insert_rows(InitiativeReview, reviews, returning=False)
    insert_rows(Showcase, showcases, returning=False)
    # Ineffective models get their conversion plan.
    Initiative.objects.filter(status__in=[Status.INEFFECTIVE, Status.CONVERTED]).update(
        conversion_direction="Chuyển sang nuôi bò sinh sản kết hợp trồng cỏ", conversion_deadline=dt.date(2025, 12, 31))
    if dak_to_lung:
        _exemplars(dak_to_lung, by_commune[dak_to_lung.pk], secretariat)
    audit_record(actor=SYSTEM, action=AuditAction.IMPORT, source="demo", object_repr="Mô hình (dữ liệu mẫu)",
                 note=f"Tạo {len(ids)} mô hình, {len(parts)} lượt hộ tham gia, {len(showcases)} mô hình công khai")
    ctx.say(f"Mô hình mẫu: {len(ids)} mô hình, {len(parts)} lượt hộ tham gia, {len(showcases)} công khai")


def _exemplars(commune, household_ids, secretariat) -> None:
    stories = [
        (True, False, "Gia đình mạnh dạn vay vốn Ngân hàng Chính sách xã hội nuôi bò sinh sản; sau ba năm đàn bò "
                      "đã có năm con, gia đình thoát nghèo và giúp hàng xóm con giống."),
        (True, False, "Từ hai sào lúa một vụ, gia đình làm thuỷ lợi nhỏ, cấy hai vụ và trồng thêm cà phê xen cây ăn "
                      "quả; con cái đều được đến trường."),
        (False, False, "Gia đình đã bỏ tục chia của cho người chết, dành tiền mua máy cày nhỏ."),
    ]
    now = _at(2024, 5, 1)
    for i, (consent, _name, story) in enumerate(stories):
        if i >= len(household_ids):
            break
        Exemplar.objects.create(commune=commune, household_id=household_ids[i], year=2023, story=story,
                                consent_to_publish=consent, approved_at=now if consent else None,
                                approved_by=secretariat if consent else None)
    Exemplar.objects.create(commune=commune, display_name="Già làng A Thút", year=2024, consent_to_publish=True,
                            publish_name=True, approved_at=now, approved_by=secretariat,
                            story="Già làng vận động con cháu trong làng bỏ tảo hôn, cùng nhau góp ngày công "
                                  "làm đường vào khu sản xuất.")
