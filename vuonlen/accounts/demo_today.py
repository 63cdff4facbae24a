"""`vuonlen demo`, last step: the switch-over of 1 July 2025 and the campaign going on in 2026.

Runs after every room's 2021–2025 history: villages continue under the new communes, the
administrator applies the organisations-and-accounts switch-over (commune bodies → their new
commune, the province's → the new Quảng Ngãi, district bodies ended), new-era accounts of every
role are made, the new province asks its communes for the quarterly report from Q3/2025, the
2026–2030 phase gets its indicator set, plan targets and the 2026 targets of the new province and
its communes (invented: docs/demo-data.md), and 2026 brings assessments, mentors' visits and
reports from a new commune. The old accounts keep
reading their history. Safe to re-run: each part skips what exists.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.db import transaction

from vuonlen.core.audit import audit_record
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import VN_TZ, Period, PeriodKind
from vuonlen.geo import continuation
from vuonlen.geo.models import AdministrativeUnit, Era, Level, UnitLineage

from . import switchover
from .demo import DEMO_COMMUNE, DEMO_PASSWORD
from .models import Organisation, OrgKind, RoleAssignment, User
from .roles import Role
from .scoping import SYSTEM

NEW_PROVINCE = "51"
NEW_ERA_ACCOUNTS = [
    # username, full name, role, "province" | "commune", org kind or None
    ("thuongtruc.quangngai", "Thường trực BCĐ tỉnh Quảng Ngãi", Role.SECRETARIAT, "province", OrgKind.FATHERLAND_FRONT),
    ("lanhdao.quangngai", "Lãnh đạo tỉnh Quảng Ngãi (chỉ xem)", Role.VIEWER, "province", None),
    ("canbo.xamoi", "Cán bộ MTTQ xã (từ 01/7/2025)", Role.COMMUNE_OFFICER, "commune", None),
    ("phutrach.xamoi", "Đảng viên phụ trách hộ (xã mới)", Role.MENTOR, "commune", None),
    ("donvi.xamoi", "Ban Chỉ đạo Cuộc vận động xã mới", Role.REPORTING_UNIT, "commune", OrgKind.STEERING_COMMITTEE),
]
SCHEDULE_NAME = "Báo cáo quý thực hiện Cuộc vận động trên địa bàn tỉnh Quảng Ngãi (từ 01/7/2025)"
NEW_QUARTERS = [Period(2025, PeriodKind.QUARTER, 3), Period(2025, PeriodKind.QUARTER, 4),
                *(Period(2026, PeriodKind.QUARTER, i) for i in (1, 2, 3))]


def counts() -> dict[str, int]:
    """Organisations, villages and accounts on ended vs living units (the switch-over's closing note)."""
    today = dt.date(2026, 12, 6)
    ended_unit = {"unit__valid_to__lt": today}
    living = {"unit__valid_to__isnull": True}
    assignments = RoleAssignment.objects.filter(is_active=True)
    current = assignments.filter(valid_to__isnull=True)
    return {
        "organisations_active_on_ended_units": Organisation.objects.filter(is_active=True, **ended_unit).count(),
        "organisations_active_on_living_units": Organisation.objects.filter(is_active=True, **living).count(),
        "villages_ended": AdministrativeUnit.objects.filter(level=Level.VILLAGE, valid_to__lt=today).count(),
        "villages_living": AdministrativeUnit.objects.filter(level=Level.VILLAGE, valid_to__isnull=True).count(),
        "assignments_current_on_ended_units": (current.filter(unit__valid_to__lt=today).count()
                                               + current.filter(organisation__unit__valid_to__lt=today).count()),
        "assignments_current_on_living_units": (
            current.filter(unit__isnull=False, unit__valid_to__isnull=True).count()
            + current.filter(organisation__isnull=False, organisation__unit__valid_to__isnull=True).count()),
        "assignments_history_only": assignments.filter(keeps_history=True).count(),
    }


def _describe(c: dict[str, int]) -> str:
    return (f"tổ chức đang hoạt động: {c['organisations_active_on_ended_units']} ở đơn vị đã kết thúc, "
            f"{c['organisations_active_on_living_units']} ở đơn vị hiện hành; thôn: {c['villages_ended']} cũ, "
            f"{c['villages_living']} hiện hành; phân quyền: {c['assignments_current_on_ended_units']} ở đơn vị đã "
            f"kết thúc, {c['assignments_current_on_living_units']} ở đơn vị hiện hành, "
            f"{c['assignments_history_only']} chỉ xem lịch sử")


def _new_commune() -> AdministrativeUnit:
    old = AdministrativeUnit.objects.get(era=Era.PRE_2025, level=Level.COMMUNE, code=DEMO_COMMUNE)
    return UnitLineage.objects.get(old_unit=old, new_unit__level=Level.COMMUNE).new_unit


def _accounts(province, commune) -> int:
    made = 0
    password_hash = make_password(DEMO_PASSWORD)
    for username, full_name, role, where, org_kind in NEW_ERA_ACCOUNTS:
        unit = province if where == "province" else commune
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=full_name)
            user.password = password_hash
            user.save()
            audit_record(actor=SYSTEM, action=AuditAction.CREATE, instance=user, source="demo")
            made += 1
        org = (Organisation.objects.filter(unit=unit, kind=org_kind, is_active=True).order_by("pk").first()
               if org_kind else None)
        if not RoleAssignment.objects.filter(user=user, role=role).exists():
            assignment = RoleAssignment.objects.create(user=user, role=role, unit=None if org else unit,
                                                       organisation=org, valid_from=dt.date(2025, 7, 1))
            audit_record(actor=SYSTEM, action=AuditAction.CREATE, instance=assignment, source="demo")
    return made


