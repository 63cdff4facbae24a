"""Small real files of each kind, built in memory, for upload tests."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile


def pdf(name="bien-ban.pdf") -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def docx(name="bao-cao.docx", *, macro=False) -> SimpleUploadedFile:
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    data = buffer.getvalue()
    if macro:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
            for item in src.infolist():
                dst.writestr(item, src.read(item.filename))
            dst.writestr("word/vbaProject.bin", b"\x00" * 64)
        data = out.getvalue()
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def xlsx(name="so-lieu.xlsx") -> SimpleUploadedFile:
    import openpyxl

    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def ole_doc(name="cu.doc", stream="WordDocument") -> SimpleUploadedFile:
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    return SimpleUploadedFile(name, header + stream.encode("utf-16-le") + b"\x00" * 600)


def png(name="anh.png", size=(3000, 1500)) -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 93, 59)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def jpeg_with_gps(name="hien-truong.jpg") -> SimpleUploadedFile:
    from PIL import Image

    image = Image.new("RGB", (800, 600), (200, 120, 40))
    exif = Image.Exif()
    exif[0x8825] = {2: (14.0, 32.0, 10.0)}  # GPSInfo: a latitude
    exif[0x010F] = "Điện thoại"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def exe(name="bao-cao.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode")
