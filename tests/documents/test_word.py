"""The shared Word builder (documents.word): a document built, saved and read back with
python-docx shows the parts of Decree 30/2020's layout (and the party variant)."""

import datetime as dt
import io

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from vuonlen.documents.word import AdministrativeDocument, bold, date_line, number_line


def _build(party: bool) -> docx.document.Document:
    doc = AdministrativeDocument(issuer_parent="HUYỆN ỦY KON RẪY" if party else "UBND HUYỆN KON RẪY",
                                 issuer="BAN CHỈ ĐẠO CUỘC VẬN ĐỘNG", number="103-TB/BCĐ", place="Kon Rẫy",
                                 date=dt.date(2024, 1, 5), title="THÔNG BÁO",
                                 subtitle="kết luận Hội nghị giao ban quý IV/2023", party=party)
    doc.paragraph("Tại Hội nghị giao ban, Ban Chỉ đạo kết luận như sau:")
    doc.heading("Các tổ chức cơ sở Đảng")
    doc.bullet(["Rà soát hộ nghèo ", bold("trước ngày 31/01/2024.")])
    doc.recipients(["BTV Huyện ủy (b/c),", "Lưu VT."])
    doc.signature("T/M BAN CHỈ ĐẠO", "TRƯỞNG BAN", "Đinh Thị Mỹ Hảo")
    doc.appendix("DANH SÁCH CÁC ĐƠN VỊ ĐÃ BÁO CÁO")
    doc.table(["STT", "Đơn vị", "Số hộ"], [["1", "Hội Nông dân huyện", 1500000]])
    return docx.Document(io.BytesIO(doc.to_bytes()))


def _all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "\n".join(parts)


def test_state_document_has_the_decree_30_parts_in_a4_with_its_margins():
    document = _build(party=False)
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [20, 20, 30, 15]
    header = document.tables[0]  # ô 2–3 left, ô 1 and 4 right
    left, right = header.rows[0].cells[0].text, header.rows[0].cells[1].text
    assert "UBND HUYỆN KON RẪY" in left and "BAN CHỈ ĐẠO CUỘC VẬN ĐỘNG" in left and "Số: 103-TB/BCĐ" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    assert "Kon Rẫy, ngày 05 tháng 01 năm 2024" in right
    title = next(p for p in document.paragraphs if p.text == "THÔNG BÁO")
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER and all(run.bold for run in title.runs)
    text = _all_text(document)
    assert "kết luận Hội nghị giao ban quý IV/2023" in text
    assert "Nơi nhận:" in text and "Lưu VT." in text
    assert "TRƯỞNG BAN" in text and "Đinh Thị Mỹ Hảo" in text
    assert "PHỤ LỤC" in text and "DANH SÁCH CÁC ĐƠN VỊ ĐÃ BÁO CÁO" in text
    fonts = {run.font.name for p in document.paragraphs for run in p.runs if run.font.name}
    assert fonts == {"Times New Roman"}
    appendix = document.tables[-1]
    assert [c.text for c in appendix.rows[0].cells] == ["STT", "Đơn vị", "Số hộ"]
    assert appendix.rows[1].cells[1].text == "Hội Nông dân huyện"
    body = next(p for p in document.paragraphs if p.text.startswith("Tại Hội nghị"))
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY and body.paragraph_format.first_line_indent > Mm(9)
    emphasised = next(p for p in document.paragraphs if "trước ngày 31/01/2024." in p.text)
    assert [run.bold for run in emphasised.runs if run.text.strip() == "trước ngày 31/01/2024."] == [True]


def test_party_document_says_the_party_and_numbers_without_a_colon():
    document = _build(party=True)
    header = document.tables[0].rows[0].cells
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in header[1].text and "CỘNG HÒA XÃ HỘI" not in header[1].text
    assert "Số 103-TB/BCĐ" in header[0].text and "Số:" not in header[0].text
    assert "*" in header[0].text  # the star under the issuing body


def test_dates_and_numbers_cannot_be_added_to():
    assert date_line("Kon Tum", dt.date(2024, 1, 5)) == "Kon Tum, ngày 05 tháng 01 năm 2024"
    assert date_line("Kon Tum", dt.date(2023, 11, 20)) == "Kon Tum, ngày 20 tháng 11 năm 2023"
    assert number_line("12/TB-UBND") == "Số: 12/TB-UBND" and number_line("", party=True) == "Số      -"
