"""Safe file uploads, shared by every room (report attachments, documents, evidence files).

A file is accepted only when its extension is on the room's list AND its content is what the
extension says: a renamed program ("bao-cao.pdf" that is really an .exe) or a macro-laden
Office file is refused with a Vietnamese message naming the file. Accepted files are stored
under ``MEDIA_ROOT`` (outside the code, never served by a public ``/media/`` URL) with a random
name in a dated folder; the original name is kept on the record for the download. Images are
re-encoded (and shrunk to ``VUONLEN_UPLOAD_IMAGE_MAX_SIDE``), which also drops their EXIF
data — a phone photo's GPS position is personal data.

Typical use in a service::

    stored = uploads.store_upload(request_file, folder="reporting")
    try:
        Attachment.objects.create(..., **stored.fields())
        ...
    except BaseException:
        uploads.delete_stored(stored.name)
        raise

and in a view, after the scoped selector has found the owning record::

    return uploads.stored_file_response(attachment.stored_name, attachment.original_name,
                                        attachment.content_type)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.http import FileResponse, Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .formats import format_number
from .periods import today_vn
from .responses import DOCX, PDF, XLSX
from .text import nfc

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_IMAGE_MAX_SIDE = 2000
_HEAD = 8192


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    extensions: tuple[str, ...]
    content_type: str
    is_image: bool = False


KINDS: dict[str, FileKind] = {
    kind.code: kind
    for kind in (
        FileKind("pdf", "PDF", (".pdf",), PDF),
        FileKind("docx", "Word", (".docx",), DOCX),
        FileKind("xlsx", "Excel", (".xlsx",), XLSX),
        FileKind("doc", "Word 97-2003", (".doc",), "application/msword"),
        FileKind("xls", "Excel 97-2003", (".xls",), "application/vnd.ms-excel"),
        FileKind("jpg", "ảnh JPEG", (".jpg", ".jpeg"), "image/jpeg", is_image=True),
        FileKind("png", "ảnh PNG", (".png",), "image/png", is_image=True),
    )
}
DOCUMENT_KINDS = frozenset({"pdf", "docx", "xlsx", "doc", "xls", "jpg", "png"})
DEFAULT_KINDS = DOCUMENT_KINDS

# Programs and scripts, whatever they are named: Windows PE (MZ), ELF, Mach-O, scripts.
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe",
                     b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


class UploadRejected(ValidationError):
    """A file that may not be stored; the message names the file and says why, in Vietnamese."""


def max_upload_bytes() -> int:
    return int(getattr(settings, "VUONLEN_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


def _megabytes(size: int) -> str:
    return f"{format_number(size / (1024 * 1024), 1)} MB"


def clean_original_name(name: str | None) -> str:
    """The name the person's computer gave the file, without any folder part, NFC, at most 200
    characters (keeping the extension)."""
    base = os.path.basename(nfc((name or "").replace("\\", "/"))) or "tep"
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?')
    stem, ext = os.path.splitext(base)
    return (stem[: 200 - len(ext)] + ext.lower()) or "tep"


def _read_all(upload) -> bytes:
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read()
    if hasattr(upload, "seek"):
        upload.seek(0)
    return data


def _kind_for_extension(ext: str, kinds: Iterable[str]) -> FileKind | None:
    for code in kinds:
        if ext in KINDS[code].extensions:
            return KINDS[code]
    return None


def _allowed_list(kinds: Iterable[str]) -> str:
    return ", ".join(ext for code in sorted(kinds) for ext in KINDS[code].extensions)


def _content_problem(kind: FileKind, data: bytes) -> str | None:
    """Why ``data`` is not a real file of ``kind`` (None if it is)."""
    head = data[:_HEAD]
    if kind.code == "pdf":
        return None if b"%PDF-" in head[:1024] else "không phải tệp PDF"
    if kind.code in {"docx", "xlsx"}:
        if not head.startswith(_ZIP):
            return f"không phải tệp {kind.label} (.{kind.code})"
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return "tệp bị hỏng, không mở được"
        main = "word/document.xml" if kind.code == "docx" else "xl/workbook.xml"
        if "[Content_Types].xml" not in names or main not in names:
            return f"không phải tệp {kind.label} (.{kind.code})"
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            return "tệp có chứa macro (mã chạy tự động); hãy lưu lại thành tệp không có macro"
        return None
    if kind.code in {"doc", "xls"}:
        if not head.startswith(_OLE2):
            return f"không phải tệp {kind.label} (.{kind.code})"
        # The OLE2 directory names its streams in UTF-16; an installer (.msi) or another
        # OLE2 file renamed .doc has none of Word's or Excel's streams.
        wanted = [_utf16("WordDocument")] if kind.code == "doc" else [_utf16("Workbook"), _utf16("Book")]
        if not any(marker in data for marker in wanted):
            return f"không phải tệp {kind.label} (.{kind.code})"
        if _utf16("_VBA_PROJECT") in data or _utf16("Macros") in data:
            return "tệp có chứa macro (mã chạy tự động); hãy lưu lại thành tệp không có macro"
        return None
    if kind.code == "jpg":
        return None if head.startswith(b"\xff\xd8\xff") else "không phải ảnh JPEG"
    if kind.code == "png":
        return None if head.startswith(b"\x89PNG\r\n\x1a\n") else "không phải ảnh PNG"
    return "loại tệp không được nhận"


def check_upload(upload, *, kinds: Iterable[str] = DEFAULT_KINDS, max_bytes: int | None = None) -> FileKind:
    """The file's kind, or ``UploadRejected`` saying what is wrong with it."""
    kinds = frozenset(kinds)
    name = clean_original_name(getattr(upload, "name", ""))
    limit = max_bytes or max_upload_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise UploadRejected(gettext("Tệp “%(name)s” nặng %(v3)s, vượt giới hạn %(v5)s.") % {"name": name, "v3": _megabytes(size), "v5": _megabytes(limit)},
                             code="too_big")
    ext = os.path.splitext(name)[1].lower()
    kind = _kind_for_extension(ext, kinds)
    if kind is None:
        shown = ext or "(không có phần đuôi)"
        raise UploadRejected(gettext("Không nhận tệp “%(name)s”: loại %(shown)s không được phép. Chỉ nhận %(v5)s.") % {"name": name, "shown": shown, "v5": _allowed_list(kinds)}, code="bad_type")
    data = _read_all(upload)
    if len(data) > limit:
        raise UploadRejected(gettext("Tệp “%(name)s” nặng %(v3)s, vượt giới hạn %(v5)s.") % {"name": name, "v3": _megabytes(len(data)), "v5": _megabytes(limit)},
                             code="too_big")
    if not data:
        raise UploadRejected(gettext("Tệp “%(name)s” rỗng (0 byte).") % {"name": name}, code="empty")
    if data.startswith(_EXECUTABLE_MAGIC):
        raise UploadRejected(gettext("Không nhận tệp “%(name)s”: đây là tệp chương trình (chạy được) đổi tên thành %(ext)s, có thể chứa mã độc.") % {"name": name, "ext": ext}, code="executable")
    problem = _content_problem(kind, data)
    if problem:
        raise UploadRejected(gettext("Không nhận tệp “%(name)s”: %(problem)s.") % {"name": name, "problem": problem}, code="bad_content")
    return kind


