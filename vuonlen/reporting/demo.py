"""Demo reports for 2023: the quarterly reports of Kon Rẫy district (its agencies, unions and the
communes' steering committees, to the district steering committee) and of the province (district
steering committees and provincial bodies, to the provincial steering committee).

The story the compliance board tells: most units report on time; some are late — Hội Nông dân
huyện sent its Q2 report at 00:00 on 08/06/2023, one minute too late, while another unit made it
at 23:59 on 07/06 —, a few never report, Huyện đoàn and one commune are late again and again; a
few reports were returned and sent again; after the Q2 conference (12/7/2023) the late and silent
units were asked for an explanation by 20/7/2023 (seed 001).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from vuonlen.accounts.demo import DEMO_DISTRICT
from vuonlen.accounts.models import Organisation, OrgKind
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.audit import audit_record
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import VN_TZ, Period, PeriodKind
from vuonlen.geo.models import AdministrativeUnit, Era, Level

from . import defaults, figures, services
from .models import Obligation, ReportSchedule, ScheduleKind, Submission, SubmissionEvent, SubmissionStatus

YEAR = 2023
DISTRICT_SCHEDULE = "Báo cáo quý thực hiện Cuộc vận động trên địa bàn huyện"
PROVINCE_SCHEDULE = "Báo cáo quý thực hiện Cuộc vận động gửi Ban Chỉ đạo tỉnh"
# Figures the system cannot pre-fill yet: plausible ranges for the demo units to "type".
_TYPED = {"poor_households": (20, 300), "near_poor_households": (10, 150), "propaganda_sessions": (2, 12),
          "propaganda_participants": (60, 800), "models_active": (1, 6), "households_escaped": (0, 25)}
_SIGNERS = ["A Thuận", "Y Nhi", "Đinh Văn Hùng", "Y Hiên", "A Blong", "Nguyễn Thị Hoa", "Lê Văn Tâm", "Y Ánh"]

_RESULTS = [
    "Tổ chức {n} buổi tuyên truyền theo 10 nội dung Sổ tay tuyên truyền Cuộc vận động, lồng ghép trong sinh "
    "hoạt chi hội, họp thôn.",
    "Duy trì mô hình “Tổ hợp tác trồng sâm dây”, hỗ trợ cây giống cho các hộ nghèo; vận động hộ tham gia tổ "
    "hợp tác, hợp tác xã.",
    "Phối hợp Ngân hàng Chính sách xã hội giải ngân vốn vay ưu đãi cho hộ nghèo, hộ cận nghèo; hướng dẫn hộ "
    "sử dụng vốn đúng mục đích.",
    "Cán bộ, đảng viên phụ trách hộ thăm hỏi, động viên, hướng dẫn cách làm ăn cho các hộ được phân công.",
    "Tổ chức cho hội viên tham quan mô hình “Nhà vườn kiểu mẫu của hộ đồng bào DTTS” tại thôn 4.",
]
_SHORTCOMINGS = [
    "Một bộ phận hộ nghèo còn tư tưởng trông chờ, ỷ lại vào sự hỗ trợ của Nhà nước.",
    "Nguồn lực hỗ trợ còn hạn chế; một số mô hình chưa phát huy hiệu quả, chưa được nhân rộng.",
    "Việc báo cáo định kỳ có lúc chưa kịp thời do cán bộ phụ trách kiêm nhiệm nhiều việc.",
]
_PROPOSALS = [
    "Đề nghị Ban Chỉ đạo huyện tiếp tục quan tâm bố trí kinh phí cho các mô hình có hiệu quả.",
    "Đề nghị tăng cường tập huấn kỹ năng tuyên truyền, vận động cho cán bộ cơ sở.",
    "",
]


def _org(unit, kind) -> Organisation | None:
    return Organisation.objects.filter(unit=unit, kind=kind).order_by("pk").first()


def _schedule(name, issuer, rules) -> ReportSchedule:
    schedule = ReportSchedule.objects.filter(name=name, issuer=issuer).first()
    if schedule is not None:
        return schedule
    schedule = ReportSchedule.objects.create(
        name=name, kind=ScheduleKind.QUARTERLY, form=defaults.quarterly_form(), issuer=issuer, due_day=7,
        due_offset_months=0, year_from=YEAR,
        description="Báo cáo hằng quý, gửi trước ngày 07 của tháng cuối quý (tính cả ngày 07).")
    Obligation.objects.bulk_create([Obligation(schedule=schedule, org_kind=kind, unit_level=level, note=note)
                                    for kind, level, note in rules])
    audit_record(actor=SYSTEM, action=AuditAction.CREATE, instance=schedule, source="demo")
    return schedule


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=VN_TZ)


def _plan(rng, orgs, offenders, special) -> dict[tuple[int, int], tuple[str, int]]:
    """(org pk, quarter) → (outcome, days from the due date). Drawn in a fixed order."""
    plan = {}
    for org in orgs:
        for quarter in range(1, 5):
            draw = rng.random()
            days = rng.randint(1, 18)
            if org.pk in offenders:
                outcome = "missing" if draw < 0.4 else "late" if draw < 0.9 else "on_time"
            else:
                outcome = "missing" if draw < 0.07 else "late" if draw < 0.2 else "on_time"
            plan[(org.pk, quarter)] = (outcome, days)
    plan.update(special)
    return plan


def _narrative(rng) -> dict[str, str]:
    results = rng.sample(_RESULTS, 3)
    return {
        "ket-qua": "\n".join("- " + line.format(n=rng.randint(2, 12)) for line in results),
        "ton-tai": "- " + rng.choice(_SHORTCOMINGS),
        "de-xuat": rng.choice(_PROPOSALS),
    }


def _build(rng, schedule, orgs, plan, returned: set, pending_q4: set, prefills: dict):
    """Submissions and their events for one schedule's 2023 quarters (not yet saved)."""
    rows = []
    for position, org in enumerate(orgs):
        for quarter in range(1, 5):
            outcome, days = plan[(org.pk, quarter)]
            narrative = _narrative(rng)
            figure_values = {}
            # Worked out once per organisation (its first quarter's), as before; ``setdefault``
            # computed it afresh for every quarter only to keep the first.
            if org.pk not in prefills:
                prefills[org.pk] = figures.prefill_all(_figure_codes(schedule), org,
                                                       Period(YEAR, PeriodKind.QUARTER, quarter))
            base = prefills[org.pk]
            for code, stored in base.items():
                value = stored["value"] if stored["value"] is not None else rng.randint(*_TYPED.get(code, (0, 20)))
                figure_values[code] = {**stored, "value": value}
            if outcome == "missing":
                continue
            period = Period(YEAR, PeriodKind.QUARTER, quarter)
            due = schedule.due_rule.due_date(period)
            if isinstance(days, dt.datetime):
                submitted = days
            elif outcome == "late":
                submitted = _at(due + dt.timedelta(days=days), 8 + days % 9, 15)
            else:
                submitted = _at(due - dt.timedelta(days=days % 12), 7 + days % 10, 30)
            number = f"{10 + quarter * 7 + position}-BC/{org.short_name}" if org.short_name else ""
            signer = "TRƯỞNG BAN" if org.kind == OrgKind.STEERING_COMMITTEE else "CHỦ TỊCH"
            sub = Submission(organisation=org, schedule=schedule, period_code=period.code(), values=figure_values,
                             narrative=narrative, doc_number=number, signer_title=signer,
                             signer_name=_SIGNERS[position % len(_SIGNERS)], submitted_at=submitted,
                             last_submitted_at=submitted)
            events = [("", SubmissionStatus.DRAFT, submitted - dt.timedelta(days=2), ""),
                      (SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED, submitted, "")]
            moment = submitted
            if (org.pk, quarter) in returned:
                moment = submitted + dt.timedelta(days=2)
                events.append((SubmissionStatus.SUBMITTED, SubmissionStatus.RETURNED, moment,
                               "Số liệu hộ nghèo chưa khớp với kết quả rà soát; đề nghị đơn vị kiểm tra, bổ sung "
                               "phần tồn tại, hạn chế."))
                moment += dt.timedelta(days=3)
                events.append((SubmissionStatus.RETURNED, SubmissionStatus.SUBMITTED, moment, ""))
                sub.last_submitted_at = moment
            if quarter == 4 and org.pk in pending_q4:
                sub.status = SubmissionStatus.SUBMITTED
            else:
                moment += dt.timedelta(days=3)
                events.append((SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED, moment, ""))
                sub.status = SubmissionStatus.ACCEPTED
                sub.accepted_at = moment
            rows.append((sub, events))
    return rows


