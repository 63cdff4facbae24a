"""The one download response: MIME type by kind, and a Vietnamese file name that survives."""

from urllib.parse import unquote

from vuonlen.core.responses import DOCX, XLSX, file_response


def test_an_ascii_name_is_sent_as_a_plain_attachment():
    response = file_response(b"PK", "nguon-luc.xlsx")
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="nguon-luc.xlsx"'
    assert response.content == b"PK"


def test_a_vietnamese_name_reaches_the_browser_intact():
    response = file_response(b"PK", "Báo cáo quý 2.docx", kind="docx")
    assert response["Content-Type"] == DOCX
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert unquote(disposition.split("''", 1)[1]) == "Báo cáo quý 2.docx"


def test_a_quote_in_the_name_cannot_break_the_header():
    response = file_response(b"x", 'a"b.xlsx')
    assert response["Content-Disposition"] == 'attachment; filename="a\\"b.xlsx"'
