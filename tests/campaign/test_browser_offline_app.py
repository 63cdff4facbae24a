"""The offline mentor app on a phone (390×844) in Chromium, with its service worker: open it
online, lose the signal, log a visit (with a photo resized on the phone) and an assessment,
reload without signal, see them "chờ gửi", get the signal back and find both saved and audited;
a conflict resolved by the mentor; a send whose answer is lost, retried, making one record.
Screenshots go to var/test-artifacts/."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser_fixtures import PHONE, sign_in, watch_csp
from tests.campaign.factories import AssessmentFactory, MentorAssignmentFactory
from vuonlen.campaign import services
from vuonlen.campaign.models import Assessment, Visit, VisitPhoto
from vuonlen.core.models import AuditLog
from vuonlen.core.periods import today_vn

from .test_browser_visit import world  # noqa: F401  (the households, mentor and officer)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
APP = "/cuoc-van-dong/ung-dung/"


@pytest.fixture
def phone(browser, live_server):
    # Service workers need a secure context: http://localhost (or 127.0.0.1) is one.
    assert re.match(r"http://(localhost|127\.0\.0\.1):\d+$", live_server.url), live_server.url
    made = []

    def open_phone(**options):
        context = browser.new_context(viewport=PHONE, base_url=live_server.url, **options)
        context.set_default_timeout(30_000)
        page = context.new_page()
        made.append((context, watch_csp(page)))
        return context, page

    yield open_phone
    for context, violations in made:
        context.close()
        assert not violations, "Vi phạm Content-Security-Policy:\n" + "\n".join(violations)


def open_app(page):
    page.goto(APP)
    expect(page.locator("body[data-ready='1']")).to_be_attached()
    page.evaluate("navigator.serviceWorker ? navigator.serviceWorker.ready.then(() => true) : true")


def card(page, name):
    return page.locator("#households li").filter(has_text=name)


def photo_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (3000, 2000), "darkgreen").save(buffer, "PNG")
    return buffer.getvalue()


def test_visit_and_assessment_offline_then_sent(phone, world, artifacts):
    homes, mentor = world["homes"], world["mentor"]
    MentorAssignmentFactory.each(homes[:3], mentor=mentor, started_on=dt.date(2024, 1, 1))
    context, page = phone()
    sign_in(page, mentor.username)
    open_app(page)
    expect(page.locator("#households li")).to_have_count(3)
    expect(page.locator("#households")).not_to_contain_text("Y Nhung")  # not theirs
    page.wait_for_function(f"caches.match('{APP}').then(Boolean)")  # the shell is kept
    page.screenshot(path=artifacts / "offline-app-list-phone.png", full_page=True)

    context.set_offline(True)
    expect(page.locator("#net")).to_contain_text("Ngoại tuyến")
    card(page, "A Blong").get_by_role("button", name="Ghi lần thăm").click()
    page.get_by_text("Vay vốn ưu đãi").click()
    page.get_by_label("Đã trao đổi").fill("Bàn chuyện vay vốn nuôi bò")
    page.get_by_label("Ảnh (không bắt buộc)").set_input_files(
        {"name": "anh.png", "mimeType": "image/png", "buffer": photo_png()})
    page.screenshot(path=artifacts / "offline-app-visit-form-phone.png", full_page=True)
    page.get_by_role("button", name="Lưu lần thăm").click()
    expect(page.locator("#notice")).to_contain_text("Đã lưu trên máy, chờ gửi")

    card(page, "Y Hoa").get_by_role("button", name="Đánh giá").click()
    page.get_by_label("Được tuyên truyền về Cuộc vận động").check()
    page.get_by_label("Thay đổi nếp nghĩ, cách làm", exact=True).check()
    page.locator("#told_topics-1").check()
    page.screenshot(path=artifacts / "offline-app-assessment-form-phone.png", full_page=True)
    page.get_by_role("button", name="Lưu đánh giá").click()
    expect(page.locator("#queue li")).to_have_count(2)

    response = page.reload()  # no signal: the service worker answers with the kept shell
    assert response is None or response.from_service_worker
    expect(page.locator("#households li")).to_have_count(3)
    queue = page.locator("#queue li")
    expect(queue).to_have_count(2)
    expect(queue.nth(0)).to_contain_text("chờ gửi")
    expect(queue.nth(1)).to_contain_text("chờ gửi")
    page.screenshot(path=artifacts / "offline-app-pending-phone.png", full_page=True)
    assert not Visit.objects.exists() and not Assessment.objects.exists()

    context.set_offline(False)  # the "online" event sends the queue
    expect(page.locator("#queue li")).to_have_count(0)
    expect(page.locator("#notice")).to_contain_text("Đã gửi")
    visit, assessment = Visit.objects.get(), Assessment.objects.get()
    assert (visit.household_id, visit.mentor, visit.topics) == (homes[0].pk, mentor, ["loan"])
    assert visit.client_uuid is not None
    photo = VisitPhoto.objects.get(visit=visit)
    assert photo.content_type == "image/jpeg"  # resized and re-encoded on the phone
    assert (assessment.household_id, assessment.year, assessment.told, assessment.changed_thinking,
            assessment.told_topics) == (homes[1].pk, today_vn().year, True, True, [1])
    assert AuditLog.objects.filter(source="offline", actor=mentor, action="create").count() == 2
    expect(card(page, "A Blong")).to_contain_text(re.compile(r"Thăm lần cuối"))
    page.screenshot(path=artifacts / "offline-app-sent-phone.png", full_page=True)

    # Signing out leaves nothing of the mentor's on the phone.
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()
    kept = page.evaluate("""async () => ({
        databases: (await indexedDB.databases()).map((d) => d.name),
        caches: await caches.keys(),
        workers: (await navigator.serviceWorker.getRegistrations()).length})""")
    assert kept == {"databases": [], "caches": [], "workers": 0}


def test_a_conflict_is_shown_and_resolved(phone, world, artifacts):
    homes, mentor, officer = world["homes"], world["mentor"], world["officer"]
    MentorAssignmentFactory(mentor=mentor, household=homes[0], started_on=dt.date(2024, 1, 1))
    year = today_vn().year
    AssessmentFactory(household=homes[0], year=year, assessed_on=today_vn(), told=True, actor=mentor)
    context, page = phone()
    sign_in(page, mentor.username)
    open_app(page)
    context.set_offline(True)
    card(page, "A Blong").get_by_role("button", name="Đánh giá").click()
    expect(page.locator("#a-version")).to_contain_text("v1")
    expect(page.get_by_label("Được tuyên truyền về Cuộc vận động")).to_be_checked()
    page.get_by_label("Có mô hình sản xuất ổn định").check()
    page.get_by_role("button", name="Lưu đánh giá").click()
    expect(page.locator("#queue li")).to_contain_text("chờ gửi")

    # Meanwhile the commune officer changes the same assessment on the server (version 2).
    services.assessment_record(actor=officer, household=homes[0], year=year, expected_version=1,
                               data={"assessed_on": today_vn(), "told": True, "solid_house": True})
    context.set_offline(False)
    item = page.locator("#queue li")
    expect(item).to_contain_text("xung đột")
    expect(item).to_contain_text("người khác")
    expect(item.locator("table")).to_contain_text("Có nhà ở kiên cố")
    page.screenshot(path=artifacts / "offline-app-conflict-phone.png", full_page=True)
    assert Assessment.objects.get().version == 2  # nothing overwritten

    item.get_by_role("button", name="Giữ bản của tôi").click()
    expect(page.locator("#queue li")).to_have_count(0)
    assessment = Assessment.objects.get()
    assert (assessment.version, assessment.stable_model, assessment.solid_house) == (3, True, False)
    assert AuditLog.objects.filter(source="offline", action="update", actor=mentor).count() == 1

    # A second time the mentor takes the server's copy: their edit is dropped, the server's kept.
    context.set_offline(True)
    card(page, "A Blong").get_by_role("button", name="Đánh giá").click()
    expect(page.locator("#a-version")).to_contain_text("v3")
    page.get_by_label("Tham gia tổ hợp tác, hợp tác xã", exact=True).check()
    page.get_by_role("button", name="Lưu đánh giá").click()
    services.assessment_record(actor=officer, household=homes[0], year=year, expected_version=3,
                               data={"assessed_on": today_vn(), "told": True, "has_essentials": True})
    context.set_offline(False)
    expect(page.locator("#queue li")).to_contain_text("xung đột")
    page.get_by_role("button", name="Lấy bản trên máy chủ").click()
    expect(page.locator("#queue li")).to_have_count(0)
    assessment = Assessment.objects.get()
    assert (assessment.version, assessment.in_cooperative, assessment.has_essentials) == (4, False, True)
    card(page, "A Blong").get_by_role("button", name="Đánh giá").click()
    expect(page.locator("#a-version")).to_contain_text("v4")
    expect(page.get_by_label("Có tiện nghi thiết yếu (ti vi, xe máy…)", exact=True)).to_be_checked()


QUEUE_JS = """(item) => new Promise((resolve) => {
  const open = indexedDB.open("vuonlen-app", 1);
  open.onsuccess = () => {
    const tx = open.result.transaction("queue", "readwrite");
    const store = tx.objectStore("queue");
    const request = item ? store.put(item, item.uuid) : store.getAll();
    tx.oncomplete = () => { open.result.close(); resolve(item ? null : request.result); };
  };
})"""


def test_a_lost_answer_retried_makes_one_visit(phone, world):
    homes, mentor = world["homes"], world["mentor"]
    MentorAssignmentFactory(mentor=mentor, household=homes[0], started_on=dt.date(2024, 1, 1))
    context, page = phone()
    sign_in(page, mentor.username)
    open_app(page)
    context.set_offline(True)
    card(page, "A Blong").get_by_role("button", name="Ghi lần thăm").click()
    page.get_by_text("Vay vốn ưu đãi").click()
    page.get_by_role("button", name="Lưu lần thăm").click()
    expect(page.locator("#queue li")).to_contain_text("chờ gửi")
    [queued] = page.evaluate(QUEUE_JS, None)
    context.set_offline(False)
    expect(page.locator("#queue li")).to_have_count(0)
    assert Visit.objects.count() == 1

    # The answer was lost on the way: the phone still holds the item and sends it again.
    page.evaluate(QUEUE_JS, queued)
    page.reload()
    expect(page.locator("#queue li")).to_have_count(0)  # sent again on opening, answered "saved"
    assert Visit.objects.count() == 1
    assert str(Visit.objects.get().client_uuid) == queued["uuid"]
    assert AuditLog.objects.filter(source="offline", content_type__model="visit").count() == 1


def test_the_app_opens_over_a_slow_link_and_loads_little(phone, world, artifacts):
    """A phone on a poor mountain link (Chromium throttled to 256 kbit/s down, 64 up, 400 ms
    round trips): the app opens and lists the mentor's households, and everything it fetched
    to open — page, scripts, styles, worker, manifest, icon, data — stays under 300 kB."""
    homes, mentor = world["homes"], world["mentor"]
    MentorAssignmentFactory.each(homes[:3], mentor=mentor, started_on=dt.date(2024, 1, 1))
    context, page = phone()
    sign_in(page, mentor.username)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 400, "downloadThroughput": 256 * 1024 / 8, "uploadThroughput": 64 * 1024 / 8})
    sizes: dict[str, int] = {}
    page.on("response", lambda response: sizes.__setitem__(response.url, len(response.body() or b"")))
    page.goto(APP, timeout=90_000)
    expect(page.locator("body[data-ready='1']")).to_be_attached(timeout=90_000)
    expect(page.locator("#households li")).to_have_count(3, timeout=90_000)
    page.screenshot(path=artifacts / "offline-app-slow-link-phone.png", full_page=True)
    fetched = {url: size for url, size in sizes.items() if url.startswith(page.url.split(APP)[0])}
    print(f"\nslow link: {len(fetched)} responses, {sum(fetched.values())} bytes: {sorted(fetched)}")
    assert any(url.endswith(APP) for url in fetched), fetched
    assert any(url.endswith(".js") for url in fetched) and any("du-lieu" in url for url in fetched), fetched
    assert 0 < sum(fetched.values()) < 300 * 1024, fetched
