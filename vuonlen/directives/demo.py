"""Demo: notices 87-TB/BCĐ (quý I/2023) and 103-TB/BCĐ (12/7/2023, quý II/2023) of the Kon Rẫy
district steering committee, with the tasks of seed 001, some progress, evidence, overdue work
and the carry-over of 87's unfinished tasks into 103.

Seed 001 is notice 103 itself; its tasks are encoded from its text, item by item. Notice 87 is
only named there ("chưa hoàn thành nhiệm vụ được giao tại Thông báo số 87-TB/BCĐ, ngày
30/3/2023"); its tasks here are illustrative, in the same spirit. Deterministic (no clock, no
randomness) and idempotent: a second run finds 103 and stops.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from vuonlen.accounts import demo as accounts_demo
from vuonlen.accounts import services as account_services
from vuonlen.accounts.models import Organisation, OrgKind
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.periods import VN_TZ
from vuonlen.core.text import fold
from vuonlen.documents.word import AdministrativeDocument
from vuonlen.geo.models import AdministrativeUnit, Era, Level

from . import services
from .models import DeadlineKind as DK
from .models import Document, DocumentKind, TaskState
from .models import ExpectedOutput as EO

CAMPAIGN = ("Cuộc vận động “Làm thay đổi nếp nghĩ, cách làm của đồng bào DTTS, làm cho đồng bào DTTS vươn lên "
            "thoát nghèo bền vững”")
VIA_FRONT = "gửi về Ban Chỉ đạo Cuộc vận động huyện (qua Ủy ban MTTQ Việt Nam huyện)"
RECIPIENTS = """BTV Huyện ủy (b/c),
UBND huyện,
BTGHU, BDVHU,
UBMTTQVN huyện,
Các TCCSĐ trực thuộc Huyện ủy,
Các cơ quan, ban, ngành huyện,
BCĐ CVĐ các xã, thị trấn,
Thành viên BCĐ CVĐ huyện,
Lưu VT."""
SIGNER = dict(signer_authority="PHÓ BÍ THƯ TT HUYỆN ỦY\nkiêm", signer_title="TRƯỞNG BAN",
              signer_name="Đinh Thị Mỹ Hảo")


def _at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=VN_TZ)


def _d(text: str) -> dt.date:
    day, month, year = (int(x) for x in text.split("/"))
    return dt.date(year, month, day)


class Orgs:
    """The organisations the notices address, by their role in the notice."""

    def __init__(self, district: AdministrativeUnit):
        def at(unit, kind):
            return Organisation.objects.filter(unit=unit, kind=kind).order_by("pk").first()

        self.district = district
        self.bcd = at(district, OrgKind.STEERING_COMMITTEE)
        self.front = at(district, OrgKind.FATHERLAND_FRONT)
        self.people = at(district, OrgKind.PEOPLES_COMMITTEE)
        self.ethnic = at(district, OrgKind.AGENCY)  # Phòng Dân tộc
        self.farmers = at(district, OrgKind.FARMERS_UNION)
        self.women = at(district, OrgKind.WOMENS_UNION)
        self.youth = at(district, OrgKind.YOUTH_UNION)
        self.veterans = at(district, OrgKind.VETERANS_UNION)
        self.mass_relations = _ensure_org(district, "Ban Dân vận Huyện ủy Kon Rẫy", "BDVHU", OrgKind.PARTY_COMMITTEE)
        communes = AdministrativeUnit.objects.filter(parent=district, level=Level.COMMUNE).order_by("name_sort")
        self.commune_bcd = [at(c, OrgKind.STEERING_COMMITTEE) for c in communes]
        self.commune_people = {c.code: at(c, OrgKind.PEOPLES_COMMITTEE) for c in communes}
        self.unions = [self.farmers, self.women, self.youth, self.veterans]
        self.district_units = [self.people, self.ethnic, *self.unions, self.mass_relations]


def _ensure_org(unit, name, short, kind) -> Organisation:
    found = Organisation.objects.filter(unit=unit, name_search=fold(name)).first()
    return found or account_services.organisation_create(actor=SYSTEM, name=name, kind=kind, unit=unit,
                                                         short_name=short, source="demo")


def _register(orgs: Orgs, number, date, period, title, follows=None) -> Document:
    return services.document_register(
        actor=SYSTEM, issuer=orgs.bcd, number=number, kind=DocumentKind.NOTICE, date=date, period=period,
        title=title, place="Kon Rẫy", follows=follows, party_layout=True, issuer_parent_name="HUYỆN ỦY KON RẪY",
        recipients=RECIPIENTS, source="demo", **SIGNER)


def _each(document, organisations, text, output, kind=DK.NONE, deadline=None):
    return services.tasks_create_each(actor=SYSTEM, document=document, organisations=organisations, text=text,
                                      expected_output=output, deadline_kind=kind, deadline=deadline, source="demo")


def _one(document, lead, text, output, kind=DK.NONE, deadline=None, coordinating=()):
    return services.task_create(actor=SYSTEM, document=document, lead=lead, coordinating=coordinating, text=text,
                                expected_output=output, deadline_kind=kind, deadline=deadline, source="demo")


def _evidence(org: Organisation, title: str, body: str, day: dt.date) -> SimpleUploadedFile:
    """A small report in the administrative layout, as the unit would attach it."""
    doc = AdministrativeDocument(issuer_parent="", issuer=org.name, number="", place="Kon Rẫy", date=day,
                                 title="BÁO CÁO", subtitle=title)
    doc.paragraph(body)
    doc.recipients(["Ban Chỉ đạo Cuộc vận động huyện (qua UBMTTQ Việt Nam huyện),", "Lưu VT."])
    doc.signature(f"TM. {org.name}", "", "")
    name = f"bao-cao-{fold(org.short_name or 'don-vi').replace(' ', '-').replace('&', '')}-{day:%Y%m%d}.docx"
    return SimpleUploadedFile(name, doc.to_bytes())


def _progress(task, org, state, at, text, evidence=None):
    task.refresh_from_db()
    return services.task_report_progress(actor=SYSTEM, task=task, organisation=org, progress=text, state=state,
                                         expected_version=task.version, at=at, files=[evidence] if evidence else [],
                                         source="demo")


def _notice_87(orgs: Orgs) -> Document:
    doc = _register(orgs, "87-TB/BCĐ", _d("30/3/2023"), "2023-Q1",
                    f"kết luận Hội nghị giao ban Ban Chỉ đạo {CAMPAIGN} huyện định kỳ quý I/2023")
    plans = _each(doc, orgs.commune_bcd,
                  f"Xây dựng Kế hoạch thực hiện Cuộc vận động năm 2023 của xã, thị trấn; {VIA_FRONT}",
                  EO.PLAN, DK.DATE, _d("20/4/2023"))
    pilots = _each(doc, orgs.unions,
                   "Lựa chọn thôn, làng và đăng ký xây dựng 01 mô hình điểm thực hiện Cuộc vận động năm 2023; "
                   f"danh sách {VIA_FRONT}", EO.LIST, DK.DATE, _d("30/4/2023"))
    tlung = orgs.commune_people.get(accounts_demo.DEMO_COMMUNE)
    garden = _one(doc, orgs.people, "Khảo sát, lựa chọn hộ gia đình xây dựng Mô hình “Nhà vườn kiểu mẫu của hộ "
                  "đồng bào DTTS” tại thôn 4, xã Đăk Tơ Lung", EO.EVENT, DK.MONTH, _d("1/5/2023"),
                  coordinating=[tlung] if tlung else [])
    households = _one(doc, orgs.ethnic, "Tổng hợp danh sách hộ DTTS nghèo, cận nghèo theo từng thôn, làng làm cơ "
                      "sở phân công cán bộ, đảng viên phụ trách hộ, nhóm hộ", EO.LIST, DK.DATE, _d("15/5/2023"))
    # Communes: the first four on time, the fifth late, the rest still at it (overdue).
    for i, (task, org) in enumerate(zip(plans, orgs.commune_bcd)):
        if i < 4:
            _progress(task, org, TaskState.DONE, _at(_d("18/4/2023"), 10 + i), "Đã ban hành Kế hoạch và gửi về "
                      "Ban Chỉ đạo huyện.")
        elif i == 4:
            _progress(task, org, TaskState.DONE, _at(_d("21/4/2023"), 0, 5), "Đã ban hành Kế hoạch (gửi chậm).")
        else:
            _progress(task, org, TaskState.IN_PROGRESS, _at(_d("19/4/2023")), "Đang dự thảo Kế hoạch, xin ý "
                      "kiến Đảng ủy xã.")
    farmers, women, youth, _veterans = pilots
    _progress(farmers, orgs.farmers, TaskState.DONE, _at(_d("28/4/2023"), 15),
              "Đăng ký mô hình điểm nuôi bò sinh sản tại làng Kon Bỉ, xã Đăk Tơ Lung.",
              _evidence(orgs.farmers, "đăng ký mô hình điểm năm 2023", "Hội Nông dân huyện đăng ký xây dựng mô "
                        "hình điểm nuôi bò sinh sản tại làng Kon Bỉ, xã Đăk Tơ Lung, 10 hộ tham gia.",
                        _d("28/4/2023")))
    _progress(women, orgs.women, TaskState.DONE, _at(_d("3/5/2023"), 8), "Đăng ký mô hình trồng rau an toàn.")
    _progress(youth, orgs.youth, TaskState.IN_PROGRESS, _at(_d("25/4/2023")), "Đang khảo sát 02 thôn.")
    _progress(garden, orgs.people, TaskState.DONE, _at(_d("31/5/2023"), 16, 30),
              "Đã khảo sát, chọn hộ ông A Blưk, thôn 4, xã Đăk Tơ Lung.")
    _progress(households, orgs.ethnic, TaskState.IN_PROGRESS, _at(_d("10/5/2023")),
              "Đã tổng hợp 5/7 xã, thị trấn.")
    return doc


def _laggards(orgs: Orgs, previous: Document) -> list[Organisation]:
    """Item 1's last bullet is for the units that reported late or not at all for quý II/2023
    (from the reporting room, when its demo ran first) and those with 87's tasks unfinished."""
    from vuonlen.core.periods import Period, PeriodKind

    from .integration import compliance_for

    summary = compliance_for(SYSTEM, Period(2023, PeriodKind.QUARTER, 2), orgs.district)
    found = [*summary.late, *summary.missing] if summary.has_data else []
    unfinished = Organisation.objects.filter(
        directive_tasks__task__document=previous,
        directive_tasks__task__state__in=[TaskState.NOT_STARTED, TaskState.IN_PROGRESS]).distinct()
    found += [org for org in unfinished.order_by("unit__level", "name_sort") if org not in found]
    return [org for org in found if org.pk != orgs.bcd.pk and org.unit.path.startswith(orgs.district.path)]


