"""The ledger and twinning admin: scoped to the staff member's area (404 elsewhere), read-only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests import factories
from tests.support.factories import EntryFactory
from tests.twinning.worlds import D
from vuonlen.accounts.roles import Role
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.support.models import SupportEntry
from vuonlen.twinning import services as twinning_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(world, client):
    user = factories.make_user(Role.COMMUNE_OFFICER, world.commune, is_staff=True, username="staff.dtl")
    user.user_permissions.set(Permission.objects.filter(
        content_type__app_label__in=["support", "twinning"], codename__startswith="view_"))
    client.force_login(user)
    return client


def give(world, unit, value=1_000_000):
    return EntryFactory(value_vnd=value, unit=unit)


def test_staff_sees_only_own_communes_ledger_entries(world, staff):
    mine = give(world, world.village)
    theirs = give(world, world.commune2, value=7_000_000)
    assert staff.get(reverse("admin:support_supportentry_change", args=[mine.pk])).status_code == 200
    assert staff.get(reverse("admin:support_supportentry_change", args=[theirs.pk])).status_code == 404
    assert staff.post(reverse("admin:support_supportentry_change", args=[theirs.pk]),
                      {"value_vnd": "1"}).status_code == 404
    listing = staff.get(reverse("admin:support_supportentry_changelist"))
    assert list(listing.context["cl"].queryset) == [mine]
    assert staff.get(reverse("admin:support_supportentry_history", args=[theirs.pk])).status_code == 404


def test_ledger_admin_is_read_only(world, staff):
    mine = give(world, world.village)
    assert staff.get(reverse("admin:support_supportentry_add")).status_code == 403
    staff.post(reverse("admin:support_supportentry_change", args=[mine.pk]), {"value_vnd": "5"})
    mine.refresh_from_db()
    assert mine.value_vnd == 1_000_000
    assert staff.post(reverse("admin:support_supportentry_delete", args=[mine.pk]),
                      {"post": "yes"}).status_code == 403
    assert SupportEntry.objects.filter(pk=mine.pk).exists()


def test_twinning_admin_is_scoped(world, staff):
    ours = twinning_services.pair_create(actor=SYSTEM, organisation=world.rubber, unit=world.commune,
                                         started_on=D(2021, 3, 1))
    theirs = twinning_services.pair_create(actor=SYSTEM, organisation=world.army, unit=world.commune2,
                                           started_on=D(2021, 3, 1))
    assert staff.get(reverse("admin:twinning_twinningpair_change", args=[ours.pk])).status_code == 200
    assert staff.get(reverse("admin:twinning_twinningpair_change", args=[theirs.pk])).status_code == 404
    for name in ("twinningpair", "activity", "agreementfile", "evaluation"):
        assert staff.get(reverse(f"admin:twinning_{name}_changelist")).status_code == 200
    assert staff.get(reverse("admin:support_repayment_changelist")).status_code == 200
