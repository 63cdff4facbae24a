"""The Excel import in a real browser: upload, watch the progress bar while the worker runs,
read the result or the errors and download the error report; then export the list."""

from __future__ import annotations

import openpyxl
import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests import factories
from tests.browser_fixtures import sign_in
from tests.households.test_imports import A, person, xlsx
from vuonlen.accounts.roles import Role
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.households import imports, jobs
from vuonlen.households.models import Household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer(commune_a):
    return factories.make_user(Role.COMMUNE_OFFICER, commune_a, username="canbo.quangtrung", full_name="Y Bình")


def _household_file(tmp_path, households: int) -> str:
    rows = []
    for number in range(households):
        rows.append(person(f"QT-{number:03d}", A, name="A Thương", birth=1980, phone="0912345678"))
        rows.append(person("", "", name="Y Ngọc", sex="Nữ", relation="Vợ", birth="03/02/1985", ethnicity=""))
    path = tmp_path / "Danh sách hộ Quang Trung.xlsx"
    path.write_bytes(xlsx(rows))
    return str(path)


def test_import_through_the_page_with_progress_and_result(page, live_server, officer, commune_a, settings,
                                                          monkeypatch, tmp_path, artifacts):
    # The real path: the page only queues the job; the worker (`db_worker`) runs it here, in the
    # test's thread, while the browser polls the job page.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(imports._Reporter, "INTERVAL", 0)
    sign_in(page, officer.username)
    page.goto("/ho-gia-dinh/nhap/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhập hộ và kết quả rà soát từ Excel")
    page.get_by_label("Tệp (.xlsx, .xls, .ods hoặc .csv)").set_input_files(_household_file(tmp_path, 30))
    page.screenshot(path=artifacts / "import-upload.png", full_page=True)
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    status = page.locator("#import-status")
    expect(status).to_contain_text("Đang chờ đến lượt xử lý")
    page.screenshot(path=artifacts / "import-queued.png")

    shots = []
    real_writer = jobs._progress_writer

    def watching_writer(job_id):
        write = real_writer(job_id)

        def progress(done, total, phase):
            write(done, total, phase)
            if phase == "check" and done == total // 2 and not shots:
                # Halfway through the check the browser, polling every second, shows it.
                expect(status).to_contain_text(f"Đang kiểm tra: {done}/{total} dòng", timeout=5_000)
                expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "50")
                page.screenshot(path=artifacts / "import-progress.png")
                shots.append(done)

        return progress

    monkeypatch.setattr(jobs, "_progress_writer", watching_writer)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert shots, "the progress was never seen halfway"
    expect(status).to_contain_text("Đã thêm 30 hộ, 60 nhân khẩu.")
    expect(page.get_by_role("progressbar")).to_have_count(0)
    page.screenshot(path=artifacts / "import-done.png")
    assert Household.objects.filter(commune=commune_a).count() == 30


def test_a_bad_file_lists_every_error_and_the_report_downloads(page, officer, commune_a, tmp_path, artifacts):
    # The tests' immediate backend: the job has run when the job page opens.
    path = tmp_path / "co-loi.xlsx"
    path.write_bytes(xlsx([person("L-1", "99999"), person("L-2", A, sex="X", citizen_id="12345"),
                           person("L-3", A, relation="Con")]))
    sign_in(page, officer.username)
    page.goto("/ho-gia-dinh/nhap/")
    page.get_by_label("Tệp (.xlsx, .xls, .ods hoặc .csv)").set_input_files(str(path))
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    expect(page.get_by_role("alert")).to_contain_text("Tệp có 4 lỗi; chưa ghi gì vào sổ.")
    rows = page.locator("#import-errors tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text("Không tìm thấy xã mã 99999 trong phạm vi của bạn")
    page.screenshot(path=artifacts / "import-errors.png", full_page=True)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải báo lỗi (.xlsx)").click()
    report = artifacts / "import-errors-report.xlsx"
    download_info.value.save_as(report)
    values = list(openpyxl.load_workbook(report).active.values)
    assert values[0] == ("Dòng", "Cột", "Lỗi")
    assert [(row, column) for row, column, _ in values[1:]] == [
        (4, "Mã xã"), (5, "Giới tính"), (5, "Số định danh cá nhân"), (6, "Quan hệ với chủ hộ")]
    assert not Household.objects.exists()


def test_export_of_the_filtered_list(page, officer, commune_a, commune_b, artifacts):
    imports.import_households(actor=SYSTEM, file=xlsx([
        person("QT-1", A, name="A Thương", citizen_id="062080000111"),
        person("QT-2", A, name="Y Bla", sex="Nữ", ethnicity="Ba Na"),
        person("DT-1", "23284", name="A Ngoài Phạm Vi"),
    ]), filename="ho.xlsx")
    sign_in(page, officer.username)
    page.goto("/ho-gia-dinh/nhap/")  # any page: the export is a plain GET with the list's filter
    with page.expect_download() as download_info:
        page.evaluate("window.location.href = '/ho-gia-dinh/nhap/xuat/?ethnicity=14'")
    path = artifacts / "export-households.xlsx"
    download_info.value.save_as(path)
    workbook = openpyxl.load_workbook(path)
    listing = list(workbook["Danh sách hộ"].values)
    assert [row[4] for row in listing[4:]] == ["QT-1"]
    people = list(workbook["Nhân khẩu"].values)
    assert people[1][7] == "A Thương" and people[1][12] == "062080000111"
    assert "A Ngoài Phạm Vi" not in str(listing + people)
