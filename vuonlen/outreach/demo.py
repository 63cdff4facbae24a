"""Demo outreach: sessions in every pre-2025 commune each year 2021–2025 reaching most of the
year's poor and near-poor EM households (so indicator 1 sits between about 85% and 100%),
training courses, exchange visits to the demo models, emulation signings and launches.
Bulk inserts; deterministic through ctx.rng; skipped when activities already exist."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction

from vuonlen.accounts.models import Organisation, OrgKind
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.audit import audit_record
from vuonlen.core.bulk import insert_rows
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import today_vn
from vuonlen.geo.models import AdministrativeUnit, Era, Level

from .models import Activity, Topic

YEARS = (2021, 2022, 2023, 2024, 2025)
CHANNELS = ["meeting", "meeting", "home_visit", "loudspeaker", "cultural", "leaflet", "social"]


@transaction.atomic
def run(ctx) -> None:
    if Activity.objects.exists():
        return
    from vuonlen.households.models import Review
    from vuonlen.initiatives.models import Initiative

    rng = ctx.rng
    province = AdministrativeUnit.objects.filter(era=Era.PRE_2025, level=Level.PROVINCE, code="62").first()
    if province is None:
        return
    communes = list(AdministrativeUnit.objects.filter(province.subtree_q(), era=Era.PRE_2025, level=Level.COMMUNE)
                    .order_by("code"))
    fronts = dict(Organisation.objects.filter(kind=OrgKind.FATHERLAND_FRONT).values_list("unit_id", "pk"))
    topics = list(Topic.objects.filter(is_active=True).values_list("pk", flat=True))
    poor: dict[tuple[int, int], list[int]] = defaultdict(list)
    for hid, year, commune_id in Review.objects.filter(
            is_current=True, status__in=["poor", "near_poor"], is_ethnic_minority=True).values_list(
            "household_id", "year", "commune_id").order_by("household_id"):
        poor[(commune_id, year)].append(hid)
    models = list(Initiative.objects.filter(showcase__approved=True).values_list("pk", "unit_id"))
    today = today_vn()
    rows, links = [], []  # links: (row index, [household ids])
    for commune in communes:
        for year in YEARS:
            last = dt.date(year, 12, 31) if year < today.year else today
            households = poor.get((commune.pk, year), [])
            # Most households are reached; a few (absent, moved away) are not.
            reached = [h for h in households if rng.random() < rng.uniform(0.86, 0.995)]
            sessions = max(2, min(8, len(reached) // 40 + 2))
            chunks = [reached[i::sessions] for i in range(sessions)]
            for i, chunk in enumerate(chunks):
                day = dt.date(year, rng.randint(2, min(11, last.month)), rng.randint(1, 28))
                if day > last:
                    day = last
                rows.append({"kind": "propaganda", "date": day, "unit_id": commune.pk,
                             "organisation_id": fronts.get(commune.pk), "channel": rng.choice(CHANNELS),
                             "title": f"Tuyên truyền Cuộc vận động đợt {i + 1} năm {year}",
                             "participants": len(chunk) + rng.randint(5, 40), "partner": "", "note": "",
                             "visited_initiative_id": None})
                links.append((len(rows) - 1, chunk))
            if rng.random() < 0.35:
                rows.append({"kind": "training", "date": dt.date(year, rng.randint(3, 10), rng.randint(1, 28)),
                             "unit_id": commune.pk, "organisation_id": fronts.get(commune.pk), "channel": "",
                             "title": "Tập huấn kỹ thuật trồng trọt, chăn nuôi cho hộ nghèo", "partner": "",
                             "participants": rng.randint(20, 60), "note": "", "visited_initiative_id": None})
                links.append((len(rows) - 1, []))
            if models and rng.random() < 0.2:
                visited = rng.choice(models)[0]
                rows.append({"kind": "exchange", "date": dt.date(year, rng.randint(4, 11), rng.randint(1, 28)),
                             "unit_id": commune.pk, "organisation_id": fronts.get(commune.pk), "channel": "",
                             "title": "Tham quan, học tập mô hình", "participants": rng.randint(10, 30),
                             "partner": "", "note": "", "visited_initiative_id": visited})
                links.append((len(rows) - 1, []))
        rows.append({"kind": "emulation", "date": dt.date(2021, 6, rng.randint(1, 28)), "unit_id": commune.pk,
                     "organisation_id": fronts.get(commune.pk), "channel": "", "partner": "Các đoàn thể chính trị - xã hội xã",
                     "title": "Ký kết giao ước thi đua thực hiện Cuộc vận động", "participants": rng.randint(20, 50),
                     "note": "", "visited_initiative_id": None})
        links.append((len(rows) - 1, []))
        rows.append({"kind": "launch", "date": dt.date(2021, 5, rng.randint(1, 28)), "unit_id": commune.pk,
                     "organisation_id": fronts.get(commune.pk), "channel": "cultural", "partner": "",
                     "title": "Lễ phát động Cuộc vận động", "participants": rng.randint(80, 300), "note": "",
                     "visited_initiative_id": None})
        links.append((len(rows) - 1, []))
    ids = insert_rows(Activity, rows)
    reached_rows = [{"activity_id": ids[index], "household_id": hid} for index, chunk in links for hid in chunk]
    topic_rows = [{"activity_id": ids[index], "topic_id": t} for index, _ in links
                  if rows[index]["kind"] == "propaganda" for t in rng.sample(topics, min(len(topics), 3))]
    insert_rows(Activity.households.through, reached_rows, returning=False)
    insert_rows(Activity.topics.through, topic_rows, returning=False)
    audit_record(actor=SYSTEM, action=AuditAction.IMPORT, source="demo", object_repr="Tuyên truyền (dữ liệu mẫu)",
                 note=f"Tạo {len(ids)} hoạt động, {len(reached_rows)} lượt hộ được tuyên truyền")
    ctx.say(f"Tuyên truyền mẫu: {len(ids)} hoạt động, {len(reached_rows)} lượt hộ được tuyên truyền")