def _reencode_image(data: bytes, kind: FileKind, name: str) -> bytes:
    from PIL import Image, ImageOps

    max_side = int(getattr(settings, "VUONLEN_UPLOAD_IMAGE_MAX_SIDE", DEFAULT_IMAGE_MAX_SIDE))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            expected = "JPEG" if kind.code == "jpg" else "PNG"
            if image.format != expected:
                raise UploadRejected(gettext("Không nhận tệp “%(name)s”: nội dung không phải %(label)s.") % {"name": name, "label": kind.label},
                                     code="bad_content")
            image = ImageOps.exif_transpose(image)
            image.thumbnail((max_side, max_side))
            out = io.BytesIO()
            if kind.code == "jpg":
                if image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                image.save(out, format="JPEG", quality=85, optimize=True)
            else:
                image.save(out, format="PNG", optimize=True)
            return out.getvalue()
    except UploadRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRejected(gettext("Không nhận tệp “%(name)s”: ảnh quá lớn.") % {"name": name}, code="too_big") from None
    except Exception:  # Pillow raises many kinds of errors for broken images
        raise UploadRejected(gettext("Không nhận tệp “%(name)s”: ảnh bị hỏng, không mở được.") % {"name": name}, code="bad_content") from None


@dataclass(frozen=True)
class StoredFile:
    name: str  # the storage name: "<folder>/2023/06/<random>.pdf"
    original_name: str
    content_type: str
    size: int
    sha256: str

    def fields(self) -> dict:
        """The values for a model built on ``StoredFileFields``."""
        return {"stored_name": self.name, "original_name": self.original_name,
                "content_type": self.content_type, "size": self.size, "sha256": self.sha256}


