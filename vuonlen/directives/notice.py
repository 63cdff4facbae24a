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
from django.utils.translation import gettext

from vuonlen.accounts.models import Organisation, OrgKind
from vuonlen.core.formats import format_date, format_number
from vuonlen.core.text import vi_sorted
from vuonlen.documents.word import AdministrativeDocument, bold
from vuonlen.geo.models import Level

from . import integration, selectors
from .models import DeadlineKind, Document, Task, TaskState, TaskStatus, compute_status

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


@dataclass
class PreviousTask:
    task: Task  # the original, in the previous notice
    status: TaskStatus  # of the chain against the original deadline
    carried: Task | None


def previous_unfinished(user, document: Document) -> list[PreviousTask]:
    """The previous notice's tasks not done by their deadline (overdue, or done late since —
    by the original itself or by its copy here), each with its copy in this document when
    carried over. Standing instructions have no deadline and are never listed."""
    if document.follows_id is None:
        return []
    now = timezone.now()
    previous = [t for t in selectors.document_tasks(user, document.follows) if t.deadline is not None]
    copies = {t.carried_from_id: t for t in selectors.document_tasks(user, document) if t.carried_from_id}
    rows = []
    for task in previous:
        copy = copies.get(task.pk)
        own = task.status(now)
        if copy is not None and own == TaskStatus.OVERDUE and copy.state == TaskState.DONE:
            # Done since, through its copy: judged against the deadline it was given first.
            status = compute_status(state=TaskState.DONE, deadline=task.deadline, completed_at=copy.completed_at,
                                    now=now)
        else:
            status = own
        if status in (TaskStatus.OVERDUE, TaskStatus.DONE_LATE):
            rows.append(PreviousTask(task, status, copy))
    return rows


def _doc_ref(document: Document) -> str:
    return f"{document.get_kind_display()} số {document.number}, ngày {format_date(document.date)}"


# --- the draft: what the notice says, editable in the browser before the .docx / PDF -------

HEADING, BULLET, PARAGRAPH = "heading", "bullet", "paragraph"
TEXT_MAX = 5000  # characters per block of the editable preview
BLOCKS_MAX = 400


@dataclass
class Block:
    """One line of the notice body: a numbered heading, a "- " item, or a paragraph. ``tail`` is
    written in bold after the text (an item's deadline, "trước ngày 31/7/2023.")."""

    kind: str
    text: str
    tail: str = ""


@dataclass
class NoticeDraft:
    blocks: list[Block]
    recipients: list[str]
    signer_authority: str
    signer_title: str
    signer_name: str
    appendix_title: str = ""
    appendix_note: str = ""
    appendix_rows: list[list[str]] | None = None  # None: no data; []: nobody on time
    appendix_empty: str = ""


def _item_block(item: Item) -> Block:
    text = item.text.rstrip()
    if item.coordinating:
        text += f" (phối hợp: {', '.join(org.name for org in item.coordinating)})"
    if item.deadline_kind == DeadlineKind.NONE:
        return Block(BULLET, text if text.endswith((".", ";", ":")) else text + ".")
    text += ". Thời hạn:" if not text.endswith((".", ";", ":")) else " Thời hạn:"
    return Block(BULLET, text, f"{item.deadline_label}.")


def _previous_blocks(rows: list[PreviousTask], area) -> list[Block]:
    """The previous notice's unfinished tasks, a task given to several units written once with
    all of them (and every commune's committee as "… các xã, thị trấn")."""
    groups: dict[tuple, list[PreviousTask]] = {}
    for row in rows:
        carried = row.carried if row.carried is not None and row.carried.state != TaskState.DONE else None
        key = (row.task.text.rstrip().rstrip("."), row.task.deadline_label, row.status,
               carried.deadline_label if carried else None)
        groups.setdefault(key, []).append(row)
    blocks = []
    for (text, old, status, new), members in groups.items():
        organisations = []
        for row in members:
            for assignment in row.task.assignments.all():
                if assignment.organisation not in organisations:
                    organisations.append(assignment.organisation)
        names = addressee_label(organisations, area) if area is not None else ", ".join(o.name for o in organisations)
        line = f"{names}: {text} (thời hạn {old}) — {STATUS_WORDS[status]}"
        if new is not None:
            line += "; tiếp tục thực hiện, thời hạn:"
            blocks.append(Block(BULLET, line, f"{new}."))
        else:
            blocks.append(Block(BULLET, line + "."))
    return blocks


