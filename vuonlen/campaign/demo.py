"""Demo mentors, visits and assessments 2021–2024, following the published first results:

* after the first year (2021) about 9,300 households had changed their thinking;
* by the end of 2024 about 16,700 household-turns (lượt hộ) had changed — over 81% of those
  assessed — and about 70% applied new techniques.

"Household-turns" counts every household assessed that year: the poor and near-poor EM
households of the year, and households that left poverty since 2021 and are still followed.
The 2024 assessments therefore cover about 20,600 households (16,700 / 0.81), more than the
year's poor and near-poor. Counts scale with ``settings.VUONLEN_DEMO_SCALE`` like the registry.

One mentor account per commune with households (``phutrach.<commune code>``), plus the demo
account ``phutrach.ho`` with 15 households of Đắk Tơ Lung. Written with ``core.bulk``; one
audit row for the step. Skips everything when assessments already exist.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction

from vuonlen.accounts.demo import DEMO_COMMUNE, DEMO_PASSWORD
from vuonlen.accounts.models import RoleAssignment, User
from vuonlen.accounts.roles import Role
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.audit import audit_record
from vuonlen.core.bulk import insert_rows
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import today_vn
from vuonlen.households.models import Household, Review

from .models import Assessment, MentorAssignment, Visit
from .services import VISIT_TOPICS

YEARS = (2021, 2022, 2023, 2024)
# year: (households assessed, of them changed thinking, applying techniques), at full scale.
# 2021 and 2024 are the published figures; 2022–2023 lie on the way between.
TARGETS = {2021: (29_400, 9_300, 5_900), 2022: (25_500, 13_000, 9_700), 2023: (22_800, 15_300, 12_800),
           2024: (20_600, 16_700, 14_420)}
MENTOR_SHARE = 0.88  # share of today's poor and near-poor EM households with a mentor
DEMO_MENTOR_HOUSEHOLDS = 15


def _mentors(communes: list, say) -> dict[int, int]:
    """commune id → mentor user id (created when missing)."""
    from django.contrib.auth.hashers import make_password

    password = make_password(DEMO_PASSWORD)
    existing = dict(User.objects.filter(username__startswith="phutrach.").values_list("username", "pk"))
    result = {}
    made = 0
    for commune in communes:
        username = f"phutrach.{commune.code}"
        if username not in existing:
            user = User(username=username, full_name=f"Đảng viên phụ trách hộ ({commune.name})", password=password)
            user.save()
            RoleAssignment.objects.create(user=user, role=Role.MENTOR, unit=commune)
            existing[username] = user.pk
            made += 1
        result[commune.pk] = existing[username]
    if made:
        say(f"Tài khoản người phụ trách hộ mẫu: {made}")
    return result


def _pick(rng, items: list, count: int) -> set:
    count = max(0, min(count, len(items)))
    return set(rng.sample(items, count))


@transaction.atomic
def run(ctx, scale: float | None = None) -> None:
    from django.conf import settings

    from vuonlen.geo.models import AdministrativeUnit

    if Assessment.objects.exists() or not Household.objects.exists():
        return
    scale = scale if scale is not None else getattr(settings, "VUONLEN_DEMO_SCALE", 1.0)
    rng = ctx.rng
    today = today_vn()
    households = {pk: (commune, unit, minority, ended, status) for pk, commune, unit, minority, ended, status in
                  Household.objects.values_list("pk", "commune_id", "unit_id", "is_ethnic_minority", "ended_on",
                                                "current_status").order_by("pk")}
    statuses: dict[int, dict[int, str]] = defaultdict(dict)
    for household_id, year, status in Review.objects.filter(is_current=True).values_list(
            "household_id", "year", "status").order_by("household_id", "year"):
        statuses[household_id][year] = status
    communes = list(AdministrativeUnit.objects.filter(pk__in={h[0] for h in households.values()}).order_by("code"))
    mentor_of_commune = _mentors(communes, ctx.say)

    # --- mentors: most of today's poor and near-poor EM households --------------------------
    target_now = [pk for pk, (_c, _u, minority, ended, status) in households.items()
                  if minority and ended is None and status in ("poor", "near_poor")]
    covered = sorted(_pick(rng, target_now, round(len(target_now) * MENTOR_SHARE)))
    demo_user = User.objects.filter(username="phutrach.ho").first()
    demo_commune = AdministrativeUnit.objects.filter(code=DEMO_COMMUNE, level=3, era="pre2025").first()
    # The demo account's households: today's poor first, then other EM households of the commune,
    # so that it has its 15 at every scale.
    in_commune = [pk for pk, (c, _u, minority, ended, status) in households.items()
                  if demo_commune and c == demo_commune.pk and minority and ended is None]
    in_commune.sort(key=lambda pk: (households[pk][4] not in ("poor", "near_poor"), pk))
    demo_homes = set(in_commune[:DEMO_MENTOR_HOUSEHOLDS]) if demo_user else set()
    covered = sorted(set(covered) | demo_homes)
    mentor_for = {pk: demo_user.pk if pk in demo_homes else mentor_of_commune[households[pk][0]] for pk in covered}
    assignment_rows = [{"mentor_id": mentor_for[pk], "household_id": pk, "unit_id": households[pk][1],
                        "started_on": dt.date(2021, 5, 1) + dt.timedelta(days=rng.randint(0, 60)),
                        "reason": "Phân công theo Kế hoạch 26-KH/HU"} for pk in covered]
    insert_rows(MentorAssignment, assignment_rows, returning=False)

    # --- visits: a few a year, about half of the households seen in the last 90 days ----------
    topic_codes = [code for code, _label in VISIT_TOPICS]
    visit_rows = []
    for pk in covered:
        dates = [dt.date(year, rng.randint(1, 12), rng.randint(1, 28)) for year in (2022, 2023, 2024)
                 if rng.random() < 0.6]
        if pk in demo_homes or rng.random() < 0.5:
            dates.append(today - dt.timedelta(days=rng.randint(1, 85)))
        for visited_on in dates:
            topics = rng.sample(topic_codes, rng.randint(1, 2))
            visit_rows.append({"household_id": pk, "mentor_id": mentor_for[pk], "unit_id": households[pk][1],
                               "visited_on": visited_on, "topics": topics,
                               "discussed": "Trao đổi về " + ", ".join(
                                   label.lower() for code, label in VISIT_TOPICS if code in topics),
                               "advice": "Hướng dẫn cách làm, hẹn lần sau kiểm tra",
                               "production_model": rng.choice(["", "", "Nuôi bò sinh sản", "Trồng cà phê xen "
                                                               "cây ăn quả", "Nuôi gà thả vườn", "Trồng sâm dây"]),
                               "next_step": "Theo dõi kết quả, thăm lại sau một tháng"})
    insert_rows(Visit, visit_rows, returning=False)

    # --- assessments per year ----------------------------------------------------------------
    assessment_rows = []
    changed_before: set[int] = set()
    for year in YEARS:
        assessed_n, changed_n, applies_n = (round(v * scale) for v in TARGETS[year])
        alive = [pk for pk, (_c, _u, minority, ended, _s) in households.items()
                 if minority and (ended is None or ended.year >= year)]
        in_population = [pk for pk in alive if statuses[pk].get(year) in ("poor", "near_poor")]
        population_set = set(in_population)
        escaped = [pk for pk in alive if pk not in population_set
                   and any(s in ("poor", "near_poor") for y, s in statuses[pk].items() if y < year)]
        extra = sorted(_pick(rng, escaped, assessed_n - len(in_population)))
        assessed = sorted(set(in_population) | set(extra))
        # Households that changed once mostly stay changed; those who escaped poverty first.
        extra_set = set(extra)
        ranked = sorted(assessed, key=lambda pk: (pk not in changed_before, pk not in extra_set, rng.random()))
        changed = set(ranked[:changed_n])
        applies = set(sorted(changed, key=lambda _pk: rng.random())[:applies_n])
        if len(applies) < applies_n:
            applies |= _pick(rng, [pk for pk in assessed if pk not in applies], applies_n - len(applies))
        changed_before |= changed
        progress = YEARS.index(year) / (len(YEARS) - 1)
        for pk in assessed:
            commune, unit = households[pk][0], households[pk][1]
            is_changed, is_applying = pk in changed, pk in applies
            told = rng.random() < 0.93 + 0.07 * progress
            improved = is_changed and rng.random() < 0.2 + 0.3 * progress
            assessment_rows.append({
                "household_id": pk, "year": year, "commune_id": commune, "unit_id": unit,
                "assessed_on": dt.date(year, rng.randint(3, 12), rng.randint(1, 28)),
                "assessed_by_id": mentor_for.get(pk, mentor_of_commune[commune]),
                "told": told, "told_topics": sorted(rng.sample(range(1, 11), rng.randint(4, 10))) if told else [],
                "changed_thinking": is_changed, "dropped_customs": is_changed and rng.random() < 0.9,
                "not_waiting": is_changed and rng.random() < 0.85, "applies_technology": is_applying,
                "saves_to_reinvest": is_applying and rng.random() < 0.75,
                "income_above_average": improved, "stable_model": improved or (is_applying and rng.random() < 0.5),
                "solid_house": improved or rng.random() < 0.3, "has_essentials": improved or rng.random() < 0.4,
                "in_cooperative": rng.random() < 0.1 + 0.25 * progress,
            })
    insert_rows(Assessment, assessment_rows, returning=False)
    note = (f"Tạo {len(assignment_rows)} phân công phụ trách hộ, {len(visit_rows)} lần thăm hộ, "
            f"{len(assessment_rows)} đánh giá hộ 2021–2024")
    audit_record(actor=SYSTEM, action=AuditAction.IMPORT, source="demo", object_repr="Cuộc vận động (dữ liệu mẫu)",
                 note=note)
    ctx.say(note)