# The 2026–2030 plan's targets (``PhaseGoal``) and the province's 2026 path: INVENTED for the
# demo (our sources hold no 2026–2030 plan; docs/demo-data.md), each above the 2021–2025 plan's
# level. The district-level indicator (MH_HUYEN) is left out of the new phase: there are no
# districts from 1 July 2025.
PLAN_DOCUMENT = "KH-BCĐ tỉnh 2026–2030 (mẫu)"
PLAN_2030 = {"KH_XA": 100, "TUYEN_TRUYEN": 100, "KET_HOP_NTM": 100, "NEP_NGHI": 90, "KHKT": 60, "DOI_SONG": 50,
             "HTX": 45, "GIAM_NGHEO": 4, "MH_XA": 100}
NOT_IN_2026 = {"MH_HUYEN"}
TARGET_DOCUMENT = "KH-BCĐ tỉnh Quảng Ngãi 2026 (mẫu)"
PROVINCE_2026 = {"KH_XA": 100, "TUYEN_TRUYEN": 100, "KET_HOP_NTM": 100, "NEP_NGHI": 80, "KHKT": 55, "DOI_SONG": 35,
                 "HTX": 32, "MH_XA": 100}
# A commune's 2026 target: the province's path, a few points below or above it by commune.
COMMUNE_PATH = ("NEP_NGHI", "KHKT", "DOI_SONG", "HTX")
COMMUNE_FLAT = {"TUYEN_TRUYEN": 100, "MH_XA": 100}


def _phase_2026():
    """The 2026–2030 phase with its indicator set (copied from 2021–2025) and plan targets, set
    through the phase-set services as the system."""
    from vuonlen.campaign.models import Phase
    from vuonlen.indicators import selectors, services

    phase = Phase.objects.filter(code="2026-2030").first()
    if phase is None:
        from vuonlen.campaign.services import phase_define
        phase = phase_define(actor=SYSTEM, code="2026-2030", name="Giai đoạn 2026 - 2030 (dữ liệu mẫu)",
                             start_year=2026, end_year=2030, source="demo")
    if not selectors.phase_indicators(phase, active_only=False):
        services.phase_set_copy(actor=SYSTEM, phase=phase, source="demo")
    if not selectors.goals_of(phase):
        rows = [services.PhaseRow(indicator=indicator, included=indicator.code not in NOT_IN_2026,
                                  goal=str(PLAN_2030.get(indicator.code, "")),
                                  document=PLAN_DOCUMENT if indicator.code in PLAN_2030 else "")
                for indicator in selectors.phase_indicators(phase)]
        services.phase_set_save(actor=SYSTEM, phase=phase, rows=rows, source="demo")
    return phase