def _figure_codes(schedule) -> list[str]:
    return [c for s in schedule.form.sections.all() if s.kind == "figures" for c in s.figure_codes]


def _save(rows) -> int:
    Submission.objects.bulk_create([sub for sub, _ in rows], batch_size=500)
    events = []
    for sub, moves in rows:
        for from_status, to_status, at, comment in moves:
            actor_name = "thuongtruc.huyen" if to_status in (SubmissionStatus.RETURNED, SubmissionStatus.ACCEPTED) \
                else "hệ thống"
            events.append(SubmissionEvent(submission=sub, at=at, actor_name=actor_name, from_status=from_status,
                                          to_status=to_status, comment=comment))
    SubmissionEvent.objects.bulk_create(events, batch_size=1000)
    return len(rows)


def _explanations(rng, schedule) -> int:
    """After the Q2 conference (12/7/2023): the late and silent units are asked to explain by 20/7."""
    period = Period(YEAR, PeriodKind.QUARTER, 2)
    result = services.explanation_request_create(
        actor=SYSTEM, schedule=schedule, period=period, due_date=dt.date(2023, 7, 20), today=dt.date(2023, 7, 12),
        now=_at(dt.date(2023, 7, 12), 16), source="demo")
    request = result.request
    rows = []
    for index, org in enumerate(sorted(result.added, key=lambda o: o.name_sort)):
        if index % 4 == 3:
            continue  # one in four does not even explain
        submitted = _at(dt.date(2023, 7, 14 + index % 9), 9 + index % 7)
        sub = Submission(organisation=org, schedule=request, period_code=period.code(),
                         narrative={"ly-do": "Cán bộ phụ trách báo cáo đi công tác dài ngày, việc bàn giao chưa kịp "
                                             "thời nên đơn vị gửi báo cáo chậm so với quy định.",
                                    "khac-phuc": "Đã phân công cán bộ dự phòng; từ quý III/2023 đơn vị gửi báo cáo "
                                                 "trước ngày 05 của tháng cuối quý."},
                         status=SubmissionStatus.ACCEPTED, submitted_at=submitted, last_submitted_at=submitted,
                         accepted_at=submitted + dt.timedelta(days=1))
        rows.append((sub, [("", SubmissionStatus.DRAFT, submitted - dt.timedelta(hours=3), ""),
                           (SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED, submitted, ""),
                           (SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED, submitted + dt.timedelta(days=1),
                            "")]))
    return _save(rows)


