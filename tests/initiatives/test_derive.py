"""Issue 13, item 3: a model's page replicates an effective model elsewhere and converts an
ineffective one into a new model with its plan — through the services, in scope, all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.periods import today_vn
from vuonlen.geo.models import Level
from vuonlen.initiatives import services
from vuonlen.initiatives.models import Initiative, Status

pytestmark = pytest.mark.django_db


def _through(world, model, *statuses, **kw):
    for status in statuses:
        if status in (Status.EFFECTIVE, Status.INEFFECTIVE) and not model.reviews.exists():
            services.review_add(actor=SYSTEM, initiative=model, reviewed_on=today_vn(),
                                assessment="Đánh giá giữa kỳ", income_change_pct="")
        model = services.initiative_move(actor=SYSTEM, initiative=model, to_status=status, **kw)
    return model


def _form(world, **extra):
    return {"name": "Nuôi bò sinh sản thôn 5", "kind": "livestock", "organisation": world.commune_front.pk,
            "unit": world.commune.pk, "villages": [world.village.pk], "start_year": today_vn().year,
            "description": "", **extra}


def test_an_effective_models_page_replicates_it_elsewhere_linked_to_its_source(client, world):
    original = world.model(name="Nuôi bò sinh sản", statuses=[Status.RUNNING, Status.EFFECTIVE])
    other_commune = world.district.children.filter(level=Level.COMMUNE).exclude(pk=world.commune.pk).first()
    client.force_login(world.secretariat)
    page = client.get(reverse("initiatives:detail", args=[original.pk])).content.decode()
    assert reverse("initiatives:replicate", args=[original.pk]) in page
    form = client.get(reverse("initiatives:replicate", args=[original.pk])).content.decode()
    assert "Nuôi bò sinh sản" in form  # the name is offered as a start
    response = client.post(reverse("initiatives:replicate", args=[original.pk]),
                           _form(world, organisation=world.district_front.pk, unit=other_commune.pk, villages=[]))
    copy = Initiative.objects.get(name="Nuôi bò sinh sản thôn 5")
    assert response.status_code == 302 and response["Location"] == reverse("initiatives:detail", args=[copy.pk])
    assert copy.replicated_from == original and copy.unit == other_commune and copy.status == Status.BEING_BUILT
    source_page = client.get(reverse("initiatives:detail", args=[original.pk])).content.decode()
    assert reverse("initiatives:detail", args=[copy.pk]) in source_page  # "Được nhân rộng tại"


def test_a_running_model_offers_no_replication_and_the_page_refuses_it(client, world):
    running = world.model(statuses=[Status.RUNNING])
    client.force_login(world.officer)
    assert reverse("initiatives:replicate", args=[running.pk]) not in client.get(
        reverse("initiatives:detail", args=[running.pk])).content.decode()
    response = client.post(reverse("initiatives:replicate", args=[running.pk]), _form(world))
    assert response.status_code == 302 and not Initiative.objects.filter(replicated_from=running).exists()


def test_an_ineffective_model_converts_into_a_new_model_carrying_its_plan(client, world):
    deadline = today_vn() + dt.timedelta(days=60)
    old = world.model(name="Trồng sâm dây", statuses=[Status.RUNNING])
    old = _through(world, old, Status.INEFFECTIVE, conversion_direction="Chuyển sang trồng cà phê xen mắc ca",
                   conversion_deadline=deadline)
    client.force_login(world.officer)
    url = reverse("initiatives:convert", args=[old.pk])
    assert url in client.get(reverse("initiatives:detail", args=[old.pk])).content.decode()
    form = client.get(url).content.decode()
    assert "Chuyển sang trồng cà phê xen mắc ca" in form and deadline.strftime("%d/%m/%Y") in form
    response = client.post(url, _form(world, name="Cà phê xen mắc ca", kind="crops",
                                      description="Chuyển sang trồng cà phê xen mắc ca"))
    new = Initiative.objects.get(name="Cà phê xen mắc ca")
    old.refresh_from_db()
    assert response.status_code == 302
    assert old.status == Status.CONVERTED and old.converted_into == new
    assert old.status_changes.order_by("-pk").first().to_status == Status.CONVERTED
    page = client.get(reverse("initiatives:detail", args=[old.pk])).content.decode()
    assert "Đã chuyển đổi thành" in page and reverse("initiatives:detail", args=[new.pk]) in page


def test_a_refused_conversion_writes_nothing_and_names_every_problem(client, world):
    old = world.model(name="Trồng sâm dây", statuses=[Status.RUNNING])
    old = _through(world, old, Status.INEFFECTIVE, conversion_direction="Đổi giống",
                   conversion_deadline=today_vn() + dt.timedelta(days=30))
    client.force_login(world.officer)
    before = Initiative.objects.count()
    response = client.post(reverse("initiatives:convert", args=[old.pk]), _form(world, name="", start_year=1990))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Trường này là bắt buộc." in body  # the name
    assert "lớn hơn hoặc bằng với 2000" in body  # the year, in the same answer
    old.refresh_from_db()
    assert Initiative.objects.count() == before and old.status == Status.INEFFECTIVE


def test_conversion_is_out_of_reach_outside_the_scope(client, world):
    old = world.model(name="Trồng sâm dây", statuses=[Status.RUNNING])
    old = _through(world, old, Status.INEFFECTIVE, conversion_direction="Đổi giống",
                   conversion_deadline=today_vn() + dt.timedelta(days=30))
    client.force_login(world.other_officer)
    assert client.get(reverse("initiatives:convert", args=[old.pk])).status_code == 404
    assert client.post(reverse("initiatives:convert", args=[old.pk]), _form(world)).status_code == 404
    old.refresh_from_db()
    assert old.status == Status.INEFFECTIVE


def test_convert_service_rejects_a_model_that_is_not_ineffective(world):
    running = world.model(statuses=[Status.RUNNING])
    with pytest.raises(Exception) as err:
        services.initiative_convert(actor=world.officer, initiative=running, name="Mới",
                                    organisation=world.commune_front, unit=world.commune, start_year=2026)
    assert "Chỉ chuyển đổi mô hình đã được đánh giá chưa hiệu quả" in str(err.value)
    assert not Initiative.objects.filter(name="Mới").exists()
