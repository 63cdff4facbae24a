"""Word (.docx) documents in the Vietnamese administrative layout.

The layout is that of Nghị định 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư:
Điều 8 (thể thức văn bản: the parts every document has), Điều 9 (kỹ thuật trình bày) and
Phụ lục I (thể thức, kỹ thuật trình bày văn bản hành chính), whose rules this module follows:

- paper A4, portrait; margins top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm
  (Phụ lục I, phần I, mục 2–3); we use 20 / 20 / 30 / 15 mm, the most common setting;
- Times New Roman, Unicode (TCVN 6909:2001), black (phần I, mục 4–5);
- page numbers centred in the top margin, not on the first page (phần I, mục 6);
- ô 1 Quốc hiệu và Tiêu ngữ top right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" upper case
  size 12–13 bold, "Độc lập - Tự do - Hạnh phúc" size 13–14 bold with a line below as long
  as the words (phần II, mục 1);
- ô 2 tên cơ quan ban hành top left: the parent body (cơ quan chủ quản) upper case regular,
  the issuing body upper case bold, a short line below, 1/3–1/2 of the text (mục 2);
- ô 3 "Số: …/…" size 13 under the issuing body (mục 3); ô 4 địa danh, ngày tháng năm in
  italics under the motto, days below 10 and months below 3 with a leading zero (mục 4);
- ô 5 tên loại văn bản upper case bold and trích yếu bold, centred, with a short line
  below (mục 5);
- ô 6 body size 13–14, justified, first line indented 1–1.27 cm, at least 6 pt between
  paragraphs, single to 1.5 line spacing (mục 6);
- ô 7 chức vụ người ký upper case bold, the name bold, bottom right (mục 7);
- ô 9 "Nơi nhận:" bold italic size 12, each recipient on its own line from "-", size 11,
  bottom left, beside the signature (mục 9);
- phụ lục on a new page, "PHỤ LỤC" and its name centred bold, the document it belongs to
  in italics below (phần III, mục 1).

Party documents (a steering committee under a party committee, such as 103-TB/BCĐ of seed
001) follow Hướng dẫn 36-HD/VPTW ngày 03/4/2018 của Văn phòng Trung ương Đảng instead:
"ĐẢNG CỘNG SẢN VIỆT NAM" top right (upper case, bold, underlined), a star "*" under the
issuing body, "Số 103-TB/BCĐ" without a colon, "T/M" in the signature and "Nơi nhận:"
underlined. ``party=True`` switches the header and these details; the rest is shared.

Typical use::

    doc = AdministrativeDocument(issuer_parent="HUYỆN ỦY KON RẪY", issuer="BAN CHỈ ĐẠO CUỘC VẬN ĐỘNG",
                                 number="103-TB/BCĐ", place="Kon Rẫy", date=dt.date(2023, 7, 12),
                                 title="THÔNG BÁO", subtitle="kết luận Hội nghị giao ban …", party=True)
    doc.paragraph("Tại Hội nghị …")
    doc.heading("Các TCCS Đảng, …")
    doc.bullet(["Rà soát …", bold("trước ngày 31/7/2023.")])
    doc.recipients(["BTV Huyện ủy (b/c),", "Lưu VT."])
    doc.signature("T/M BAN CHỈ ĐẠO", "TRƯỞNG BAN", "Đinh Thị Mỹ Hảo")
    doc.appendix("DANH SÁCH CÁC ĐƠN VỊ ĐÃ BÁO CÁO")
    doc.table(["STT", "Đơn vị"], [["1", "Hội Nông dân huyện"]])
    content = doc.to_bytes()
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from os import PathLike
from typing import BinaryIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from vuonlen.core.responses import DOCX

__all__ = [
    "AdministrativeDocument", "Span", "bold", "italic", "date_line", "number_line", "DOCX_CONTENT_TYPE",
]

DOCX_CONTENT_TYPE = DOCX
FONT = "Times New Roman"
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"
PARTY_TITLE = "ĐẢNG CỘNG SẢN VIỆT NAM"

# Phụ lục I, phần I, mục 3: margins (mm).
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20, 20, 30, 15
PAGE_WIDTH_MM = 210
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT - MARGIN_RIGHT  # 165 mm
# The header's two columns (ô 2–3 | ô 1–4): the national title needs the wider one; the
# party title is shorter, the party issuer's name (size 14) longer.
STATE_COLUMNS_MM = (69, TEXT_WIDTH_MM - 69)
PARTY_COLUMNS_MM = (82, TEXT_WIDTH_MM - 82)

_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
# Elements that must follow <w:pBdr> in <w:pPr>, and <w:tblBorders> in <w:tblPr> (ECMA-376):
# Word refuses a file whose properties are out of order, LibreOffice does not care.
_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
               "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
               "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
               "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
               "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_AFTER_TBLBORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
                     "w:tblPrChange")
_ROMAN = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]


@dataclass(frozen=True)
class Span:
    """A piece of text with its own emphasis inside a paragraph (e.g. a deadline in bold)."""

    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False


def bold(text: str) -> Span:
    return Span(str(text), bold=True)


def italic(text: str) -> Span:
    return Span(str(text), italic=True)


Parts = str | Span | Sequence[str | Span]


def _spans(parts: Parts) -> list[Span]:
    if isinstance(parts, (str, Span)):
        parts = [parts]
    return [p if isinstance(p, Span) else Span(str(p)) for p in parts]


def date_line(place: str, date: dt.date) -> str:
    """"Kon Rẫy, ngày 05 tháng 01 năm 2024": day below 10 and month below 3 with a leading zero
    (Phụ lục I, phần II, mục 4.b), so nobody can add a digit to a signed date."""
    day = f"{date.day:02d}"
    month = f"{date.month:02d}" if date.month < 3 else str(date.month)
    return f"{place}, ngày {day} tháng {month} năm {date.year}"


def number_line(number: str, *, party: bool = False) -> str:
    """"Số: 12/TB-UBND" (Phụ lục I, phần II, mục 3) or the party form "Số 103-TB/BCĐ"."""
    if not number:
        return "Số:      /" if not party else "Số      -"
    return f"Số {number}" if party else f"Số: {number}"


class AdministrativeDocument:
    """One document: header, title, body, closing (Nơi nhận + signature), appendices.

    Calls append in order; ``recipients`` and ``signature`` may come in any order and are laid
    out side by side when the document is saved or an appendix starts.
    """

    def __init__(self, issuer_parent: str = "", issuer: str = "", number: str = "", place: str = "",
                 date: dt.date | None = None, title: str = "", subtitle: str = "", party: bool = False, *,
                 font_size: int = 14, roman_headings: bool = False):
        self.issuer_parent = issuer_parent
        self.issuer = issuer
        self.number = number
        self.place = place
        self.date = date
        self.title = title
        self.subtitle = subtitle
        self.party = party
        self.font_size = font_size
        # Heading numbers per level: with roman_headings "I.", "1.", "a)"; else "1.", "a)", "-".
        self._styles = ["roman", "arabic", "alpha"] if roman_headings else ["arabic", "alpha", "dash"]
        self._counters = [0, 0, 0]
        self._recipients: list[str] | None = None
        self._signature: tuple[str, str, str] | None = None
        self._closed = False
        self._document = Document()
        self._setup_page()
        self._setup_styles()
        self._header()
        self._title()

    # --- page and styles --------------------------------------------------------------
    def _setup_page(self) -> None:
        section = self._document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(MARGIN_TOP), Mm(MARGIN_BOTTOM)
        section.left_margin, section.right_margin = Mm(MARGIN_LEFT), Mm(MARGIN_RIGHT)
        section.header_distance = Mm(10)
        section.footer_distance = Mm(10)
        # Page numbers centred in the top margin, none on the first page (Phụ lục I, phần I, mục 6).
        section.different_first_page_header_footer = True
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._page_field(paragraph)

    def _page_field(self, paragraph) -> None:
        """A PAGE field, one run per part as Word writes it: begin, instruction, separator,
        the cached number, end."""
        def run_with(element):
            run = paragraph.add_run()
            self._font(run, size=self.font_size)
            run._r.append(element)

        for kind in ("begin", "instr", "separate", "text", "end"):
            if kind == "instr":
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = " PAGE "
            elif kind == "text":
                element = OxmlElement("w:t")
                element.text = "2"
            else:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            run_with(element)

    def _setup_styles(self) -> None:
        normal = self._document.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(self.font_size)
        rpr = normal.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT)
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
        lang.set(qn("w:val"), "vi-VN")
        fmt = normal.paragraph_format
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        fmt.line_spacing = 1.0

    @staticmethod
    def _font(run, *, size: float | None = None, bold: bool = False, italic: bool = False,
              underline: bool = False) -> None:
        run.font.name = FONT
        rpr = run._r.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT)
        if size:
            run.font.size = Pt(size)
        run.font.bold = bold or None
        run.font.italic = italic or None
        run.font.underline = underline or None

    def _line(self, container, text: Parts = "", *, size: float | None = None, bold: bool = False,
              italic: bool = False, underline: bool = False, align: str = "center", space_after: float = 0,
              space_before: float = 0):
        """A paragraph in ``container`` (the body or a table cell) with one formatting."""
        paragraph = container.add_paragraph()
        paragraph.alignment = _ALIGN[align]
        fmt = paragraph.paragraph_format
        fmt.space_after, fmt.space_before = Pt(space_after), Pt(space_before)
        fmt.first_line_indent = Cm(0)
        for span in _spans(text):
            run = paragraph.add_run(span.text)
            self._font(run, size=size or self.font_size, bold=bold or span.bold, italic=italic or span.italic,
                       underline=underline or span.underline)
        return paragraph

    def _rule(self, container, *, width_mm: float, column_mm: float) -> None:
        """A short solid line centred in a column: a bottom border on a tiny empty paragraph
        indented from both sides (the decree asks for a drawn line, not underlined text)."""
        paragraph = container.add_paragraph()
        side = max((column_mm - width_mm) / 2, 0)
        fmt = paragraph.paragraph_format
        fmt.left_indent, fmt.right_indent = Mm(side), Mm(side)
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(3)
        fmt.first_line_indent = Cm(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(4)
        ppr = paragraph._p.get_or_add_pPr()
        mark = OxmlElement("w:rPr")  # the paragraph mark's own size, so the empty line stays thin
        size = OxmlElement("w:sz")
        size.set(qn("w:val"), "4")
        mark.append(size)
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
            bottom.set(qn(key), value)
        borders.append(bottom)
        # Schema order matters to Word (not to LibreOffice): pBdr after numPr, rPr near the end.
        ppr.insert_element_before(borders, *_AFTER_PBDR)
        ppr.insert_element_before(mark, "w:sectPr", "w:pPrChange")

    # --- header (ô 1–4) and title (ô 5) -------------------------------------------------
    def _header(self) -> None:
        left_mm, right_mm = PARTY_COLUMNS_MM if self.party else STATE_COLUMNS_MM
        table = self._plain_table(1, 2, [left_mm, right_mm])
        left, right = table.rows[0].cells
        left.paragraphs[0]._p.getparent().remove(left.paragraphs[0]._p)
        right.paragraphs[0]._p.getparent().remove(right.paragraphs[0]._p)
        size = 14 if self.party else 13
        if self.issuer_parent:
            self._line(left, self.issuer_parent.upper(), size=size)
        self._line(left, self.issuer.upper(), size=size, bold=True)
        if self.party:
            self._line(left, "*", size=size)
        else:
            self._rule(left, width_mm=24, column_mm=left_mm)
        self._line(left, number_line(self.number, party=self.party), size=13 if not self.party else 14,
                   space_before=4)
        if self.party:
            self._line(right, PARTY_TITLE, size=15, bold=True, underline=True)
            self._line(right, "", size=8)
        else:
            # The smallest sizes allowed (12 and 13) keep the national title on one line.
            self._line(right, NATIONAL_TITLE, size=12, bold=True)
            self._line(right, NATIONAL_MOTTO, size=13, bold=True, underline=True)
            self._line(right, "", size=6)
        if self.date and self.place:
            self._line(right, date_line(self.place, self.date), size=14 if self.party else 13, italic=True,
                       space_before=4)

    def _title(self) -> None:
        body = self._document
        self._line(body, "", size=8)
        if self.title:
            self._line(body, self.title.upper(), size=16 if self.party else 14, bold=True, space_before=12)
        if self.subtitle:
            for line in self.subtitle.split("\n"):
                self._line(body, line, size=14, bold=True)
        if self.party:
            self._line(body, "-----", size=14)
        else:
            self._rule(body, width_mm=45, column_mm=TEXT_WIDTH_MM)
        self._line(body, "", size=6)

    # --- body (ô 6) ---------------------------------------------------------------------
    def paragraph(self, text: Parts, *, bold: bool = False, italic: bool = False, align: str = "justify",
                  indent: bool = True, size: float | None = None):
        """A body paragraph: justified, first line indented 1.27 cm, 6 pt after, 1.15 lines."""
        paragraph = self._line(self._document, text, size=size, bold=bold, italic=italic, align=align,
                               space_after=6)
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Cm(1.27) if indent else Cm(0)
        fmt.line_spacing = 1.15
        return paragraph

    def bullet(self, text: Parts, *, size: float | None = None):
        """A "- …" item as Vietnamese documents write them: a dash, not a typographic bullet."""
        spans = _spans(text)
        if spans and not spans[0].text.lstrip().startswith("-"):
            spans.insert(0, Span("- "))
        return self.paragraph(spans, size=size)

    def _number(self, level: int) -> str:
        index = level - 1
        self._counters[index] += 1
        for deeper in range(index + 1, len(self._counters)):
            self._counters[deeper] = 0
        n = self._counters[index]
        style = self._styles[index]
        if style == "roman":
            return f"{_ROMAN[n] if n < len(_ROMAN) else n}."
        if style == "arabic":
            return f"{n}."
        if style == "alpha":
            return f"{chr(ord('a') + (n - 1) % 26)})"
        return "-"

    def heading(self, text: Parts, *, level: int = 1, number: str | None = None):
        """A numbered heading in bold ("1. Các TCCS Đảng, …"); ``number`` overrides the counter,
        ``number=""`` prints none. Level 2 and 3 are bold italic and italic."""
        if not 1 <= level <= 3:
            raise ValueError("level phải từ 1 đến 3")
        label = self._number(level) if number is None else number
        spans = _spans(text)
        if label:
            spans.insert(0, Span(f"{label} "))
        paragraph = self.paragraph(spans, bold=level <= 2, italic=level >= 2)
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.space_before = Pt(6)
        return paragraph

    def page_break(self) -> None:
        self._document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def table(self, headers: Sequence[str], rows: Iterable[Sequence], *, widths_mm: Sequence[float] | None = None,
              align: Sequence[str] | None = None, size: float = 12):
        """A bordered table; the header row is bold, centred and repeated on every page.

        ``rows`` hold text (None prints nothing); ``align`` gives each column's alignment
        ("left", "center", "right"); widths default to equal shares of the text width.
        """
        rows = [list(r) for r in rows]
        n = len(headers)
        widths = list(widths_mm) if widths_mm else [TEXT_WIDTH_MM / n] * n
        align = list(align) if align else ["left"] * n
        table = self._plain_table(1 + len(rows), n, widths, borders=True)
        header_row = table.rows[0]
        trpr = header_row._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        trpr.append(repeat)
        for cell, text in zip(header_row.cells, headers):
            self._cell(cell, text, size=size, bold=True, align="center")
        for row, values in zip(table.rows[1:], rows):
            cant_split = OxmlElement("w:cantSplit")
            row._tr.get_or_add_trPr().append(cant_split)
            for index, (cell, value) in enumerate(zip(row.cells, values)):
                self._cell(cell, "" if value is None else value, size=size, align=align[index])
        self._line(self._document, "", size=6)
        return table

    def _cell(self, cell, value, *, size: float, bold: bool = False, align: str = "left") -> None:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = cell.paragraphs[0]
        paragraph.alignment = _ALIGN[align]
        paragraph.paragraph_format.space_before = Pt(2)
        paragraph.paragraph_format.space_after = Pt(2)
        for span in _spans(value if isinstance(value, (list, tuple, Span)) else str(value)):
            run = paragraph.add_run(span.text)
            self._font(run, size=size, bold=bold or span.bold, italic=span.italic, underline=span.underline)

    def _plain_table(self, rows: int, cols: int, widths_mm: Sequence[float], *, borders: bool = False):
        table = self._document.add_table(rows=rows, cols=cols)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        tblpr = table._tbl.tblPr
        tblpr.get_or_add_tblLayout().set(qn("w:type"), "fixed")
        edges = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            element = OxmlElement(f"w:{edge}")
            if borders:
                for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "000000")):
                    element.set(qn(key), value)
            else:
                element.set(qn("w:val"), "nil")
            edges.append(element)
        tblpr.insert_element_before(edges, *_AFTER_TBLBORDERS)
        # Widths twice: LibreOffice reads the grid, Word reads the cells.
        grid = table._tbl.tblGrid
        for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm):
            col.set(qn("w:w"), str(int(Mm(width).twips)))
        for row in table.rows:
            for cell, width in zip(row.cells, widths_mm):
                cell.width = Mm(width)
        return table

    # --- closing (ô 7, ô 9) --------------------------------------------------------------
    def recipients(self, names: Iterable[str]) -> None:
        """The "Nơi nhận:" list, one recipient a line; the text is kept as given (its own
        "(b/c)", commas or semicolons), a leading "- " is added when missing."""
        self._recipients = [n if n.lstrip().startswith("-") else f"- {n}" for n in names]

    def signature(self, role_line: str, title_line: str = "", name: str = "", *, blank_lines: int = 4) -> None:
        """The signer: authority and post upper case bold ("T/M BAN CHỈ ĐẠO" / "TRƯỞNG BAN"; a
        "\\n" breaks a line), space to sign and stamp, then the name bold."""
        self._signature = (role_line, title_line, name)
        self._blank_lines = blank_lines

    def _closing(self) -> None:
        if self._closed or (self._recipients is None and self._signature is None):
            return
        self._closed = True
        self._line(self._document, "", size=8)
        table = self._plain_table(1, 2, [80, TEXT_WIDTH_MM - 80])
        # Recipients and signature move to the next page together, never split across two.
        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        left, right = table.rows[0].cells
        for cell in (left, right):
            cell._tc.remove(cell.paragraphs[0]._p)
        if self._recipients is not None:
            if self.party:
                self._line(left, "Nơi nhận:", size=14, underline=True, align="left")
            else:
                self._line(left, "Nơi nhận:", size=12, bold=True, italic=True, align="left")
            for name in self._recipients:
                self._line(left, name, size=12 if self.party else 11, align="left")
        else:
            self._line(left, "", size=11)
        if self._signature is not None:
            role_line, title_line, name = self._signature
            for line in role_line.split("\n"):
                self._line(right, line.upper() if line.strip().lower() != "kiêm" else line, size=14, bold=True)
            for line in title_line.split("\n") if title_line else []:
                self._line(right, line.upper() if line.strip().lower() != "kiêm" else line, size=14, bold=True)
            for _ in range(self._blank_lines):
                self._line(right, "", size=14)
            if name:
                self._line(right, name, size=14, bold=True)
        else:
            self._line(right, "", size=14)

    # --- appendices ---------------------------------------------------------------------
    def appendix(self, title: str, note: str | None = None, *, label: str = "PHỤ LỤC"):
        """Start an appendix on a new page: "PHỤ LỤC", its name, and in italics the document it
        belongs to (Phụ lục I, phần III, mục 1). The closing block is laid out first."""
        self._closing()
        self.page_break()
        self._line(self._document, label, size=14, bold=True)
        self._line(self._document, title.upper(), size=14, bold=True)
        if note is None and self.number:
            when = f", ngày {self.date:%d/%m/%Y}" if self.date else ""
            kind = self.title.capitalize() if self.title else "Văn bản"
            note = f"(Kèm theo {kind} số {self.number}{when} của {self.issuer})"
        if note:
            self._line(self._document, note, size=14, italic=True)
        self._line(self._document, "", size=8)

    # --- output -------------------------------------------------------------------------
    @property
    def document(self):
        """The python-docx Document, for anything this builder does not cover."""
        return self._document

    def save(self, target: str | PathLike | BinaryIO) -> None:
        self._closing()
        self._document.save(target)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.save(buffer)
        return buffer.getvalue()
