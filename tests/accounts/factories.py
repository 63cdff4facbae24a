"""factory_boy factories for accounts: people, organisations, role assignments.

``tests.factories.make_user`` / ``make_org`` (used across the rooms) are built on these."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from vuonlen.accounts.models import Organisation, OrgKind, RoleAssignment, User

PASSWORD = "Mat-khau-thu-2026"


class UserFactory(DjangoModelFactory):
    """An account that can log in with ``PASSWORD`` (hashed as a real login would check it)."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n + 1}")

    @classmethod
    def _create(cls, model_class, *args, password: str = PASSWORD, **kwargs):
        return model_class.objects.create_user(*args, password=password, **kwargs)


class OrganisationFactory(DjangoModelFactory):
    """An organisation at ``unit``; its name goes through ``set_name`` (NFC, search and sort keys)."""

    class Meta:
        model = Organisation

    kind = OrgKind.FATHERLAND_FRONT
    name = factory.Sequence(lambda n: f"Tổ chức {n + 1}")

    @classmethod
    def _create(cls, model_class, *args, name: str, **kwargs):
        organisation = model_class(*args, **kwargs)
        organisation.set_name(name)
        organisation.save()
        return organisation


class RoleAssignmentFactory(DjangoModelFactory):
    """A role over a unit's area (``unit``) or on behalf of an organisation (``organisation``)."""

    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
