"""The model's pipeline: every allowed move writes a row; every refused move says why in
Vietnamese and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.periods import today_vn
from vuonlen.initiatives import selectors, services
from vuonlen.initiatives.models import Initiative, Status, StatusChange

pytestmark = pytest.mark.django_db

LATER = today_vn() + dt.timedelta(days=90)


def _review(world, model, actor=SYSTEM):
    return services.review_add(actor=actor or world.officer, initiative=model, reviewed_on=today_vn(),
                               assessment="Hộ tham gia có thu nhập ổn định", income_change_pct="12,5")


def move(world, model, to, **kw):
    return services.initiative_move(actor=world.officer, initiative=model, to_status=to, **kw)


def test_register_starts_being_built_with_a_row(world):
    model = world.model(actor=world.officer)
    assert model.status == Status.BEING_BUILT
    row = StatusChange.objects.get(initiative=model)
    assert (row.from_status, row.to_status, row.actor) == ("", Status.BEING_BUILT, world.officer)
    assert model.level == "commune"  # from the commune front


def test_full_happy_path_and_each_move_is_a_row(world):
    model = world.model(actor=world.officer)
    model = move(world, model, Status.RUNNING, comment="Bắt đầu trồng")
    _review(world, model)
    model = move(world, model, Status.EFFECTIVE)
    model = move(world, model, Status.RUNNING)
    model = move(world, model, Status.INEFFECTIVE, conversion_direction="Chuyển sang nuôi bò sinh sản",
                 conversion_deadline=LATER)
    assert model.conversion_direction == "Chuyển sang nuôi bò sinh sản" and model.conversion_deadline == LATER
    model = move(world, model, Status.CONVERTED, comment="Đã chuyển đổi")
    moves = list(StatusChange.objects.filter(initiative=model).values_list("from_status", "to_status"))
    assert moves == [("", "being_built"), ("being_built", "running"), ("running", "reviewed_effective"),
                     ("reviewed_effective", "running"), ("running", "reviewed_ineffective"),
                     ("reviewed_ineffective", "converted")]
    assert all(r.actor == world.officer for r in StatusChange.objects.filter(initiative=model).exclude(from_status=""))


def test_close_from_being_built_needs_a_reason(world):
    model = world.model()
    with pytest.raises(ValidationError) as err:
        move(world, model, Status.CLOSED)
    assert "lý do dừng" in str(err.value)
    model = move(world, model, Status.CLOSED, comment="Không có đất")
    assert model.status == Status.CLOSED


@pytest.mark.parametrize("start,target", [
    (Status.BEING_BUILT, Status.EFFECTIVE),
    (Status.BEING_BUILT, Status.INEFFECTIVE),
    (Status.BEING_BUILT, Status.CONVERTED),
    (Status.RUNNING, Status.CONVERTED),
    (Status.RUNNING, Status.BEING_BUILT),
])
def test_refused_moves_name_the_allowed_ones(world, start, target):
    model = world.model()
    if start == Status.RUNNING:
        model = move(world, model, Status.RUNNING)
    with pytest.raises(ValidationError) as err:
        move(world, model, target, conversion_direction="x", conversion_deadline=LATER)
    text = " ".join(err.value.messages)
    assert "Không chuyển được từ" in text and "chỉ chuyển được sang" in text
    model.refresh_from_db()
    assert model.status == start
    assert StatusChange.objects.filter(initiative=model, to_status=target).exclude(from_status="").count() == 0


def test_final_states_refuse_everything(world):
    model = move(world, world.model(), Status.CLOSED, comment="Dừng")
    for target in Status.values:
        with pytest.raises(ValidationError) as err:
            move(world, model, target, comment="x")
        assert "không chuyển sang tình trạng khác được nữa" in " ".join(err.value.messages)


def test_review_verdict_needs_a_review_first(world):
    model = move(world, world.model(), Status.RUNNING)
    with pytest.raises(ValidationError) as err:
        move(world, model, Status.EFFECTIVE)
    assert "Chưa có kỳ đánh giá" in " ".join(err.value.messages)


def test_ineffective_needs_direction_and_deadline_all_at_once(world):
    model = move(world, world.model(), Status.RUNNING)
    _review(world, model)
    with pytest.raises(ValidationError) as err:
        move(world, model, Status.INEFFECTIVE)
    assert set(err.value.message_dict) == {"conversion_direction", "conversion_deadline"}
    with pytest.raises(ValidationError) as err:
        move(world, model, Status.INEFFECTIVE, conversion_direction="Đổi giống", conversion_deadline=dt.date(2020, 1, 1))
    assert "đã qua" in " ".join(err.value.messages)


def test_replicate_only_effective_models_and_link_to_original(world):
    original = move(world, world.model(), Status.RUNNING)
    with pytest.raises(ValidationError) as err:
        services.initiative_replicate(actor=world.officer, original=original, name="Bản sao",
                                      organisation=world.commune_front, unit=world.commune, start_year=2024)
    assert "Chỉ nhân rộng mô hình đã được đánh giá hiệu quả" in " ".join(err.value.messages)
    _review(world, original)
    original = move(world, original, Status.EFFECTIVE)
    copy = services.initiative_replicate(actor=world.officer, original=original, name="Nhân rộng ở thôn 5",
                                         organisation=world.commune_front, unit=world.commune, start_year=2024)
    assert copy.replicated_from == original and copy.kind == original.kind
    assert list(original.replicas.all()) == [copy]


def test_one_pilot_per_organisation_per_year(world):
    world.model(name="Điểm 2023", is_pilot=True)
    with pytest.raises(ValidationError) as err:
        world.model(name="Điểm thứ hai 2023", is_pilot=True)
    assert "đã đăng ký mô hình điểm năm 2023" in " ".join(err.value.messages)
    world.model(name="Không phải điểm", is_pilot=False)
    world.model(name="Điểm 2024", is_pilot=True, year=2024)
    world.model(name="Điểm của huyện", is_pilot=True, org=world.district_front)
    assert Initiative.objects.filter(is_pilot=True).count() == 3
    # Editing another model into a second pilot is refused too.
    other = Initiative.objects.get(name="Không phải điểm")
    with pytest.raises(ValidationError):
        services.initiative_update(actor=world.officer, initiative=other, name=other.name, kind=other.kind,
                                   is_pilot=True)


def test_all_errors_at_once(world):
    with pytest.raises(ValidationError) as err:
        services.initiative_create(actor=world.officer, name="", kind="x", organisation=None, unit=world.commune,
                                   start_year=1990)
    assert {"name", "kind", "organisation", "start_year"} <= set(err.value.message_dict)


def test_level_must_match_the_building_organisation(world):
    with pytest.raises(ValidationError) as err:
        world.model(level="district")
    assert "không xây dựng mô hình cấp huyện" in " ".join(err.value.messages)


def test_scope_of_writes(world):
    with pytest.raises(Http404):
        world.model(actor=world.other_officer)
    model = world.model()
    with pytest.raises(Http404):
        services.initiative_move(actor=world.other_officer, initiative=model, to_status=Status.RUNNING)
    with pytest.raises(PermissionDenied):
        services.initiative_move(actor=world.viewer, initiative=model, to_status=Status.RUNNING)


def test_participants_must_be_in_scope_and_review_counts_exits(world):
    from tests.initiatives.conftest import not_poor, poor

    model = world.model()
    inside = world.household("Y Hiên Thị")
    far = world.household("A Xa", unit=world.other_commune)
    with pytest.raises(ValidationError) as err:
        services.participants_add(actor=world.officer, initiative=model, households=[inside, far],
                                  started_on=dt.date(2023, 2, 1))
    assert f"Không tìm thấy hộ {far.code}" in " ".join(err.value.messages)
    assert model.participations.count() == 0
    second = world.household("A Nhân")
    services.participants_add(actor=world.officer, initiative=model, households=[inside, second],
                              started_on=dt.date(2023, 2, 1))
    poor(inside, 2022)
    poor(second, 2022)
    not_poor(inside, 2023)
    poor(second, 2023)
    assert selectors.participants_out_of_poverty(model, 2023) == (2, 1)
    with pytest.raises(ValidationError) as err:
        services.participants_add(actor=world.officer, initiative=model, households=[inside],
                                  started_on=dt.date(2023, 3, 1))
    assert "đang tham gia" in " ".join(err.value.messages)


def test_funds(world):
    model = world.model()
    services.fund_add(actor=world.officer, initiative=model, source_kind="ntp_poverty", amount="150.000.000",
                      year=2023)
    services.fund_add(actor=world.officer, initiative=model, source_kind="households", amount=20_000_000, year=2023)
    assert selectors.fund_totals(model)["total"] == 170_000_000
    with pytest.raises(ValidationError) as err:
        services.fund_add(actor=world.officer, initiative=model, source_kind="nope", amount="-5", year=2019)
    assert set(err.value.message_dict) == {"source", "amount", "year"}
