"""Indicator 1: the share of poor and near-poor EM households (current reviews of the year)
reached by at least one outreach activity that year — numerator and denominator."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from tests.initiatives.conftest import World, not_poor, poor
from tests.outreach.factories import ActivityFactory
from vuonlen.outreach import selectors, services
from vuonlen.outreach.models import Activity, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(kontum):
    return World()


def session(world, households, day=dt.date(2023, 5, 4), **kw):
    return ActivityFactory(actor=world.officer, date=day, unit=world.commune, title="Tuyên truyền tại thôn 4",
                           topics=Topic.objects.filter(number__in=[1, 3]), households=households, **kw)


def test_ten_handbook_topics_are_data():
    assert Topic.objects.count() == 10
    assert Topic.objects.get(number=1).name.startswith("Mục đích, ý nghĩa")


def test_numerator_and_denominator(world):
    a, b, c = world.household("A Một"), world.household("Y Hai"), world.household("A Ba")
    rich = world.household("A Giàu")
    kinh = world.household("Nguyễn Văn Kinh", ethnicity="01")
    for h in (a, b, c, kinh):
        poor(h, 2023)
    not_poor(rich, 2023)
    poor(rich, 2022)
    session(world, [a, rich, kinh])
    session(world, [b], day=dt.date(2022, 12, 30))  # last year: does not count for 2023
    result = selectors.indicator1(unit=world.commune, year=2023)
    assert (result.numerator, result.denominator) == (1, 3)  # a; of a, b, c (the Kinh household is not EM)
    assert result.percent_label == "33,3%" and not result.met
    session(world, [b, c], day=dt.date(2023, 11, 2))
    result = selectors.indicator1(unit=world.district, year=2023)
    assert (result.numerator, result.denominator, result.met) == (3, 3, True)
    empty = selectors.indicator1(unit=world.other_commune, year=2023)
    assert (empty.numerator, empty.denominator, empty.share, empty.percent_label) == (0, 0, None, "—")


def test_households_out_of_scope_are_named_and_nothing_written(world):
    mine = world.household("A Một")
    theirs = world.household("A Xa", unit=world.other_commune)
    with pytest.raises(ValidationError) as err:
        session(world, [mine, theirs])
    assert f"Không tìm thấy hộ {theirs.code}" in " ".join(err.value.messages)
    assert Activity.objects.count() == 0


def test_propaganda_needs_topics_and_channel_all_at_once(world):
    with pytest.raises(ValidationError) as err:
        services.activity_record(actor=world.officer, kind="propaganda", date=dt.date(2023, 5, 1),
                                 unit=world.commune, title="", participants=-1)
    assert {"topics", "channel", "title", "participants"} <= set(err.value.message_dict)


def test_exchange_visit_links_a_model(world):
    model = world.model()
    visit = services.activity_record(actor=world.officer, kind="exchange", date=dt.date(2023, 6, 1),
                                     unit=world.commune, title="Tham quan nhà vườn", visited_initiative=model,
                                     participants=25)
    assert list(model.exchange_visits.all()) == [visit]
    with pytest.raises(ValidationError) as err:
        services.activity_record(actor=world.officer, kind="exchange", date=dt.date(2023, 6, 1),
                                 unit=world.commune, title="Tham quan", participants=3)
    assert "visited_initiative" in err.value.message_dict


def test_scope(world):
    with pytest.raises(Http404):
        services.activity_record(actor=world.other_officer, kind="launch", date=dt.date(2023, 6, 1),
                                 unit=world.commune, title="Lễ phát động", participants=100)
    activity = session(world, [])
    assert list(selectors.activities_visible_to(world.officer)) == [activity]
    assert list(selectors.activities_visible_to(world.other_officer)) == []
    with pytest.raises(Http404):
        selectors.get_activity_for_user_or_404(world.other_officer, activity.pk)
