"""Issue 13, item 4: pickers that find things — households by name or code (with or without
diacritics), villages of the chosen commune with the commune shown, models by name with their
commune; scoped (an out-of-scope record is never suggested), words posted, never in a URL."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from tests import factories
from tests.geo.factories import VillageFactory
from tests.initiatives.conftest import World
from vuonlen.accounts.roles import Role
from vuonlen.campaign.forms import AssignForm
from vuonlen.initiatives.forms import ExemplarForm, InitiativeForm, ParticipantsForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(kontum):
    world = World()
    world.mine = world.household("Y Blăk Êban", code="DTL-001")
    world.mine_too = world.household("Đinh Văn Lực", code="DTL-002")
    theirs_village = VillageFactory(commune=world.other_commune, name="Thôn Xa")
    world.theirs = world.household("Y Blăk Niê", code="KPL-001", unit=theirs_village)
    return world


def _suggest(client, name, **data):
    response = client.post(reverse(name), data)
    assert response.status_code == 200
    return response.json()["results"]


def test_households_by_name_without_diacritics_or_by_code_only_in_scope(client, world):
    client.force_login(world.officer)
    found = _suggest(client, "households:suggest", q="y blak")
    assert [r["value"] for r in found] == ["DTL-001"]  # Y Blăk Niê of the other district is never offered
    assert found[0]["label"] == "Y Blăk Êban · DTL-001" and "Thôn 4" in found[0]["hint"]
    assert [r["value"] for r in _suggest(client, "households:suggest", q="đinh văn")] == ["DTL-002"]
    # By code, in Vietnamese order of the head's name (Đ before Y).
    assert [r["value"] for r in _suggest(client, "households:suggest", q="dtl-00")] == ["DTL-002", "DTL-001"]
    assert _suggest(client, "households:suggest", q="KPL") == []
    assert _suggest(client, "households:suggest", q="y") == []  # fewer than two letters: nothing yet


def test_household_search_words_are_posted_not_put_in_a_url_and_not_logged(client, world, caplog):
    client.force_login(world.officer)
    assert client.get(reverse("households:suggest"), {"q": "y blak"}).status_code == 405
    with caplog.at_level(logging.DEBUG):
        _suggest(client, "households:suggest", q="Y Blăk")
    assert "Blăk" not in caplog.text


def test_suggestions_need_a_login_and_the_room(client, world):
    response = client.post(reverse("households:suggest"), {"q": "y blak"})
    assert response.status_code == 302 and "dang-nhap" in response["Location"]
    reporter = factories.make_user(Role.REPORTING_UNIT, world.commune, username="baocao")
    client.force_login(reporter)  # a reporting unit never reads the registry
    assert client.post(reverse("households:suggest"), {"q": "y blak"}).status_code == 404


def test_villages_of_the_chosen_commune_with_the_commune_named(client, world):
    VillageFactory(commune=world.commune, name="Thôn 5")
    client.force_login(world.officer)
    found = _suggest(client, "geo:village_suggest", don_vi=world.commune.pk)
    assert {r["label"] for r in found} == {"Thôn 4", "Thôn 5"}
    assert {r["hint"] for r in found} == {world.commune.name}
    # Another district's commune: nothing, not even its existence.
    assert _suggest(client, "geo:village_suggest", don_vi=world.other_commune.pk) == []
    form = InitiativeForm(organisations=world.commune.children.none(), units=world.commune.children.none(),
                          villages=world.commune.children.all())
    html = str(form["villages"])
    assert f"Thôn 4 — {world.commune.name}" in html and 'data-vl-narrow-by="unit"' in html


def test_models_by_name_with_their_commune_only_in_scope(client, world):
    world.model(name="Nuôi bò sinh sản")
    world.model(name="Nuôi bò sinh sản", unit=world.other_commune, org=world.other_front)
    client.force_login(world.officer)
    found = _suggest(client, "initiatives:suggest", q="nuoi bo")
    assert len(found) == 1 and world.commune.name in found[0]["hint"]


def test_the_picker_is_a_plain_field_without_javascript(world):
    html = str(ParticipantsForm()["codes"])
    assert "<textarea" in html and 'name="codes"' in html
    assert f'data-vl-picker="{reverse("households:suggest")}"' in html and "data-vl-picker-multiple" in html
    assert 'role="listbox"' in html


def test_the_exemplar_form_does_not_ask_the_commune_when_the_household_tells_it(client, world, settings, tmp_path):
    client.force_login(world.officer)
    form = ExemplarForm(communes=world.commune.children.none())
    assert form.fields["commune"].required is False
    response = client.post(reverse("initiatives:exemplar_create"), {
        "household_code": "DTL-001", "commune": "", "year": 2025, "story": "Gia đình vươn lên nhờ nuôi bò.",
        "consent_to_publish": "on"})
    assert response.status_code == 302
    from vuonlen.initiatives.models import Exemplar

    exemplar = Exemplar.objects.get()
    assert exemplar.household == world.mine and exemplar.commune == world.mine.commune


def test_the_mentor_picker_tells_two_people_of_the_same_name_apart(world):
    from vuonlen.accounts.models import User

    a = factories.make_user(Role.MENTOR, world.village, username="hung.thon4", full_name="Nguyễn Văn Hùng")
    b = factories.make_user(Role.COMMUNE_OFFICER, world.commune, username="hung.xa", full_name="Nguyễn Văn Hùng")
    form = AssignForm(mentors=User.objects.filter(pk__in=[a.pk, b.pk]), households=[],
                      groups=world.commune.children.none())
    labels = [label for value, label in form.fields["mentor"].choices if value]
    assert len(labels) == 2 and len(set(labels)) == 2
    assert any("hung.thon4" in label and "Thôn 4" in label for label in labels)
    assert any("hung.xa" in label and world.commune.name in label for label in labels)


def test_a_household_is_found_by_any_members_name_not_only_the_heads(client, world):
    """One way to find a household by name (``selectors.matching_names``): the pickers match the
    name of any member, as the register's search does, since the head's own index was dropped."""
    from tests.households.factories import HouseholdFactory

    HouseholdFactory(unit=world.village, code="DTL-009", members=["Hồ Văn Tám", "Rơ Châm Hlin"])
    client.force_login(world.officer)
    found = _suggest(client, "households:suggest", q="ro cham")
    assert [(r["value"], r["label"]) for r in found] == [("DTL-009", "Hồ Văn Tám · DTL-009")]
