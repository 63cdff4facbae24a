"""Models in a real browser: the public showcase opened without signing in (no personal data
on screen), and a model's page as the commune officer, who moves it along its pipeline.
Screenshots go to var/test-artifacts/."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import sign_in
from tests.initiatives.conftest import World, poor
from tests.initiatives.test_pages import jpeg
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.initiatives import services
from vuonlen.initiatives.models import Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _world():
    world = World()
    households = [world.household(f"Y Blăk {i}", citizen_id=f"062080{i:06d}") for i in range(7)]
    for h in households:
        poor(h, 2023)
    garden = services.initiative_create(actor=SYSTEM, name="Nhà vườn kiểu mẫu thôn 4", kind="model_garden",
                                        organisation=world.commune_front, unit=world.commune, start_year=2021,
                                        villages=[world.village], is_pilot=True,
                                        description="Vườn trồng xen cây ăn quả, rau màu và nuôi gà.")
    garden = services.initiative_move(actor=SYSTEM, initiative=garden, to_status=Status.RUNNING)
    services.participants_add(actor=SYSTEM, initiative=garden, households=households, started_on=dt.date(2023, 3, 1))
    services.fund_add(actor=SYSTEM, initiative=garden, source_kind="ntp_poverty", amount=350_000_000, year=2023)
    services.files_attach(actor=SYSTEM, initiative=garden, files=[jpeg("vuon.jpg", size=(800, 500))], public=True)
    services.showcase_approve(actor=world.secretariat, initiative=garden,
                              summary="Vườn trồng xen cây ăn quả, rau màu và nuôi gà; nơi bà con đến học cách làm.")
    small = services.initiative_create(actor=SYSTEM, name="Tổ hợp tác dệt thổ cẩm", kind="cooperative",
                                       organisation=world.district_front, unit=world.commune, start_year=2022)
    small = services.initiative_move(actor=SYSTEM, initiative=small, to_status=Status.RUNNING)
    services.participants_add(actor=SYSTEM, initiative=small, households=households[:3], started_on=dt.date(2023, 3, 1))
    services.showcase_approve(actor=world.secretariat, initiative=small, summary="Phụ nữ dệt thổ cẩm bán cho khách du lịch.")
    return world, garden, households


def test_public_showcase_and_a_model_page_as_commune_officer(page, media, artifacts):
    world, garden, households = _world()
    page.goto("/trien-lam/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mô hình hay, cách làm hiệu quả")
    expect(page.get_by_role("heading", name="Nhà vườn kiểu mẫu thôn 4")).to_be_visible()
    expect(page.get_by_text("< 5", exact=True)).to_be_visible()
    text = page.inner_text("body")
    for h in households:
        assert h.head_name not in text and h.code not in text
    page.screenshot(path=artifacts / "initiatives-public-showcase.png", full_page=True)

    sign_in(page, world.officer.username)
    page.goto(f"/mo-hinh/{garden.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nhà vườn kiểu mẫu thôn 4")
    expect(page.get_by_text("Đang duy trì").first).to_be_visible()
    page.screenshot(path=artifacts / "initiatives-model-officer.png", full_page=True)
    # A refused move: "effective" before any review.
    page.get_by_label("Chuyển sang").select_option("reviewed_effective")
    page.get_by_role("button", name="Chuyển", exact=True).click()
    expect(page.get_by_text("Chưa có kỳ đánh giá nào")).to_be_visible()
    page.screenshot(path=artifacts / "initiatives-refused-move.png", full_page=True)
    page.goto("/mo-hinh/")
    expect(page.get_by_role("link", name="Nhà vườn kiểu mẫu thôn 4")).to_be_visible()
