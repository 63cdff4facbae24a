"""Issue 13 walked in a real browser at 1366×768, as the roles that do it: a model replicated
and another converted from their pages (item 3), pickers used from the keyboard (item 4), the
print views checked as A4 PDFs and as print-media screenshots (item 6), and the date box and
file picker in an English-language browser (item 8). Screenshots go to var/test-artifacts/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import DESKTOP, sign_in, watch_csp
from tests.geo.factories import VillageFactory
from tests.households.factories import ReviewFactory
from tests.initiatives.conftest import World
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.periods import today_vn
from vuonlen.initiatives import services
from vuonlen.initiatives.models import Initiative, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _through(model, *statuses, **kw):
    for status in statuses:
        if status in (Status.EFFECTIVE, Status.INEFFECTIVE) and not model.reviews.exists():
            services.review_add(actor=SYSTEM, initiative=model, reviewed_on=today_vn(),
                                assessment="Đánh giá giữa kỳ", income_change_pct="")
        model = services.initiative_move(actor=SYSTEM, initiative=model, to_status=status, **kw)
    return model


def _world():
    world = World()
    world.village5 = VillageFactory(commune=world.commune, name="Thôn 5")
    world.other_village = VillageFactory(commune=world.other_commune, name="Thôn Xa")
    world.mine = world.household("Y Blăk Êban", code="DTL-001")
    world.theirs = world.household("Y Blăk Niê", code="KPL-001", unit=world.other_village)
    return world


def test_replicate_and_convert_a_model_from_its_page_with_the_pickers(page, media, artifacts):
    world = _world()
    cows = _through(world.model(name="Nuôi bò sinh sản", kind="livestock"), Status.RUNNING, Status.EFFECTIVE)
    ginseng = _through(world.model(name="Trồng sâm dây"), Status.RUNNING)
    ginseng = _through(ginseng, Status.INEFFECTIVE, conversion_direction="Chuyển sang trồng cà phê xen mắc ca",
                       conversion_deadline=today_vn() + dt.timedelta(days=60))
    sign_in(page, world.officer.username)

    # 3a. Replicate the effective model into Thôn 5, the village list narrowed to the commune.
    page.goto(f"/mo-hinh/{cows.pk}/")
    page.get_by_role("link", name="Nhân rộng").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhân rộng mô hình")
    page.get_by_label("Tên mô hình").fill("Nuôi bò sinh sản thôn 5")
    page.get_by_label("Đơn vị xây dựng").select_option(label=world.commune_front.name)
    page.get_by_label("Địa bàn (xã)").select_option(str(world.commune.pk))
    villages = page.get_by_label("Thôn, làng")
    expect(villages.locator("option", has_text="Thôn 5")).to_have_text(f"Thôn 5 — {world.commune.name}")
    expect(villages.locator("option", has_text="Thôn Xa")).to_have_count(0)  # never offered: out of scope
    villages.select_option(label=f"Thôn 5 — {world.commune.name}")
    page.screenshot(path=artifacts / "issue13-replicate-form.png", full_page=True)
    page.get_by_role("button", name="Đăng ký mô hình nhân rộng").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nuôi bò sinh sản thôn 5")
    expect(page.get_by_role("link", name="Nuôi bò sinh sản", exact=True)).to_be_visible()  # "Nhân rộng từ"
    page.screenshot(path=artifacts / "issue13-replica.png", full_page=True)
    replica = Initiative.objects.get(name="Nuôi bò sinh sản thôn 5")
    assert replica.replicated_from_id == cows.pk and list(replica.villages.all()) == [world.village5]

    # 4. Add a participant with the household picker, from the keyboard only.
    codes = page.get_by_label("Mã hộ tham gia")
    codes.click()
    codes.press_sequentially("y blak", delay=30)
    listbox = page.get_by_role("listbox")
    expect(listbox.get_by_role("option")).to_have_count(1)  # Y Blăk Niê of another district: never
    expect(listbox.get_by_role("option").first).to_contain_text("Y Blăk Êban · DTL-001")
    page.screenshot(path=artifacts / "issue13-household-picker.png", full_page=True)
    codes.press("ArrowDown")
    codes.press("Enter")
    expect(codes).to_have_value("DTL-001, ")
    page.get_by_role("button", name="Thêm hộ").click()
    expect(page.get_by_role("cell", name="DTL-001", exact=True)).to_be_visible()

    # 3b. Convert the ineffective model, its plan carried into the new one.
    page.goto(f"/mo-hinh/{ginseng.pk}/")
    page.get_by_role("link", name="Chuyển đổi theo kế hoạch").click()
    expect(page.get_by_text("Chuyển sang trồng cà phê xen mắc ca").first).to_be_visible()
    expect(page.get_by_label("Mô tả")).to_have_value("Chuyển sang trồng cà phê xen mắc ca")
    page.get_by_label("Tên mô hình").fill("Cà phê xen mắc ca")
    page.screenshot(path=artifacts / "issue13-convert-form.png", full_page=True)
    page.get_by_role("button", name="Chuyển đổi", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cà phê xen mắc ca")
    expect(page.get_by_text("đã chuyển đổi thành mô hình mới")).to_be_visible()
    page.get_by_role("link", name="Trồng sâm dây").click()
    expect(page.get_by_text("Đã chuyển đổi", exact=True).first).to_be_visible()
    expect(page.get_by_role("link", name="Cà phê xen mắc ca")).to_be_visible()
    page.screenshot(path=artifacts / "issue13-converted.png", full_page=True)


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_print_views_fit_a4(page, artifacts):
    world = _world()
    ReviewFactory(household=world.mine, year=2024, income=500_000, lacking=["employment", "latrine", "telecom"],
                reviewed_on=dt.date(2024, 10, 7))
    sign_in(page, world.officer.username)
    page.goto(f"/ho-gia-dinh/{world.mine.pk}/")
    page.get_by_role("link", name="Bản in phiếu hộ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Phiếu thông tin hộ gia đình", re.I))
    page.screenshot(path=artifacts / "issue13-print-record-screen.png", full_page=True)
    for name, url in (("record", page.url), ("minutes", None)):
        if url is None:
            page.goto(f"/ho-gia-dinh/{world.mine.pk}/")
            page.get_by_role("link", name=re.compile("Biên bản")).first.click()
            expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("Biên bản rà soát", re.I))
        pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        (artifacts / f"issue13-print-{name}.pdf").write_bytes(pdf)
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 673, "height": 1009})  # A4 inside its margins at 96 dpi
        expect(page.get_by_role("button", name="In (khổ A4)")).to_be_hidden()
        page.screenshot(path=artifacts / f"issue13-print-{name}.png", full_page=True)
        page.emulate_media(media="null")  # "screen" would make page.pdf() use screen CSS
        page.set_viewport_size(DESKTOP)
        assert _pdf_pages(pdf) == 1, name  # one household, one sheet
        assert re.search(rb"/MediaBox \[0 0 594\.9\d* 841\.9\d*\]", pdf), name  # A4 portrait


def test_dashboard_pack_prints_without_the_shell(page, artifacts):
    world = _world()
    from tests import factories
    from vuonlen.accounts.roles import Role

    viewer = factories.make_user(Role.VIEWER, world.district, username="lanhdao.huyen")
    sign_in(page, viewer.username)
    page.goto(f"/chi-tieu/bang-dieu-khien/{world.district.pk}/")
    expect(page.get_by_role("button", name="In bộ bảng điều khiển (A4)")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("header")).to_be_hidden()
    expect(page.get_by_role("complementary", name="Phạm vi của bạn")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    pdf = page.pdf(format="A4", print_background=True)
    (artifacts / "issue13-dashboard-pack.pdf").write_bytes(pdf)
    assert _pdf_pages(pdf) >= 1
    page.set_viewport_size({"width": 794, "height": 1123})
    page.screenshot(path=artifacts / "issue13-dashboard-pack-print.png", full_page=True)


def test_dates_and_files_speak_vietnamese_in_an_english_browser(browser, live_server, kontum, media, artifacts):
    world = _world()
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="en-US")
    page = context.new_page()
    violations = watch_csp(page)
    try:
        sign_in(page, world.officer.username)
        ginseng = _through(world.model(name="Trồng sâm dây"), Status.RUNNING)
        page.goto(f"/mo-hinh/{ginseng.pk}/")
        # The date box shows 07/12/2026 for 7 December, whatever the browser's language.
        started = page.get_by_label("Tham gia từ ngày")
        expect(started).to_have_attribute("type", "text")
        expect(started).to_have_value(today_vn().strftime("%d/%m/%Y"))
        started.fill("31/02/2026")
        page.get_by_label("Mã hộ tham gia").fill("DTL-001")
        page.get_by_role("button", name="Thêm hộ").click()
        expect(page.get_by_text("Ngày “31/02/2026” không có trên lịch.", exact=True)).to_be_visible()
        # The file picker: a Vietnamese button and the chosen file's name, no "Choose File".
        files_box = page.locator("[data-vl-file]").first
        expect(files_box.get_by_text("Chọn tệp…")).to_be_visible()
        expect(files_box.get_by_text("Chưa chọn tệp nào")).to_be_visible()
        page.locator("input[type=file][name=files]").set_input_files(
            files=[{"name": "vuon-mau.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}])
        expect(files_box.get_by_text("vuon-mau.pdf")).to_be_visible()
        files_box.scroll_into_view_if_needed()
        page.screenshot(path=artifacts / "issue13-english-browser-date-file.png", full_page=True)
        assert not violations, violations
    finally:
        context.close()
