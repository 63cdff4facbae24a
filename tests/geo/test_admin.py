"""The admin shows a staff member only the units of their scope; anything else is a 404."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests import factories
from vuonlen.accounts.roles import Role
from vuonlen.core.models import AuditAction, AuditLog
from vuonlen.geo.models import AdministrativeUnit, Era, Level, UnitLineage


@pytest.fixture
def staff_a(client, commune_a):
    user = factories.make_user(Role.COMMUNE_OFFICER, commune_a, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(
        content_type__app_label="geo", codename__in=["view_administrativeunit", "change_administrativeunit",
                                                     "view_unitlineage"]))
    client.force_login(user)
    return client


def _change_url(unit):
    return reverse("admin:geo_administrativeunit_change", args=[unit.pk])


def test_out_of_scope_unit_change_page_is_404(staff_a, commune_a, commune_b):
    assert staff_a.get(_change_url(commune_a)).status_code == 200
    assert staff_a.get(_change_url(commune_b)).status_code == 404
    assert staff_a.get(_change_url(commune_a.parent)).status_code == 404
    assert staff_a.post(_change_url(commune_b), {"name": "Đổi tên", "code": "23284", "unit_type": "phuong"}).status_code == 404
    commune_b.refresh_from_db()
    assert commune_b.name == "Phường Duy Tân"


def test_changelist_shows_only_the_scope_and_searches_without_diacritics(staff_a, commune_a):
    response = staff_a.get(reverse("admin:geo_administrativeunit_changelist"))
    assert list(response.context["cl"].queryset) == [commune_a]
    response = staff_a.get(reverse("admin:geo_administrativeunit_changelist"), {"q": "quang trung"})
    assert list(response.context["cl"].queryset) == [commune_a]


def test_lineage_admin_is_scoped_too(staff_a, commune_a, commune_b):
    own = UnitLineage.objects.get(old_unit=commune_a)
    other = UnitLineage.objects.get(old_unit=commune_b)
    assert staff_a.get(reverse("admin:geo_unitlineage_change", args=[own.pk])).status_code == 200
    assert staff_a.get(reverse("admin:geo_unitlineage_change", args=[other.pk])).status_code == 404


def test_admin_edit_is_audited_and_keeps_the_tree(client, commune_a):
    admin = factories.make_user(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get(_change_url(commune_a))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(name="Phường  Quang   Trung (sửa)")
    response = client.post(_change_url(commune_a), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    commune_a.refresh_from_db()
    assert commune_a.name == "Phường Quang Trung (sửa)"
    assert commune_a.name_search == "phuong quang trung (sua)"
    assert commune_a.path == f"{commune_a.parent.path}{commune_a.pk}/"
    entry = AuditLog.objects.get(action=AuditAction.UPDATE, object_id=str(commune_a.pk))
    assert entry.source == "admin" and entry.changes["name"][1] == "Phường Quang Trung (sửa)"


def test_only_superusers_add_or_delete_units(staff_a, commune_a):
    assert staff_a.get(reverse("admin:geo_administrativeunit_add")).status_code == 403
    assert AdministrativeUnit.objects.filter(era=Era.PRE_2025, level=Level.COMMUNE).count() == 102