def store_upload(upload, *, folder: str, kinds: Iterable[str] = DEFAULT_KINDS,
                 max_bytes: int | None = None, today: dt.date | None = None) -> StoredFile:
    """Check ``upload`` and store it; raises ``UploadRejected`` (nothing stored) when refused."""
    kind = check_upload(upload, kinds=kinds, max_bytes=max_bytes)
    original = clean_original_name(upload.name)
    data = _read_all(upload)
    if kind.is_image:
        data = _reencode_image(data, kind, original)
    today = today or today_vn()
    safe_folder = "/".join(part for part in folder.strip("/").split("/") if part not in ("", ".", ".."))
    name = f"{safe_folder}/{today:%Y/%m}/{uuid.uuid4().hex}{kind.extensions[0]}"
    saved = default_storage.save(name, ContentFile(data))
    return StoredFile(name=saved, original_name=original, content_type=kind.content_type, size=len(data),
                      sha256=hashlib.sha256(data).hexdigest())


def store_uploads(uploads, *, folder: str, kinds: Iterable[str] = DEFAULT_KINDS,
                  max_bytes: int | None = None) -> list[StoredFile]:
    """Store several files, all or none: every refused file is reported at once and nothing
    is kept if any is refused."""
    errors: list[str] = []
    for upload in uploads:
        try:
            check_upload(upload, kinds=kinds, max_bytes=max_bytes)
        except UploadRejected as exc:
            errors.extend(exc.messages)
    if errors:
        raise UploadRejected(errors)
    stored: list[StoredFile] = []
    try:
        for upload in uploads:
            stored.append(store_upload(upload, folder=folder, kinds=kinds, max_bytes=max_bytes))
    except BaseException:
        delete_stored([s.name for s in stored])
        raise
    return stored


def delete_stored(names: str | Iterable[str]) -> None:
    """Remove stored files (best effort: a file already gone is fine)."""
    if isinstance(names, str):
        names = [names]
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            pass


def stored_file_response(stored_name: str, original_name: str, content_type: str, *,
                         inline: bool = False) -> FileResponse:
    """The file as a download under its original name. Call only after the scoped selector has
    found the record that owns the file: this function checks nothing about the person."""
    try:
        handle = default_storage.open(stored_name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404("Tệp không còn trên máy chủ") from None
    response = FileResponse(handle, as_attachment=not inline, filename=original_name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


class StoredFileFields(models.Model):
    """The columns every room's attachment model keeps about its stored file."""

    stored_name = models.CharField(_("tệp lưu trữ"), max_length=300, editable=False)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=120)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, editable=False)
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tải lên"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    @property
    def size_label(self) -> str:
        if self.size < 1024:
            return f"{self.size} byte"
        if self.size < 1024 * 1024:
            return f"{format_number(self.size / 1024, 0)} KB"
        return _megabytes(self.size)
