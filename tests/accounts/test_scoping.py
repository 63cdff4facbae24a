import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests import factories
from vuonlen.accounts import roles, scoping, services
from vuonlen.accounts.models import Organisation, OrgKind
from vuonlen.accounts.roles import Role
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.models import AuditLog
from vuonlen.geo.models import AdministrativeUnit, Era, Level


def test_commune_officer_sees_only_their_commune(commune_a, commune_b):
    officer = factories.make_user(Role.COMMUNE_OFFICER, commune_a)
    visible = scoping.visible_units(officer)
    assert commune_a in visible
    assert commune_b not in visible
    assert commune_a.parent not in visible  # the district above is not theirs
    with pytest.raises(Http404):
        scoping.get_unit_or_404(officer, commune_b.pk)
    assert scoping.get_unit_or_404(officer, commune_a.pk) == commune_a


def test_district_viewer_reads_all_its_communes_but_may_not_edit(commune_a, commune_b):
    district = commune_a.parent
    viewer = factories.make_user(Role.VIEWER, district)
    communes = scoping.visible_units(viewer).filter(level=Level.COMMUNE)
    assert set(communes) == set(AdministrativeUnit.objects.filter(parent=district))
    assert commune_b in communes
    assert not scoping.can(viewer, roles.UNIT_MANAGE_VILLAGES, commune_a)
    assert not scoping.can(viewer, roles.HOUSEHOLD_EDIT, commune_a)
    other_district = AdministrativeUnit.objects.get(era=Era.PRE_2025, level=Level.DISTRICT, code="614")
    assert not scoping.can(viewer, roles.UNIT_VIEW, other_district)


def test_a_person_may_hold_several_roles(commune_a, commune_b):
    person = factories.make_user(Role.COMMUNE_OFFICER, commune_a)
    services.role_assign(actor=SYSTEM, user=person, role=Role.VIEWER, unit=commune_b)
    assert scoping.roles_of(person) == {Role.COMMUNE_OFFICER, Role.VIEWER}
    assert scoping.can(person, roles.UNIT_VIEW, commune_b)
    assert scoping.can(person, roles.HOUSEHOLD_EDIT, commune_a)
    assert not scoping.can(person, roles.HOUSEHOLD_EDIT, commune_b)


def test_new_era_commune_reaches_its_predecessors(kontum):
    phuong_kon_tum = AdministrativeUnit.objects.get(era=Era.POST_2025, level=Level.COMMUNE, name="Phường Kon Tum")
    officer = factories.make_user(Role.COMMUNE_OFFICER, phuong_kon_tum)
    visible_old = set(scoping.visible_units(officer).filter(era=Era.PRE_2025).values_list("name", flat=True))
    assert {"Phường Quang Trung", "Phường Quyết Thắng", "Phường Trường Chinh", "Phường Thắng Lợi",
            "Phường Thống Nhất"} <= visible_old
    assert "Phường Duy Tân" not in visible_old


def test_a_lineage_row_written_or_removed_changes_the_scope_on_the_next_page(kontum):
    """The lineage behind a scope is kept in the shared cache between requests; writing it moves
    the tree's version, so the next page's scope follows."""
    from vuonlen.geo.models import UnitLineage

    phuong_kon_tum = AdministrativeUnit.objects.get(era=Era.POST_2025, level=Level.COMMUNE, name="Phường Kon Tum")
    duy_tan = AdministrativeUnit.objects.get(era=Era.PRE_2025, level=Level.COMMUNE, name="Phường Duy Tân")
    officer = factories.make_user(Role.COMMUNE_OFFICER, phuong_kon_tum)
    assert not scoping.can(officer, roles.UNIT_VIEW, duy_tan)  # and the lineage is now cached

    row = UnitLineage.objects.create(old_unit=duy_tan, new_unit=phuong_kon_tum, partly_merged=True)
    scoping.forget_scope(officer)  # a new request
    assert scoping.can(officer, roles.UNIT_VIEW, duy_tan)

    row.delete()
    scoping.forget_scope(officer)
    assert not scoping.can(officer, roles.UNIT_VIEW, duy_tan)


def test_revoked_or_expired_roles_grant_nothing(commune_a):
    import datetime as dt

    person = factories.make_user(Role.COMMUNE_OFFICER, commune_a)
    assignment = person.assignments.get()
    assignment.valid_to = dt.date(2020, 12, 31)
    assignment.save()
    scoping.forget_scope(person)
    assert not scoping.can(person, roles.UNIT_VIEW, commune_a)


