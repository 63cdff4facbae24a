"""The shared Word builder (vuonlen.documents.word): page, fonts, both headers, closing, appendix."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docx import Document as read_docx

from vuonlen.documents.word import AdministrativeDocument, bold, date_line, number_line


def _build(party: bool) -> bytes:
    doc = AdministrativeDocument("ỦY BAN NHÂN DÂN HUYỆN KON RẪY", "PHÒNG DÂN TỘC", "12/BC-PDT", "Kon Rẫy",
                                 dt.date(2024, 1, 5), "BÁO CÁO", "kết quả thực hiện Cuộc vận động quý IV/2023",
                                 party=party)
    doc.paragraph("Thực hiện Kế hoạch số 26-KH/HU …")
    doc.heading("Kết quả")
    doc.heading("Mô hình", level=2)
    doc.bullet(["Hoàn thành ", bold("trước ngày 31/7/2023.")])
    doc.heading("Tồn tại")
    doc.table(["STT", "Chỉ tiêu", "Kết quả"], [["1", "Hộ thoát nghèo", "1.234"]], align=["center", "left", "right"])
    doc.signature("KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG", "Y Bình")
    doc.recipients(["UBND huyện (b/c);", "Lưu: VT."])
    doc.appendix("Danh sách đơn vị")
    doc.table(["STT", "Đơn vị"], [["1", "Xã Đắk Kôi"]])
    return doc.to_bytes()


def test_dates_and_numbers_as_the_decree_writes_them():
    assert date_line("Kon Rẫy", dt.date(2024, 1, 5)) == "Kon Rẫy, ngày 05 tháng 01 năm 2024"
    assert date_line("Kon Rẫy", dt.date(2023, 7, 12)) == "Kon Rẫy, ngày 12 tháng 7 năm 2023"
    assert number_line("12/BC-PDT") == "Số: 12/BC-PDT"
    assert number_line("103-TB/BCĐ", party=True) == "Số 103-TB/BCĐ"


def test_state_document_reads_back():
    doc = read_docx(io.BytesIO(_build(party=False)))
    section = doc.sections[0]
    mm = [round(v.mm) for v in (section.page_width, section.page_height, section.top_margin,
                                section.bottom_margin, section.left_margin, section.right_margin)]
    assert mm == [210, 297, 20, 20, 30, 15]  # A4; margins of Phụ lục I, Nghị định 30/2020/NĐ-CP
    assert doc.styles["Normal"].font.name == "Times New Roman"
    header = [cell.text for cell in doc.tables[0].rows[0].cells]
    assert header[0].splitlines() == ["ỦY BAN NHÂN DÂN HUYỆN KON RẪY", "PHÒNG DÂN TỘC", "", "Số: 12/BC-PDT"]
    assert header[1].splitlines() == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "",
                                      "Kon Rẫy, ngày 05 tháng 01 năm 2024"]
    motto = doc.tables[0].rows[0].cells[1].paragraphs[1].runs[0]
    assert motto.bold and motto.underline
    date = doc.tables[0].rows[0].cells[1].paragraphs[3].runs[0]
    assert date.italic
    texts = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in texts and "1. Kết quả" in texts and "a) Mô hình" in texts and "2. Tồn tại" in texts
    assert "- Hoàn thành trước ngày 31/7/2023." in texts
    closing = [cell.text for cell in doc.tables[2].rows[0].cells]
    assert closing[0].splitlines() == ["Nơi nhận:", "- UBND huyện (b/c);", "- Lưu: VT."]
    assert closing[1].splitlines()[:2] == ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"]
    assert closing[1].splitlines()[-1] == "Y Bình"
    assert "PHỤ LỤC" in texts and "DANH SÁCH ĐƠN VỊ" in texts
    assert "(Kèm theo Báo cáo số 12/BC-PDT, ngày 05/01/2024 của PHÒNG DÂN TỘC)" in texts


def test_party_header():
    doc = read_docx(io.BytesIO(_build(party=True)))
    left, right = (cell.text.splitlines() for cell in doc.tables[0].rows[0].cells)
    assert left == ["ỦY BAN NHÂN DÂN HUYỆN KON RẪY", "PHÒNG DÂN TỘC", "*", "Số 12/BC-PDT"]
    assert right[0] == "ĐẢNG CỘNG SẢN VIỆT NAM" and right[-1] == "Kon Rẫy, ngày 05 tháng 01 năm 2024"


def test_page_numbers_skip_the_first_page_and_properties_are_in_schema_order():
    content = _build(party=False)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        document = archive.read("word/document.xml").decode()
        headers = [archive.read(n).decode() for n in archive.namelist() if n.startswith("word/header")]
    assert "<w:titlePg/>" in document
    assert any("PAGE" in h for h in headers)
    # Word refuses properties out of order: borders before spacing in a paragraph, before layout in a table.
    assert "<w:spacing" not in document.split("<w:pBdr>")[1].split("</w:pPr>")[0].split("</w:pBdr>")[0]
    for chunk in document.split("<w:pBdr>")[:-1]:
        assert "<w:spacing" not in chunk.rsplit("<w:pPr>", 1)[1]
    for chunk in document.split("<w:tblBorders>")[1:]:
        assert "<w:tblLayout" not in chunk.split("</w:tblPr>")[0].split("</w:tblBorders>")[0]
        assert "<w:tblLayout" in chunk.split("</w:tblPr>")[0]