def notice_draft(user, document: Document) -> NoticeDraft:
    """What the draft notice of ``document`` says, from the data: the secretariat may edit it
    in the browser before it becomes a .docx or a PDF."""
    every_task = selectors.document_tasks(user, document)
    tasks = [t for t in every_task if t.carried_from_id is None]  # carried ones: under the previous notice
    period = document.period_obj
    period_label = period.label().replace("Quý", "quý") if period else ""
    area = document.issuer.unit
    meeting = f" định kỳ {period_label}" if period_label else ""
    blocks = [Block(PARAGRAPH,
                    f"Tại Hội nghị giao ban {document.issuer.name}{meeting} (ngày {format_date(document.date)}), "
                    f"Thường trực {document.issuer.name} chủ trì Hội nghị kết luận, giao nhiệm vụ như sau:")]
    for section in sections_for(tasks, area):
        blocks.append(Block(HEADING, f"{section.heading}:"))
        blocks.extend(_item_block(item) for item in section.items)

    previous = previous_unfinished(user, document)
    if previous:
        blocks.append(Block(HEADING, f"Các nhiệm vụ chưa hoàn thành đúng hạn theo {_doc_ref(document.follows)}:"))
        blocks.extend(_previous_blocks(previous, area))
        blocks.append(Block(PARAGRAPH, "Đề nghị các cơ quan, đơn vị nêu trên nghiêm túc chấn chỉnh, khắc phục, "
                                       "hoàn thành các nhiệm vụ còn tồn đọng."))

    compliance = integration.compliance_for(user, period, area) if period else None

    def others(organisations):  # the issuing committee never lists itself
        return [org for org in organisations if org.pk != document.issuer_id]

    late = others(compliance.late) if compliance else []
    missing = others(compliance.missing) if compliance else []
    on_time = others(compliance.on_time) if compliance else []
    if compliance is not None and compliance.has_data and (late or missing):
        blocks.append(Block(HEADING, f"Về chế độ báo cáo định kỳ {period_label}:"))
        if late:
            blocks.append(Block(BULLET, f"Các cơ quan, đơn vị gửi báo cáo trễ hạn: {', '.join(o.name for o in late)}."))
        if missing:
            blocks.append(Block(BULLET, f"Các cơ quan, đơn vị chưa gửi báo cáo: {', '.join(o.name for o in missing)}."))
        blocks.append(Block(PARAGRAPH,
                            f"Đề nghị các cơ quan, đơn vị nêu trên có báo cáo giải trình, gửi về Thường trực "
                            f"{document.issuer.name}. Danh sách các cơ quan, đơn vị, địa phương đã có báo cáo "
                            f"định kỳ {period_label} đúng hạn gửi kèm theo {document.get_kind_display()} này."))

    draft = NoticeDraft(
        blocks=blocks,
        recipients=[line for line in document.recipients.splitlines() if line.strip()] if document.recipients
        else _default_recipients(every_task),
        signer_authority=document.signer_authority or ("T/M BAN CHỈ ĐẠO" if document.party_layout
                                                       else "TM. BAN CHỈ ĐẠO"),
        signer_title=document.signer_title or "TRƯỞNG BAN", signer_name=document.signer_name,
    )
    if period:
        draft.appendix_title = (f"Danh sách các cơ quan, đơn vị, địa phương đã có báo cáo định kỳ {period_label} "
                                "đúng hạn")
        draft.appendix_note = f"(Kèm theo {_doc_ref(document)} của {document.issuer.name})"
        if compliance is not None and compliance.has_data:
            draft.appendix_rows = [[str(i), org.name, org.unit.name] for i, org in enumerate(on_time, 1)]
            draft.appendix_empty = "Không có cơ quan, đơn vị nào gửi báo cáo đúng hạn."
        else:
            draft.appendix_empty = f"(Chưa có số liệu về báo cáo định kỳ {period_label} trong hệ thống.)"
    return draft