def test_people_without_roles_and_anonymous_see_nothing(kontum):
    from django.contrib.auth.models import AnonymousUser

    assert scoping.visible_units(factories.make_user()).count() == 0
    assert scoping.visible_units(AnonymousUser()).count() == 0


def test_organisation_role_is_scoped_to_the_organisations_unit(commune_a, commune_b):
    org = factories.make_org(commune_a.parent, OrgKind.FARMERS_UNION, "Hội Nông dân thành phố")
    person = factories.make_user(Role.REPORTING_UNIT, organisation=org)
    assert scoping.can(person, roles.UNIT_VIEW, commune_b)  # the district's area
    assert scoping.scope_for(person, roles.ORG_VIEW).organisation_ids == {org.pk}


def test_scoped_organisations_hide_other_communes(commune_a, commune_b):
    mine = factories.make_org(commune_a, name="Hội Nông dân phường Quang Trung")
    theirs = factories.make_org(commune_b, name="Hội Nông dân phường Duy Tân")
    officer = factories.make_user(Role.COMMUNE_OFFICER, commune_a)
    visible = scoping.scoped(officer, Organisation.objects.all(), roles.ORG_VIEW)
    assert mine in visible and theirs not in visible
    with pytest.raises(Http404):
        scoping.get_scoped_or_404(officer, Organisation.objects.all(), roles.ORG_VIEW, pk=theirs.pk)


def test_organisation_create_validates_scopes_and_audits(commune_a, commune_b):
    secretariat = factories.make_user(Role.SECRETARIAT, commune_a.parent)
    org = services.organisation_create(actor=secretariat, name="  Hội Cựu chiến binh  phường Quang Trung",
                                       kind=OrgKind.VETERANS_UNION, unit=commune_a)
    assert org.name == "Hội Cựu chiến binh phường Quang Trung"
    row = AuditLog.objects.get(object_id=str(org.pk), action="create")
    assert row.actor == secretariat
    assert row.changes["name"] == [None, "Hội Cựu chiến binh phường Quang Trung"]
    with pytest.raises(ValidationError) as info:
        services.organisation_create(actor=secretariat, name="hoi cuu chien binh phuong quang trung",
                                     kind="nonsense", unit=commune_a)
    assert set(info.value.message_dict) == {"name", "kind"}
    officer = factories.make_user(Role.COMMUNE_OFFICER, commune_a)
    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=officer, name="X", kind=OrgKind.AGENCY, unit=commune_a)
    outsider = factories.make_user(Role.SECRETARIAT, commune_b)
    with pytest.raises(Http404):
        services.organisation_create(actor=outsider, name="Y", kind=OrgKind.AGENCY, unit=commune_a)


def test_user_create_enforces_password_rules_in_vietnamese(kontum):
    admin = factories.make_user(is_superuser=True)
    with pytest.raises(ValidationError) as info:
        services.user_create(actor=admin, username="canbo1", password="12345678")
    messages = " ".join(info.value.message_dict["password"])
    assert "Mật khẩu" in messages or "mật khẩu" in messages
    user = services.user_create(actor=admin, username="canbo1", password="Rung-Xanh-2026", full_name="A Blô")
    assert user.check_password("Rung-Xanh-2026")
    row = AuditLog.objects.get(object_id=str(user.pk), content_type__model="user")
    assert "password" not in row.changes  # the hash never enters the audit trail
    with pytest.raises(ValidationError):
        services.user_create(actor=admin, username="CANBO1", password="Rung-Xanh-2026")


def test_role_changes_are_audited(commune_a):
    admin = factories.make_user(is_superuser=True)
    person = factories.make_user()
    assignment = services.role_assign(actor=admin, user=person, role=Role.MENTOR, unit=commune_a)
    assert scoping.can(person, roles.HOUSEHOLD_VIEW, commune_a)
    services.role_revoke(actor=admin, assignment=assignment)
    assert not scoping.can(person, roles.HOUSEHOLD_VIEW, commune_a)
    actions = list(AuditLog.objects.filter(object_id=str(assignment.pk), content_type__model="roleassignment")
                   .order_by("at", "id").values_list("action", flat=True))
    assert actions == ["create", "update"]