def _targets(province, communes) -> int:
    """The 2026 targets of the new province and its communes, through ``save_targets`` as the
    system: only those still missing (safe to re-run)."""
    from vuonlen.indicators import selectors, services
    from vuonlen.indicators.models import Target

    by_code = {i.code: i for i in selectors.evaluation_indicators(2026)}
    wanted: list[tuple] = [(by_code[code], province, value) for code, value in PROVINCE_2026.items()
                           if code in by_code]
    for i, commune in enumerate(communes):
        offset = (i * 7) % 9 - 3  # −3…+5 points around the province's path, fixed per commune
        for code in COMMUNE_PATH:
            if code in by_code:
                wanted.append((by_code[code], commune, PROVINCE_2026[code] - 2 + offset))
        wanted += [(by_code[code], commune, value) for code, value in COMMUNE_FLAT.items() if code in by_code]
    have = set(Target.objects.filter(year=2026, unit__in=[province, *communes]).values_list("indicator_id", "unit_id"))
    inputs = [services.TargetInput(indicator=indicator, unit=unit, year=2026, value=str(value),
                                   document=TARGET_DOCUMENT, key=f"{unit.code}-{indicator.code}")
              for indicator, unit, value in wanted if (indicator.pk, unit.pk) not in have]
    if not inputs:
        return 0
    return len(services.save_targets(actor=SYSTEM, inputs=inputs, source="demo").created)


def _campaign_2026(commune, officer, mentor, rng) -> str:
    from vuonlen.campaign import services as campaign
    from vuonlen.campaign.models import Assessment, MentorAssignment
    from vuonlen.households.models import Household

    old_communes = UnitLineage.objects.filter(new_unit=commune, old_unit__level=Level.COMMUNE).values("old_unit")
    homes = list(Household.objects.filter(commune__in=old_communes, ended_on__isnull=True, is_ethnic_minority=True)
                 .order_by("pk")[:40])
    if not homes or Assessment.objects.filter(year=2026, household__in=homes).exists():
        return "đã có"
    free = [h for h in homes[:12] if not MentorAssignment.objects.filter(household=h, ended_on__isnull=True).exists()]
    if free:
        campaign.mentor_assign(actor=officer, mentor=mentor, households=free, started_on=dt.date(2025, 8, 1),
                               reason="Phân công lại sau sắp xếp đơn vị hành chính", source="demo")
    visits = 0
    for home in free:
        for month in (3, 7, 10):
            campaign.visit_log(actor=SYSTEM, mentor=mentor, household=home, visited_on=dt.date(2026, month, 10),
                               topics=[], discussed="Trao đổi kế hoạch sản xuất năm 2026",
                               advice="Hướng dẫn chăm sóc cà phê", source="demo")
            visits += 1
    for i, home in enumerate(homes):
        changed = rng.random() < 0.7
        campaign.assessment_record(actor=officer, household=home, year=2026, source="demo", data={
            "assessed_on": dt.date(2026, 10, 1) + dt.timedelta(days=i % 40), "told": True,
            "changed_thinking": changed, "dropped_customs": changed, "not_waiting": changed,
            "applies_technology": rng.random() < 0.5})
    return f"{len(homes)} đánh giá hộ năm 2026, {visits} lần thăm hộ"