def _link_explanations(tasks: list) -> None:
    """Link the "báo cáo giải trình trước ngày 20/7/2023" tasks to the reporting room's
    explanation request for quý II/2023, when its demo made one: a unit whose explanation was
    sent and accepted has its task closed (on time or late by when it sent it)."""
    try:
        from vuonlen.reporting.models import ReportSchedule
    except ImportError:
        return
    request = ReportSchedule.objects.filter(explains__isnull=False, period_code="2023-Q2").order_by("pk").first()
    if request is None:
        return
    for task in tasks:
        task.refresh_from_db()
        services.task_link_report(actor=SYSTEM, task=task, schedule=request, expected_version=task.version,
                                  source="demo")


def _notice_103(orgs: Orgs, previous: Document) -> Document:
    doc = _register(orgs, "103-TB/BCĐ", _d("12/7/2023"), "2023-Q2",
                    f"kết luận Hội nghị giao ban Ban Chỉ đạo {CAMPAIGN} huyện định kỳ quý II/2023", follows=previous)
    # 1. Các TCCS Đảng, các cơ quan, ban, ngành cấp huyện và Ban Chỉ đạo Cuộc vận động các xã, thị trấn.
    item1 = orgs.district_units + orgs.commune_bcd
    _each(doc, item1, "Tiếp tục quán triệt, triển khai thực hiện có hiệu quả Kế hoạch số 26-KH/HU, ngày 22/4/2021 "
          "của Ban Thường vụ Huyện ủy về thực hiện Kết luận số 08-KL/TU, ngày 24/02/2021 của Ban Thường vụ Tỉnh ủy "
          "và Đề án của Ban Chỉ đạo huyện về triển khai thực hiện Cuộc vận động trên địa bàn huyện giai đoạn "
          "2021-2025; gắn với thực hiện Chỉ thị số 12-CT/TU, ngày 18/02/2022 và Chỉ thị số 13-CT/TU, ngày "
          "18/3/2022 của Ban Thường vụ Tỉnh ủy", EO.OTHER)
    _each(doc, item1, "Tiếp tục phát huy vai trò, trách nhiệm của cả hệ thống chính trị, nhất là người đứng đầu; "
          "nâng cao vai trò, trách nhiệm của cấp ủy viên phụ trách chi bộ, đảng viên phụ trách hộ, nhóm hộ; đẩy "
          "mạnh tuyên truyền, vận động theo 10 nội dung Sổ tay tuyên truyền Cuộc vận động bằng nhiều hình thức "
          "phù hợp", EO.OTHER)
    models_review = _each(
        doc, item1, "Tiếp tục duy trì hoạt động của các mô hình đã xây dựng và nhân rộng, mở rộng các mô hình có "
        "hiệu quả. Rà soát, báo cáo thống kê các mô hình không phát huy hiệu quả trên địa bàn, nêu rõ định hướng "
        f"và giải pháp chuyển đổi sang mô hình khác; hoàn thành, {VIA_FRONT}", EO.REPORT, DK.DATE, _d("31/7/2023"))
    laggards = _laggards(orgs, previous)
    explain = _each(doc, laggards, "Nghiêm túc chấn chỉnh, khắc phục việc chưa thực hiện nghiêm túc chế độ báo cáo định kỳ "
          "hằng quý (trước ngày 07 của tháng cuối quý) và chưa hoàn thành nhiệm vụ được giao tại Thông báo số "
          f"87-TB/BCĐ, ngày 30/3/2023; có báo cáo giải trình {VIA_FRONT}", EO.REPORT, DK.DATE, _d("20/7/2023"))
    # 2. Đảng ủy, BCĐ Cuộc vận động các xã, thị trấn.
    _each(doc, orgs.commune_bcd, "Căn cứ các chỉ tiêu được giao tại Công văn số 92-CV/BCĐ, ngày 26/4/2023 của Ban "
          "Chỉ đạo Cuộc vận động huyện và tình hình thực tế của địa phương, khẩn trương rà soát, bổ sung nội dung "
          "Kế hoạch thực hiện Cuộc vận động năm 2023, xác định các giải pháp cụ thể, phấn đấu hoàn thành các chỉ "
          "tiêu năm 2023 đã được giao", EO.PLAN)
    evaluations = _each(
        doc, orgs.commune_bcd, "Đánh giá sơ bộ kết quả thực hiện chỉ tiêu Cuộc vận động được giao (mốc thời gian "
        "đánh giá tính đến ngày 30/6/2023), mức độ thực hiện (tỷ lệ %) so với chỉ tiêu được giao tại Công văn số "
        f"92-CV/BCĐ, ngày 26/4/2023; hoàn thành, {VIA_FRONT}", EO.REPORT, DK.DATE, _d("31/7/2023"))
    _each(doc, orgs.commune_bcd, "Chủ động tổ chức trao đổi học tập kinh nghiệm trong việc triển khai Cuộc vận "
          "động, tham quan học tập mô hình giữa các địa phương; thúc đẩy việc tự giác học tập, noi theo các gương "
          "điển hình tiên tiến, các hộ DTTS có kinh nghiệm, cách làm hay, hiệu quả", EO.EVENT)
    # 3. Ủy ban MTTQ Việt Nam huyện.
    _one(doc, orgs.front, "Tiếp tục phát huy vai trò nòng cốt trong việc chủ trì, phối hợp triển khai sâu rộng "
         "Cuộc vận động gắn với Cuộc vận động “Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh”; tăng "
         "cường giám sát và phản biện xã hội về các vấn đề trong vùng đồng bào DTTS", EO.OTHER)
    _one(doc, orgs.front, "Tham mưu theo dõi, đôn đốc, hướng dẫn các cơ quan, đơn vị, địa phương triển khai các "
         "nhiệm vụ; báo cáo Thường trực BCĐ Cuộc vận động huyện các đơn vị chưa thực hiện nghiêm túc, chất lượng "
         "để phê bình, chấn chỉnh", EO.REPORT)
    # 4. UBND huyện.
    tlung = orgs.commune_people.get(accounts_demo.DEMO_COMMUNE)
    garden = _one(doc, orgs.people, "Đẩy nhanh tiến độ hoàn thiện Mô hình “Nhà vườn kiểu mẫu của hộ đồng bào DTTS” "
                  "tại thôn 4 - xã Đăk Tơ Lung đảm bảo chất lượng, hiệu quả; chủ trì tổ chức cho các địa phương, "
                  "đơn vị trên địa bàn huyện đến tham quan, học hỏi kinh nghiệm", EO.EVENT, DK.MONTH, _d("1/8/2023"),
                  coordinating=[tlung] if tlung else [])
    _one(doc, orgs.people, "Tiếp tục triển khai thực hiện Cuộc vận động theo Chương trình phối hợp số "
         "07/CTrPH-UBND-UBMTTQ, ngày 15/6/2021 giữa UBND huyện và Ủy ban MTTQ Việt Nam huyện; chỉ đạo Phòng Dân "
         "tộc thường xuyên theo dõi, đôn đốc và báo cáo tiến độ, kết quả thực hiện các nhiệm vụ được giao",
         EO.OTHER)
    coops = _one(doc, orgs.people, "Chủ trì tổ chức rà soát tình hình các tổ hợp tác, hợp tác xã đang hoạt động "
                 "trên địa bàn huyện; xây dựng kế hoạch phát triển tổ hợp tác, hợp tác xã và phối hợp tuyên truyền, "
                 "vận động đồng bào DTTS nghèo, cận nghèo tham gia; hoàn thành, báo cáo kết quả thực hiện về BCĐ "
                 "Cuộc vận động huyện (qua Ủy ban MTTQ Việt Nam huyện)", EO.PLAN, DK.DATE, _d("7/9/2023"))
    _one(doc, orgs.people, "Chủ trì, phối hợp với các cơ quan liên quan tham mưu chỉ đạo việc triển khai thực hiện "
         "Cuộc vận động gắn với Chỉ thị số 12-CT/TU, ngày 18/02/2022 của Ban Thường vụ Tỉnh ủy", EO.OTHER)
    # 5. Các tổ chức chính trị - xã hội huyện.
    members = _each(doc, orgs.unions, "Khẩn trương rà soát, thống kê số lượng hội viên, đoàn viên DTTS nghèo, cận "
                    "nghèo đơn vị quản lý; xác định các giải pháp, mục tiêu phấn đấu hỗ trợ cụ thể giúp hội viên, "
                    "đoàn viên thoát nghèo năm 2023; báo cáo kết quả rà soát về Ban Chỉ đạo Cuộc vận động huyện "
                    "(qua Ủy ban MTTQ Việt Nam huyện) để theo dõi, chỉ đạo", EO.LIST, DK.DATE, _d("31/7/2023"))
    # 6. Ban Dân vận Huyện ủy.
    _one(doc, orgs.mass_relations, "Chủ trì, phối hợp với các cơ quan liên quan tham mưu chỉ đạo việc triển khai "
         "thực hiện Cuộc vận động gắn với Chỉ thị số 13-CT/TU, ngày 18/3/2022 của Ban Thường vụ Tỉnh ủy về xóa bỏ "
         "các hủ tục, phong tục không còn phù hợp", EO.OTHER)

    # Carry-over: 87's unfinished tasks, their deadlines renewed by the secretariat (the originals
    # stay overdue in 87); standing instructions are not carried.
    unfinished = list(previous.tasks.exclude(state=TaskState.DONE).exclude(deadline_kind=DK.NONE))
    carried = services.tasks_carry_over(actor=SYSTEM, document=doc, tasks=unfinished, deadline_kind=DK.DATE,
                                        deadline=_d("31/8/2023"), source="demo")
    # The explanation reports fulfil item 1's last bullet: accepted ones close their tasks.
    _link_explanations(explain)

    # Progress on 103.
    by_org = dict(zip(item1, models_review))
    _progress(by_org[orgs.farmers], orgs.farmers, TaskState.DONE, _at(_d("28/7/2023"), 14),
              "Rà soát 06 mô hình; 01 mô hình nuôi dê không hiệu quả, đề xuất chuyển sang nuôi bò sinh sản.",
              _evidence(orgs.farmers, "rà soát các mô hình Cuộc vận động", "Hội Nông dân huyện đã rà soát 06 mô "
                        "hình; 05 mô hình phát huy hiệu quả, 01 mô hình nuôi dê tại thôn 2 không hiệu quả, đề xuất "
                        "chuyển đổi sang nuôi bò sinh sản.", _d("28/7/2023")))
    _progress(by_org[orgs.people], orgs.people, TaskState.DONE, _at(_d("31/7/2023"), 23, 59),
              "Đã gửi báo cáo rà soát mô hình (23 giờ 59 ngày 31/7/2023).")
    _progress(by_org[orgs.women], orgs.women, TaskState.DONE, _at(_d("1/8/2023"), 0, 0),
              "Đã gửi báo cáo rà soát mô hình (0 giờ ngày 01/8/2023, trễ hạn).")
    farmers, women, youth, _veterans = members
    _progress(farmers, orgs.farmers, TaskState.DONE, _at(_d("30/7/2023"), 9), "Đã rà soát: 214 hội viên DTTS "
              "nghèo, 97 cận nghèo; mục tiêu giúp 30 hộ thoát nghèo năm 2023.")
    _progress(women, orgs.women, TaskState.DONE, _at(_d("2/8/2023"), 10), "Đã rà soát, gửi danh sách (trễ hạn).")
    _progress(youth, orgs.youth, TaskState.IN_PROGRESS, _at(_d("26/7/2023")), "Đang tổng hợp từ các chi đoàn.")
    for i, (task, org) in enumerate(zip(evaluations, orgs.commune_bcd)):
        if i < 3:
            _progress(task, org, TaskState.DONE, _at(_d("29/7/2023"), 8 + i), "Đã gửi báo cáo đánh giá sơ bộ.")
        elif i == 3:
            _progress(task, org, TaskState.DONE, _at(_d("4/8/2023"), 8), "Đã gửi báo cáo đánh giá (trễ hạn).")
    _progress(garden, orgs.people, TaskState.DONE, _at(_d("25/8/2023"), 8),
              "Đã hoàn thiện mô hình; tổ chức tham quan cho 7 xã, thị trấn và các đoàn thể ngày 25/8/2023.")
    _progress(coops, orgs.people, TaskState.IN_PROGRESS, _at(_d("30/8/2023")), "Đã rà soát 12 tổ hợp tác, 5 hợp "
              "tác xã; đang xây dựng kế hoạch.")
    youth_copy = next((t for t in carried if t.assignments.filter(organisation=orgs.youth).exists()), None)
    if youth_copy is not None:
        _progress(youth_copy, orgs.youth, TaskState.DONE, _at(_d("18/7/2023")), "Đã đăng ký mô hình “Thanh niên "
                  "DTTS khởi nghiệp” tại làng Kon Keo (trễ hạn so với Thông báo 87).")
    return doc


@transaction.atomic
def run(ctx) -> None:
    district = AdministrativeUnit.objects.filter(era=Era.PRE_2025, level=Level.DISTRICT,
                                                 code=accounts_demo.DEMO_DISTRICT).first()
    if district is None:
        return
    orgs = Orgs(district)
    if orgs.bcd is None or orgs.people is None:
        return
    if Document.objects.filter(issuer=orgs.bcd, year=2023, number_key="103-TB/BCĐ").exists():
        return
    previous = Document.objects.filter(issuer=orgs.bcd, year=2023, number_key="87-TB/BCĐ").first() \
        or _notice_87(orgs)
    notice = _notice_103(orgs, previous)
    ctx.say(f"Văn bản chỉ đạo mẫu: {previous.number}, {notice.number} ({notice.tasks.count()} nhiệm vụ)")