def build_notice(user, document: Document, draft: NoticeDraft | None = None) -> AdministrativeDocument:
    """The notice as a Word document, from ``draft`` (as edited in the preview) or the data."""
    draft = draft or notice_draft(user, document)
    doc = AdministrativeDocument(
        issuer_parent=document.issuer_parent_name or (document.issuer.parent.name if document.issuer.parent else ""),
        issuer=document.issuer.name, number=document.number, place=place_of(document), date=document.date,
        title=document.get_kind_display(), subtitle=document.title, party=document.party_layout,
    )
    for block in draft.blocks:
        spans: list = [block.text]
        if block.tail:
            spans += [" ", bold(block.tail)]
        if block.kind == HEADING:
            doc.heading(spans)
        elif block.kind == BULLET:
            doc.bullet(spans)
        else:
            doc.paragraph(spans)
    doc.recipients(draft.recipients)
    doc.signature(draft.signer_authority, draft.signer_title, draft.signer_name)
    if draft.appendix_title:
        doc.appendix(draft.appendix_title, draft.appendix_note)
        if draft.appendix_rows:
            doc.table(["STT", "Cơ quan, đơn vị, địa phương", "Địa bàn"], draft.appendix_rows,
                      widths_mm=[15, 100, 50], align=["center", "left", "left"])
        else:
            doc.paragraph(draft.appendix_empty, indent=False, align="center",
                          italic=draft.appendix_rows is None)
    return doc


def draft_from_post(base: NoticeDraft, data) -> tuple[NoticeDraft, dict[str, list[str]]]:
    """The draft as the secretariat edited it in the preview. The kinds of the blocks come from
    ``base`` (the server's own draft), only their text from the form; an emptied block is left
    out. Returns the draft and the problems (every one at once)."""
    from vuonlen.core.text import nfc

    errors: dict[str, list[str]] = {}
    blocks = []
    for index, block in enumerate(base.blocks):
        text = nfc(data.get(f"text-{index}", block.text)).strip()
        tail = nfc(data.get(f"tail-{index}", block.tail)).strip() if block.tail else ""
        if len(text) > TEXT_MAX or len(tail) > TEXT_MAX:
            errors.setdefault(f"text-{index}", []).append(
                gettext("Đoạn %(n)d dài quá %(max)s ký tự.") % {"n": index + 1, "max": format_number(TEXT_MAX)})
        if text or tail:
            blocks.append(Block(block.kind, text, tail))
    raw_recipients = str(data.get("recipients", "\n".join(base.recipients)))
    if len(raw_recipients) > TEXT_MAX:
        errors.setdefault("recipients", []).append(
            gettext("Nơi nhận dài quá %(max)s ký tự.") % {"max": format_number(TEXT_MAX)})
    recipients = [nfc(line).strip() for line in raw_recipients.splitlines()]
    recipients = [line for line in recipients if line][:100]
    fields = {}
    for name in ("signer_authority", "signer_title", "signer_name"):
        value = nfc(str(data.get(name, getattr(base, name)))).strip()
        if len(value) > 200:
            errors.setdefault(name, []).append(gettext("Dòng ký tên dài quá 200 ký tự."))
        fields[name] = value
    if not blocks:
        errors.setdefault("__all__", []).append(gettext("Dự thảo không còn nội dung nào."))
    draft = NoticeDraft(blocks=blocks, recipients=recipients, appendix_title=base.appendix_title,
                        appendix_note=base.appendix_note, appendix_rows=base.appendix_rows,
                        appendix_empty=base.appendix_empty, **fields)
    return draft, errors


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


def numbered_blocks(draft: NoticeDraft) -> list[dict]:
    """The blocks with the numbers the headings get ("1.", "2." …), for the preview and the PDF."""
    rows, number = [], 0
    for block in draft.blocks:
        if block.kind == HEADING:
            number += 1
        rows.append({"kind": block.kind, "text": block.text, "tail": block.tail,
                     "number": f"{number}." if block.kind == HEADING else ""})
    return rows


def notice_html(document: Document, draft: NoticeDraft) -> str:
    """The notice as a printable page (A4, Nghị định 30/2020 margins) for the PDF."""
    from django.template.loader import render_to_string

    from vuonlen.core.print_fonts import font_faces
    from vuonlen.documents.word import date_line, number_line

    parent = document.issuer_parent_name or (document.issuer.parent.name if document.issuer.parent else "")
    return render_to_string("directives/notice_print.html", {
        "document": document, "draft": draft, "blocks": numbered_blocks(draft), "parent": parent,
        "number_line": number_line(document.number, party=document.party_layout),
        "date_line": date_line(place_of(document), document.date),
        "font_faces": font_faces(),
    })


def notice_pdf(document: Document, draft: NoticeDraft) -> bytes:
    from vuonlen.core import pdf

    return pdf.html_to_pdf(notice_html(document, draft))


def pdf_filename(document: Document) -> str:
    return notice_filename(document).removesuffix(".docx") + ".pdf"