def _reports(province, communes) -> int:
    from vuonlen.reporting import defaults, services
    from vuonlen.reporting.models import Obligation, ReportSchedule, ScheduleKind, Submission

    issuer = Organisation.objects.filter(unit=province, kind=OrgKind.STEERING_COMMITTEE, is_active=True).first()
    if issuer is None:
        return 0
    schedule, created = ReportSchedule.objects.get_or_create(
        name=SCHEDULE_NAME, defaults={"kind": ScheduleKind.QUARTERLY, "form": defaults.quarterly_form(),
                                      "issuer": issuer, "year_from": 2025})
    if created:
        Obligation.objects.create(schedule=schedule, org_kind=OrgKind.STEERING_COMMITTEE, unit_level=Level.COMMUNE)
    if Submission.objects.filter(schedule=schedule).exists():
        return 0
    from vuonlen.reporting import selectors

    made = 0
    for period in NEW_QUARTERS:
        due = schedule.due_date_for(period)
        for i, org in enumerate(selectors.obligated_organisations(schedule, period).order_by("unit__name_sort")):
            if i % 6 == 5:
                continue  # a few do not report: the board shows them missing
            sub = services.submission_start(actor=SYSTEM, organisation=org, schedule=schedule, period=period)
            figures = {code: ("0" if v.get("value") is None else str(v["value"]), "")
                       for code, v in sub.values.items()}
            sent = dt.datetime.combine(due - dt.timedelta(days=2 - i % 4), dt.time(9), tzinfo=VN_TZ)
            services.submission_save(actor=SYSTEM, submission=sub, expected_version=sub.version, figures_input=figures,
                                     narrative_input={"ket-qua": "Tiếp tục thực hiện Cuộc vận động ở xã mới.",
                                                      "ton-tai": "Địa bàn rộng sau sắp xếp.",
                                                      "de-xuat": "Đề nghị tập huấn cán bộ xã mới."},
                                     submit=True, now=sent)
            made += 1
    return made


@transaction.atomic
def run(ctx) -> None:
    province = AdministrativeUnit.objects.filter(era=Era.POST_2025, level=Level.PROVINCE, code=NEW_PROVINCE).first()
    admin = User.objects.filter(username="quantri").first()
    if province is None or admin is None:
        return
    before = counts()
    villages = continuation.villages_continue_all(actor=admin, source="demo")
    switched = switchover.switchover_apply(actor=admin, decisions={})
    if villages.continued or switched.changed:
        ctx.say(f"Trước chuyển đổi: {_describe(before)}")
        ctx.say(f"Chuyển đổi 01/7/2025: {villages}; {switched}")
        ctx.say(f"Sau chuyển đổi: {_describe(counts())}")
    commune = _new_commune()
    made = _accounts(province, commune)
    if made:
        ctx.say(f"Tài khoản thời kỳ mới: {made}")
    _phase_2026()
    communes = list(AdministrativeUnit.objects.filter(parent=province, level=Level.COMMUNE).order_by("name_sort"))
    targets = _targets(province, communes)
    if targets:
        ctx.say(f"Giai đoạn 2026–2030: bộ chỉ tiêu chép từ 2021–2025, mục tiêu kế hoạch (mẫu); chỉ tiêu năm 2026 "
                f"giao cho tỉnh và {len(communes)} xã: {targets}")
    officer, mentor = User.objects.get(username="canbo.xamoi"), User.objects.get(username="phutrach.xamoi")
    ctx.say(f"Năm 2026 ở {commune.name}: {_campaign_2026(commune, officer, mentor, ctx.rng)}")
    reports = _reports(province, communes)
    if reports:
        ctx.say(f"Báo cáo quý của các xã mới (Q3/2025–Q3/2026): {reports}")


def describe_accounts() -> list[tuple[str, str, str]]:
    return [(username, DEMO_PASSWORD, f"{Role(role).label} — {full_name}")
            for username, full_name, role, _where, _org in NEW_ERA_ACCOUNTS]
