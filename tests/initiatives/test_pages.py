"""Pages: scope (another commune's model is "not found" in list, detail, edit, files), the
public showcase's privacy rules, and upload checks."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests import factories
from tests.initiatives.conftest import poor
from tests.initiatives.factories import ParticipantFactory
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.periods import today_vn
from vuonlen.households.ethnicity import choices as ethnicity_choices
from vuonlen.households.models import Household, Person
from vuonlen.initiatives import services
from vuonlen.initiatives.models import InitiativeFile, Status

pytestmark = pytest.mark.django_db


def jpeg(name="anh.jpg", size=(64, 48)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, (30, 140, 60)).save(buf, format="JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def login(client, user):
    client.force_login(user)


# --- scope ---------------------------------------------------------------------------------

def test_commune_officer_sees_only_their_communes_models(client, world):
    mine = world.model(name="Mô hình của xã tôi")
    theirs = world.model(name="Mô hình xã khác", org=world.other_front, unit=world.other_commune)
    services.files_attach(actor=SYSTEM, initiative=theirs, files=[jpeg()])
    their_file = theirs.files.get()
    login(client, world.officer)
    page = client.get(reverse("initiatives:list")).content.decode()
    assert "Mô hình của xã tôi" in page and "Mô hình xã khác" not in page
    # The row as drawn (in Python: views._list_rows): link, kind, place, year, participants, status.
    row = re.search(r'<tr><td><a href="' + reverse("initiatives:detail", args=[mine.pk]) + r'">.*?</tr>', page).group(0)
    assert "Mô hình của xã tôi</a></td><td>Sản xuất — trồng trọt</td><td>Cấp xã</td>" in row
    assert f"<td>{world.commune.name}</td>" in row
    assert '<td>2023</td><td class="text-end">0</td><td><span class="badge text-bg-' in row
    assert client.get(reverse("initiatives:detail", args=[mine.pk])).status_code == 200
    for url in (reverse("initiatives:detail", args=[theirs.pk]), reverse("initiatives:edit", args=[theirs.pk]),
                reverse("initiatives:file", args=[theirs.pk, their_file.pk]),
                reverse("initiatives:file", args=[mine.pk, their_file.pk])):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("initiatives:move", args=[theirs.pk]), {"to_status": "running"})
    assert response.status_code == 404


def test_officer_registers_and_moves_a_model_through_pages(client, world):
    login(client, world.officer)
    response = client.post(reverse("initiatives:create"), {
        "name": "Nuôi bò sinh sản", "kind": "livestock", "organisation": world.commune_front.pk,
        "unit": world.commune.pk, "villages": [world.village.pk], "start_year": 2024, "is_pilot": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    model = world.commune_front.initiatives.get()
    assert model.is_pilot and list(model.villages.all()) == [world.village]
    response = client.post(reverse("initiatives:move", args=[model.pk]), {"to_status": "reviewed_effective"})
    assert response.status_code == 400
    assert "Không chuyển được từ" in response.content.decode()
    response = client.post(reverse("initiatives:move", args=[model.pk]), {"to_status": "running"})
    assert response.status_code == 302
    model.refresh_from_db()
    assert model.status == Status.RUNNING


def test_edit_page_refuses_a_stale_version_and_keeps_the_other_persons_change(client, world):
    model = world.model(actor=world.officer, description="Trồng sâm dây dưới tán rừng")
    login(client, world.officer)
    url = reverse("initiatives:edit", args=[model.pk])
    assert 'name="version" value="1"' in client.get(url).content.decode()
    # The secretariat saves first, from the same version.
    services.initiative_update(actor=world.secretariat, initiative=model, name=model.name, kind=model.kind,
                               description="Gắn với tổ hợp tác sâm dây", start_year=2023, expected_version=1)
    form = {"name": model.name, "kind": model.kind, "start_year": 2023, "description": "Mô tả của tôi",
            "version": 1}
    response = client.post(url, form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mô hình này vừa được người khác sửa" in html and "Mô tả của tôi" in html
    model.refresh_from_db()
    assert (model.description, model.version) == ("Gắn với tổ hợp tác sâm dây", 2)
    # Having reloaded (version 2), the save goes through.
    assert client.post(url, {**form, "version": 2}).status_code == 302
    model.refresh_from_db()
    assert (model.description, model.version) == ("Mô tả của tôi", 3)


def test_upload_checks(client, world):
    model = world.model()
    fake = SimpleUploadedFile("anh.jpg", b"MZ\x90\x00 not a photo", content_type="image/jpeg")
    script = SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    with pytest.raises(ValidationError) as err:
        services.files_attach(actor=world.officer, initiative=model, files=[fake, script])
    text = " ".join(err.value.messages)
    assert "anh.jpg" in text and "run.exe" in text
    assert InitiativeFile.objects.count() == 0
    big = jpeg("lon.jpg", size=(4000, 3000))
    [stored] = services.files_attach(actor=world.officer, initiative=model, files=[big], public=True)
    assert stored.is_photo and stored.public
    with Image.open(stored.stored_name and __import__("django.core.files.storage", fromlist=["x"])
                    .default_storage.open(stored.stored_name)) as image:
        assert max(image.size) <= 2000  # re-encoded and shrunk
    login(client, world.officer)
    response = client.get(reverse("initiatives:file", args=[model.pk, stored.pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"


# --- the public showcase ---------------------------------------------------------------------

def _populate(world):
    """Two approved models (one with 6 households, one with 2), one unapproved, one withdrawn,
    exemplars with and without consent."""
    households = []
    for i in range(6):
        household = world.household(f"Y Blăk Niê {i}", citizen_id=f"062080{i:06d}")
        poor(household, 2023)
        households.append(household)
    big = world.model(name="Trồng sâm dây dưới tán rừng", kind="forest", statuses=[Status.RUNNING])
    for household in households:
        ParticipantFactory(initiative=big, household=household)
    services.fund_add(actor=SYSTEM, initiative=big, source_kind="ntp_poverty", amount=1_250_000_000, year=2023)
    services.files_attach(actor=SYSTEM, initiative=big, files=[jpeg("cong-khai.jpg")], public=True)
    services.files_attach(actor=SYSTEM, initiative=big, files=[jpeg("noi-bo.jpg")], public=False)
    services.showcase_approve(actor=world.secretariat, initiative=big, summary="Hộ tham gia trồng sâm dây.")
    small = world.model(name="Tổ hợp tác dệt thổ cẩm", kind="cooperative", org=world.district_front,
                        statuses=[Status.RUNNING])
    for household in households[:2]:
        ParticipantFactory(initiative=small, household=household)
    services.showcase_approve(actor=world.secretariat, initiative=small, summary="Phụ nữ dệt thổ cẩm bán cho khách.")
    world.model(name="Mô hình chưa duyệt bí mật", year=2024, statuses=[Status.RUNNING])
    gone = world.model(name="Mô hình đã bị gỡ", kind="living", year=2022, statuses=[Status.RUNNING])
    services.showcase_approve(actor=world.secretariat, initiative=gone, summary="Sẽ bị gỡ.")
    services.showcase_withdraw(actor=world.secretariat, initiative=gone)
    services.exemplar_create(actor=world.officer, commune=world.commune, household=households[0], year=2023,
                             story="Gia đình mạnh dạn vay vốn nuôi bò.", consent_to_publish=True)
    named = services.exemplar_create(actor=world.officer, commune=world.commune, display_name="Già làng A Thút",
                                     year=2023, story="Vận động con cháu bỏ hủ tục.", consent_to_publish=True,
                                     publish_name=True)
    private = services.exemplar_create(actor=world.officer, commune=world.commune, household=households[1],
                                       display_name="Y Riêng Tư", year=2023, story="Câu chuyện riêng tư không công bố.")
    for e in world.commune.exemplars.all():
        if e.consent_to_publish:
            services.exemplar_approve(actor=world.secretariat, exemplar=e)
    return big, small, named, private


def test_public_page_without_login_shows_only_approved_and_counts(client, world):
    big, small, named, private = _populate(world)
    response = client.get("/trien-lam/")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    # Vary: Cookie only for the language switch (core.middleware); the page itself sets no
    # cookie and reads no session, so one cached copy per language serves everyone.
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in response.content.decode()
    html = response.content.decode()
    assert "Trồng sâm dây dưới tán rừng" in html and "Tổ hợp tác dệt thổ cẩm" in html
    assert "Mô hình chưa duyệt bí mật" not in html and "Mô hình đã bị gỡ" not in html
    assert re.search(r"Hộ tham gia</span><strong>6</strong>", html)
    assert "&lt; 5" in html  # the two-household model
    assert "1.250.000.000 đồng" in html
    assert world.commune.name in html
    # Stories: consented ones only; a name only where the family agreed.
    assert "Gia đình mạnh dạn vay vốn nuôi bò." in html and "Già làng A Thút" in html
    assert "Câu chuyện riêng tư" not in html and "Y Riêng Tư" not in html


def test_public_page_has_no_personal_data(client, world):
    _populate(world)
    html = client.get("/trien-lam/").content.decode()
    names = set(Household.objects.values_list("head_name", flat=True)) | set(
        Person.objects.values_list("full_name", flat=True))
    ids = set(Person.objects.exclude(citizen_id=None).values_list("citizen_id", flat=True))
    codes = set(Household.objects.values_list("code", flat=True))
    assert names and ids
    for value in names | ids | codes:
        assert value not in html, value
    used = set(Household.objects.values_list("ethnicity", flat=True))
    for code, label in ethnicity_choices():
        if code in used:
            assert str(label) not in html, label
    assert "noi-bo.jpg" not in html and "cong-khai.jpg" not in html


def test_public_photos_only_for_approved_public_photos(client, world):
    big, small, named, private = _populate(world)
    public = big.files.get(public=True)
    internal = big.files.get(public=False)
    response = client.get(reverse("showcase:photo", args=[public.pk]))
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    assert "cong-khai" not in response["Content-Disposition"]  # the uploader's file name may be a person's
    assert client.get(reverse("showcase:photo", args=[internal.pk])).status_code == 404
    services.showcase_withdraw(actor=world.secretariat, initiative=big)
    assert client.get(reverse("showcase:photo", args=[public.pk])).status_code == 404
    assert "Trồng sâm dây" not in client.get("/trien-lam/").content.decode()


def test_only_the_secretariat_approves_and_names_are_refused(world):
    from django.core.exceptions import PermissionDenied

    model = world.model(name="Mô hình nuôi heo", statuses=[Status.RUNNING])
    household = world.household("Đinh Văn Hùng")
    ParticipantFactory(initiative=model, household=household)
    with pytest.raises(PermissionDenied):
        services.showcase_approve(actor=world.officer, initiative=model, summary="Tốt")
    with pytest.raises(ValidationError) as err:
        services.showcase_approve(actor=world.secretariat, initiative=model, summary="Hộ ông Đinh Văn Hùng làm giỏi")
    assert "không được nêu tên người" in " ".join(err.value.messages)
    building = world.model(name="Đang xây dựng")
    with pytest.raises(ValidationError):
        services.showcase_approve(actor=world.secretariat, initiative=building, summary="Tốt")


def test_a_model_that_stops_leaves_the_public_page(client, world):
    model = world.model(name="Mô hình sẽ dừng", statuses=[Status.RUNNING])
    services.showcase_approve(actor=world.secretariat, initiative=model, summary="Tốt")
    assert "Mô hình sẽ dừng" in client.get("/trien-lam/").content.decode()
    services.initiative_move(actor=world.officer, initiative=model, to_status=Status.CLOSED, comment="Hết vốn")
    assert "Mô hình sẽ dừng" not in client.get("/trien-lam/").content.decode()


def test_exemplar_consent_rules(world):
    household = world.household()
    with pytest.raises(ValidationError) as err:
        services.exemplar_create(actor=world.officer, commune=world.commune, household=household, year=2023,
                                 story="x", publish_name=True)
    assert "publish_name" in err.value.message_dict
    exemplar = services.exemplar_create(actor=world.officer, commune=world.commune, household=household, year=2023,
                                        story="x")
    with pytest.raises(ValidationError):
        services.exemplar_approve(actor=world.secretariat, exemplar=exemplar)
    far = world.household("A Xa", unit=world.other_commune)
    with pytest.raises(ValidationError) as err:
        services.exemplar_create(actor=world.officer, commune=world.commune, household=far, year=2023, story="x")
    assert "household" in err.value.message_dict
    assert today_vn()


def test_reporting_unit_reads_the_model_but_not_household_names(client, world):
    from vuonlen.accounts.roles import Role

    model = world.model()
    household = world.household("Y Riêng Tư Lắm")
    ParticipantFactory(initiative=model, household=household)
    unit_user = factories.make_user(Role.REPORTING_UNIT, organisation=world.district_front)
    client.force_login(unit_user)
    html = client.get(reverse("initiatives:detail", args=[model.pk])).content.decode()
    assert model.name in html and "Y Riêng Tư Lắm" not in html and household.code not in html
