"""The draft conclusion notice (.docx) of a document, laid out like seed 001 (103-TB/BCĐ).

Header (issuing body, number, place and date), title, an opening paragraph, then:
1. the tasks of this document grouped by the organisations they are assigned to — tasks with
   the same text and deadline given to several organisations are written once, under all of
   them, as the notice itself does ("Các tổ chức chính trị - xã hội huyện: …");
2. the tasks of the previous notice that were not done by their deadline (carried over);
3. the units that did not report on time for the period (from the reporting room, when it is
   installed), asked for an explanation;
then "Nơi nhận", the signature block, and an appendix listing the units that reported on time.

The draft is for the secretariat to edit in Word: it fills what the data knows, in the
administrative layout (``vuonlen.documents.word``), and nothing it cannot know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils import timezone

from vuonlen.core.formats import format_date
from vuonlen.core.text import vi_sorted
from vuonlen.documents.word import AdministrativeDocument, Span, bold

from vuonlen.accounts.models import Organisation, OrgKind
from vuonlen.geo.models import Level

from . import integration, selectors
from .models import DeadlineKind, Document, Task, TaskStatus

_UNIT_PREFIX = re.compile(r"^(Tỉnh|Thành phố|Huyện|Thị xã|Quận|Xã|Phường|Thị trấn|Đặc khu)\s+", re.IGNORECASE)

STATUS_WORDS = {
    TaskStatus.OVERDUE: "quá hạn, chưa hoàn thành",
    TaskStatus.DONE_LATE: "đã hoàn thành nhưng trễ hạn",
    TaskStatus.IN_PROGRESS: "đang thực hiện",
    TaskStatus.NOT_STARTED: "chưa triển khai",
    TaskStatus.DONE_ON_TIME: "đã hoàn thành",
}


def place_of(document: Document) -> str:
    """The place on the date line: the register's, else the issuer's unit without its type
    ("Huyện Kon Rẫy" → "Kon Rẫy")."""
    if document.place:
        return document.place
    return _UNIT_PREFIX.sub("", document.issuer.unit.name)


@dataclass
class Item:
    """One bullet of the notice: a task text with its deadline, for one or more organisations."""

    text: str
    deadline_kind: str
    deadline_label: str
    organisations: list = field(default_factory=list)
    coordinating: list = field(default_factory=list)


@dataclass
class Section:
    organisations: list
    items: list[Item] = field(default_factory=list)
    label: str = ""

    @property
    def heading(self) -> str:
        return "Giao " + (self.label or ", ".join(org.name for org in self.organisations))


def addressee_label(organisations: list, area) -> str:
    """The addressees as a notice names them: when a list holds every organisation of one kind
    at commune level in the issuer's area ("Ban Chỉ đạo Cuộc vận động xã A, xã B, …, xã G"), it
    reads "Ban Chỉ đạo Cuộc vận động các xã, thị trấn" instead of seven names."""
    communal = [o for o in organisations if o.unit.level == Level.COMMUNE and o.unit.path.startswith(area.path)]
    collapsed: set[int] = set()
    for kind in sorted({o.kind for o in communal}):
        mine = {o.pk for o in communal if o.kind == kind}
        everyone = set(Organisation.objects.filter(kind=kind, is_active=True, unit__level=Level.COMMUNE,
                                                   unit__path__startswith=area.path).values_list("pk", flat=True))
        if len(mine) >= 2 and mine == everyone:
            collapsed |= mine
    names: list[str] = []
    for org in organisations:
        name = f"{OrgKind(org.kind).label} các xã, thị trấn" if org.pk in collapsed else org.name
        if name not in names:
            names.append(name)
    return ", ".join(names)


def sections_for(tasks: list[Task], area=None) -> list[Section]:
    """Tasks grouped as the notice writes them: identical tasks given separately to several
    organisations become one item; items with the same organisations share a section; sections
    and items keep the document's order."""
    items: dict[tuple, Item] = {}
    for task in tasks:
        assignments = list(task.assignments.all())
        lead = [a.organisation for a in assignments if a.is_lead]
        others = [a.organisation for a in assignments if not a.is_lead]
        if others:  # a task with coordinating units is its own item
            key = ("task", task.pk)
        else:
            key = ("text", task.text, task.deadline_kind, task.deadline)
        item = items.get(key)
        if item is None:
            item = items[key] = Item(task.text, task.deadline_kind, task.deadline_label)
        for org in lead:
            if org not in item.organisations:
                item.organisations.append(org)
        item.coordinating.extend(org for org in others if org not in item.coordinating)
    sections: dict[tuple, Section] = {}
    for item in items.values():
        key = tuple(org.pk for org in item.organisations)
        sections.setdefault(key, Section(list(item.organisations))).items.append(item)
    result = list(sections.values())
    if area is not None:
        for section in result:
            section.label = addressee_label(section.organisations, area)
    return result


def _item_spans(item: Item) -> list:
    text = item.text.rstrip()
    spans: list = [text]
    if item.coordinating:
        spans.append(f" (phối hợp: {', '.join(org.name for org in item.coordinating)})")
    if item.deadline_kind == DeadlineKind.NONE:
        if not text.endswith((".", ";", ":")):
            spans.append(".")
        return spans
    spans.append(". Thời hạn: " if not text.endswith((".", ";", ":")) else " Thời hạn: ")
    spans.append(bold(f"{item.deadline_label}."))
    return spans


@dataclass
class PreviousTask:
    task: Task  # the original, in the previous notice
    status: TaskStatus  # of its newest copy (carried over) or of itself
    carried: Task | None