@transaction.atomic
def run(ctx) -> None:
    province = AdministrativeUnit.objects.get(era=Era.PRE_2025, level=Level.PROVINCE, code="62")
    district = AdministrativeUnit.objects.get(era=Era.PRE_2025, level=Level.DISTRICT, code=DEMO_DISTRICT)
    district_bcd = _org(district, OrgKind.STEERING_COMMITTEE)
    province_bcd = _org(province, OrgKind.STEERING_COMMITTEE)
    if district_bcd is None or province_bcd is None:
        ctx.say("Báo cáo mẫu: thiếu tổ chức mẫu (chạy bước accounts trước)")
        return
    district_schedule = _schedule(DISTRICT_SCHEDULE, district_bcd, [
        (OrgKind.PEOPLES_COMMITTEE, Level.DISTRICT, "UBND huyện"),
        (OrgKind.AGENCY, Level.DISTRICT, "Các cơ quan, ban, ngành huyện"),
        (OrgKind.FARMERS_UNION, Level.DISTRICT, "Các tổ chức chính trị - xã hội huyện"),
        (OrgKind.WOMENS_UNION, Level.DISTRICT, ""),
        (OrgKind.YOUTH_UNION, Level.DISTRICT, ""),
        (OrgKind.VETERANS_UNION, Level.DISTRICT, ""),
        (OrgKind.STEERING_COMMITTEE, Level.COMMUNE, "BCĐ Cuộc vận động các xã, thị trấn"),
    ])
    province_schedule = _schedule(PROVINCE_SCHEDULE, province_bcd, [
        (OrgKind.STEERING_COMMITTEE, Level.DISTRICT, "BCĐ Cuộc vận động các huyện, thành phố"),
        (OrgKind.AGENCY, Level.PROVINCE, "Các sở, ban, ngành tỉnh"),
        (OrgKind.FARMERS_UNION, Level.PROVINCE, "Các tổ chức chính trị - xã hội tỉnh"),
        (OrgKind.WOMENS_UNION, Level.PROVINCE, ""),
        (OrgKind.YOUTH_UNION, Level.PROVINCE, ""),
        (OrgKind.VETERANS_UNION, Level.PROVINCE, ""),
    ])
    if Submission.objects.filter(schedule__in=[district_schedule, province_schedule]).exists():
        return
    from .selectors import obligated_organisations

    made = 0
    prefills: dict = {}
    for schedule in (district_schedule, province_schedule):
        # 2023 obligations: the bodies of 2023, even those the 2025 switch-over ended since.
        orgs = sorted(obligated_organisations(schedule, Period(2023, PeriodKind.QUARTER, 1)),
                      key=lambda o: (o.unit.code, o.kind, o.name_sort))
        special: dict = {}
        offenders: set[int] = set()
        returned: set[tuple[int, int]] = set()
        if schedule is district_schedule:
            by_kind = {o.kind: o for o in orgs if o.unit_id == district.pk}
            communes = [o for o in orgs if o.unit.level == Level.COMMUNE]
            farmers, women = by_kind.get(OrgKind.FARMERS_UNION), by_kind.get(OrgKind.WOMENS_UNION)
            youth, agency = by_kind.get(OrgKind.YOUTH_UNION), by_kind.get(OrgKind.AGENCY)
            # Late again and again: the board's "repeat offenders".
            if youth:
                special.update({(youth.pk, 1): ("late", 4), (youth.pk, 2): ("missing", 0),
                                (youth.pk, 3): ("late", 9), (youth.pk, 4): ("late", 2)})
            if communes:
                last = communes[-1].pk
                special.update({(last, 1): ("missing", 0), (last, 2): ("late", 12), (last, 3): ("late", 5),
                                (last, 4): ("on_time", 1)})
            # Q2: due 07/06/2023. One minute after midnight counts as late, 23:59 is on time.
            q2_due = dt.date(YEAR, 6, 7)
            if farmers:
                special[(farmers.pk, 1)] = ("on_time", 3)
                special[(farmers.pk, 2)] = ("late", _at(q2_due + dt.timedelta(days=1), 0, 0))
                special[(farmers.pk, 3)] = ("on_time", 2)
                special[(farmers.pk, 4)] = ("on_time", 4)
                returned.add((farmers.pk, 3))
            if women:
                special[(women.pk, 2)] = ("on_time", _at(q2_due, 23, 59))
            if agency:
                returned.add((agency.pk, 1))
            for org in communes[:2]:
                returned.add((org.pk, 2))
            pending_q4 = {o.pk for o in orgs[:: 3]} | ({farmers.pk} if farmers else set())
        else:
            district_bcds = [o for o in orgs if o.unit.level == Level.DISTRICT]
            if district_bcds:
                offenders.add(district_bcds[0].pk)
            pending_q4 = {o.pk for o in orgs[:: 4]}
        plan = _plan(ctx.rng, orgs, offenders, special)
        made += _save(_build(ctx.rng, schedule, orgs, plan, returned, pending_q4, prefills))
    made += _explanations(ctx.rng, district_schedule)
    audit_record(actor=SYSTEM, action=AuditAction.IMPORT, source="demo", object_repr="Báo cáo định kỳ (dữ liệu mẫu)",
                 note=f"Tạo {made} báo cáo mẫu năm {YEAR}")
    ctx.say(f"Báo cáo định kỳ mẫu: {made}")
