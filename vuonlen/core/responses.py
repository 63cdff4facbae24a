"""One way to send a generated file: the MIME types and the download response.

`content_disposition_header` is what `FileResponse(as_attachment=True, filename=…)` uses: it
writes `filename="…"` for ASCII names and `filename*=utf-8''…` for Vietnamese ones, so a name
with diacritics reaches the browser intact. The content is already bytes in memory, so the
response stays an ordinary `HttpResponse` (tests and middleware can read `.content`).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV = "text/csv; charset=utf-8"
PDF = "application/pdf"

CONTENT_TYPES = {"xlsx": XLSX, "docx": DOCX, "csv": CSV, "pdf": PDF}


def file_response(content: bytes, filename: str, *, kind: str = "xlsx") -> HttpResponse:
    """`content` as a download named `filename`; `kind` picks the MIME type. Build a .xlsx with
    `core.xlsx.workbook_bytes` and a .csv with `core.xlsx.csv_bytes` (both keep data from
    becoming formulas)."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