def previous_unfinished(user, document: Document) -> list[PreviousTask]:
    """The previous notice's tasks not done by their deadline (overdue, or done late since),
    each with its copy in this document when carried over."""
    if document.follows_id is None:
        return []
    now = timezone.now()
    previous = [t for t in selectors.document_tasks(user, document.follows) if t.deadline is not None]
    copies = {t.carried_from_id: t for t in selectors.document_tasks(user, document) if t.carried_from_id}
    rows = []
    for task in previous:
        copy = copies.get(task.pk)
        status = (copy or task).status(now)
        if task.status(now) in (TaskStatus.OVERDUE, TaskStatus.DONE_LATE) or status in (
                TaskStatus.OVERDUE, TaskStatus.DONE_LATE):
            rows.append(PreviousTask(task, status, copy))
    return rows


def _doc_ref(document: Document) -> str:
    return f"{document.get_kind_display()} số {document.number}, ngày {format_date(document.date)}"


def build_notice(user, document: Document) -> AdministrativeDocument:
    tasks = [t for t in selectors.document_tasks(user, document) if t.carried_from_id is None]
    period = document.period_obj
    period_label = period.label().replace("Quý", "quý") if period else ""
    doc = AdministrativeDocument(
        issuer_parent=document.issuer_parent_name or (document.issuer.parent.name if document.issuer.parent else ""),
        issuer=document.issuer.name, number=document.number, place=place_of(document), date=document.date,
        title=document.get_kind_display(), subtitle=document.title, party=document.party_layout,
    )
    meeting = f" định kỳ {period_label}" if period_label else ""
    doc.paragraph(
        f"Tại Hội nghị giao ban {document.issuer.name}{meeting} (ngày {format_date(document.date)}), "
        f"Thường trực {document.issuer.name} chủ trì Hội nghị kết luận, giao nhiệm vụ như sau:")

    for section in sections_for(tasks, document.issuer.unit):
        doc.heading(f"{section.heading}:")
        for item in section.items:
            doc.bullet(_item_spans(item))

    previous = previous_unfinished(user, document)
    if previous:
        doc.heading(f"Các nhiệm vụ chưa hoàn thành đúng hạn theo {_doc_ref(document.follows)}:")
        for row in previous:
            names = ", ".join(a.organisation.name for a in row.task.assignments.all())
            spans: list = [f"{names}: {row.task.text.rstrip().rstrip('.')} (thời hạn {row.task.deadline_label}) — ",
                           Span(STATUS_WORDS[row.status], italic=True)]
            if row.carried is not None and row.carried.status() not in (TaskStatus.DONE_ON_TIME,
                                                                          TaskStatus.DONE_LATE):
                spans.append(f"; tiếp tục thực hiện, thời hạn {row.carried.deadline_label}")
            spans.append(".")
            doc.bullet(spans)
        doc.paragraph("Đề nghị các cơ quan, đơn vị nêu trên nghiêm túc chấn chỉnh, khắc phục, hoàn thành "
                      "các nhiệm vụ còn tồn đọng.")

    compliance = integration.compliance_for(user, period, document.issuer.unit) if period else None
    if compliance is not None and compliance.has_data:
        if compliance.late or compliance.missing:
            doc.heading(f"Về chế độ báo cáo định kỳ {period_label}:")
            if compliance.late:
                doc.bullet(["Các cơ quan, đơn vị gửi báo cáo trễ hạn: ",
                            ", ".join(org.name for org in compliance.late), "."])
            if compliance.missing:
                doc.bullet(["Các cơ quan, đơn vị chưa gửi báo cáo: ",
                            ", ".join(org.name for org in compliance.missing), "."])
            doc.paragraph(f"Đề nghị các cơ quan, đơn vị nêu trên có báo cáo giải trình, gửi về Thường trực "
                          f"{document.issuer.name}. Danh sách các cơ quan, đơn vị, địa phương đã có báo cáo "
                          f"định kỳ {period_label} đúng hạn gửi kèm theo {document.get_kind_display()} này.")

    recipients = document.recipients.splitlines() if document.recipients else _default_recipients(tasks)
    doc.recipients(recipients)
    authority = document.signer_authority or ("T/M BAN CHỈ ĐẠO" if document.party_layout else "TM. BAN CHỈ ĐẠO")
    doc.signature(authority, document.signer_title or "TRƯỞNG BAN", document.signer_name)

    if period:
        doc.appendix(f"Danh sách các cơ quan, đơn vị, địa phương đã có báo cáo định kỳ {period_label} đúng hạn",
                     f"(Kèm theo {_doc_ref(document)} của {document.issuer.name})")
        if compliance is not None and compliance.has_data and compliance.on_time:
            doc.table(["STT", "Cơ quan, đơn vị, địa phương", "Địa bàn"],
                      [[str(i), org.name, org.unit.name] for i, org in enumerate(compliance.on_time, 1)],
                      widths_mm=[15, 100, 50], align=["center", "left", "left"])
        elif compliance is not None and compliance.has_data:
            doc.paragraph("Không có cơ quan, đơn vị nào gửi báo cáo đúng hạn.", indent=False, align="center")
        else:
            doc.paragraph(f"(Chưa có số liệu về báo cáo định kỳ {period_label} trong hệ thống.)", indent=False,
                          align="center", italic=True)
    return doc


def _default_recipients(tasks: list[Task]) -> list[str]:
    names = []
    for task in tasks:
        for assignment in task.assignments.all():
            name = assignment.organisation.name
            if name not in names:
                names.append(name)
    return [f"{name}," for name in vi_sorted(names)] + ["Lưu VT."]


def notice_filename(document: Document) -> str:
    """"du-thao-103-TB-BCD.docx": ASCII, no slash."""
    from vuonlen.core.text import fold

    safe = re.sub(r"[^A-Za-z0-9-]+", "-", fold(document.number).upper()).strip("-")
    return f"du-thao-{safe}.docx"
