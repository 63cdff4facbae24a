"""One way to send a generated file (the MIME types and the download response), and one way to
answer a page's "add files" form.

`content_disposition_header` is what `FileResponse(as_attachment=True, filename=…)` uses: it
writes `filename="…"` for ASCII names and `filename*=utf-8''…` for Vietnamese ones, so a name
with diacritics reaches the browser intact. The content is already bytes in memory, so the
response stays an ordinary `HttpResponse` (tests and middleware can read `.content`).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

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


def attach_files_and_return(request, attach, *, back: HttpResponse, form=None) -> HttpResponse:
    """The "add files to this record" POST of every room, then back to the record's page.

    ``attach(files)`` is the room's audited service (``survey_attach_files``, ``pair_attach_files``,
    ``document_attach_files``…) with the actor and record bound. The files come from ``form``'s
    ``files`` field when the room has a form for them, else from the request's ``files`` inputs.
    Every refusal (the form's and the service's) is shown as its own message and nothing is
    kept; otherwise one message counts what was added."""
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return back
    files = form.cleaned_data["files"] if form is not None else request.FILES.getlist("files")
    try:
        made = attach(files)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã thêm %(n)s tệp") % {"n": len(made)})
    return back
