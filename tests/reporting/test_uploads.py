"""core.uploads: what may be stored, how, and that stored files stay off public URLs."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from vuonlen.core import uploads

from . import files


@pytest.mark.parametrize("make", [files.pdf, files.docx, files.xlsx, files.ole_doc,
                                  lambda: files.ole_doc("bang.xls", "Workbook"), files.png, files.jpeg_with_gps])
def test_real_files_of_allowed_kinds_are_stored(make, media_root):
    upload = make()
    stored = uploads.store_upload(upload, folder="thu")
    assert stored.original_name == upload.name
    assert default_storage.exists(stored.name)
    assert (media_root / stored.name).is_file()
    parts = stored.name.split("/")
    assert parts[0] == "thu" and len(parts) == 4 and parts[1].isdigit() and parts[2].isdigit()
    assert upload.name.rsplit(".", 1)[0] not in stored.name  # a random name, never the person's


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("virus.exe", b"MZ" + b"\x00" * 100), "loại .exe không được phép"),
    (SimpleUploadedFile("trang.html", b"<script>alert(1)</script>"), "loại .html không được phép"),
    (SimpleUploadedFile("ghi-chu", b"abc"), "(không có phần đuôi)"),
    (files.exe("bao-cao.pdf"), "đây là tệp chương trình (chạy được) đổi tên thành .pdf"),
    (files.exe("anh.jpg"), "tệp chương trình"),
    (SimpleUploadedFile("script.docx", b"#!/bin/sh\nrm -rf /\n"), "tệp chương trình"),
    (SimpleUploadedFile("gia.pdf", b"just text pretending"), "không phải tệp PDF"),
    (SimpleUploadedFile("gia.docx", b"PK\x03\x04 broken zip"), "tệp bị hỏng"),
    (files.xlsx("doi-ten.docx"), "không phải tệp Word (.docx)"),
    (files.docx("macro.docx", macro=True), "có chứa macro"),
    (files.ole_doc("cai-dat.doc", "SummaryInformation"), "không phải tệp Word 97-2003"),
    (files.png("anh.jpg"), "không phải ảnh JPEG"),
    (SimpleUploadedFile("hong.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50), "ảnh bị hỏng"),
    (SimpleUploadedFile("rong.pdf", b""), "rỗng"),
])
def test_refused_files_say_why(upload, message, media_root):
    with pytest.raises(uploads.UploadRejected) as caught:
        uploads.store_upload(upload, folder="thu")
    assert message in caught.value.messages[0]
    assert f"“{upload.name}”" in caught.value.messages[0]
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_size_limit_from_settings(settings):
    settings.VUONLEN_MAX_UPLOAD_BYTES = 1024 * 1024
    big = SimpleUploadedFile("lon.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    with pytest.raises(uploads.UploadRejected, match=r"Tệp “lon.pdf” nặng 1,0 MB, vượt giới hạn 1,0 MB"):
        uploads.check_upload(big)
    assert uploads.max_upload_bytes() == 1024 * 1024
    settings.VUONLEN_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    assert uploads.check_upload(big).code == "pdf"


def test_images_are_shrunk_and_lose_their_exif(media_root):
    stored = uploads.store_upload(files.png(size=(3000, 1500)), folder="anh")
    with Image.open(media_root / stored.name) as image:
        assert image.size == (2000, 1000)
    stored = uploads.store_upload(files.jpeg_with_gps(), folder="anh")
    with Image.open(media_root / stored.name) as image:
        assert not image.getexif()  # no GPS, no phone model


def test_many_files_are_all_or_nothing(media_root):
    with pytest.raises(uploads.UploadRejected) as caught:
        uploads.store_uploads([files.pdf(), files.exe("b.pdf"), SimpleUploadedFile("c.bat", b"echo")], folder="thu")
    assert len(caught.value.messages) == 2
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_original_name_is_cleaned():
    assert uploads.clean_original_name("C:\\Users\\a\\Báo cáo quý II.PDF") == "Báo cáo quý II.pdf"
    assert uploads.clean_original_name("../../etc/passwd") == "passwd"
    assert uploads.clean_original_name('a"<b>.pdf') == "ab.pdf"
    assert uploads.clean_original_name("") == "tep"


def test_media_is_not_served_by_url(client, media_root):
    stored = uploads.store_upload(files.pdf(), folder="thu")
    assert client.get(f"/media/{stored.name}").status_code == 404
    assert client.get(f"/{stored.name}").status_code == 404
