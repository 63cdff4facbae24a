"""The admin's inline rows go through the one audited formset save (core.admin_mixins.AuditedAdmin):
a user's roles changed on the user's page are audited one by one and their version moves."""

import datetime as dt

from django.contrib.admin.sites import site
from django.test import RequestFactory

from tests import factories
from vuonlen.accounts.admin import RoleAssignmentInline
from vuonlen.accounts.models import RoleAssignment, User
from vuonlen.accounts.roles import Role
from vuonlen.core.models import AuditAction, AuditLog


def test_role_rows_changed_in_the_user_page_are_audited_and_versioned(kontum, commune_a, commune_b):
    admin = factories.make_user(is_superuser=True, is_staff=True, username="quantri")
    officer = factories.make_user(Role.COMMUNE_OFFICER, commune_a, username="canbo.qt")
    kept, dropped = officer.assignments.get(), RoleAssignment.objects.create(
        user=officer, role=Role.VIEWER, unit=commune_b)
    request = RequestFactory().post("/")
    request.user = admin
    user_admin = site._registry[User]
    inline = RoleAssignmentInline(User, site)
    formset_class = inline.get_formset(request, officer)
    prefix = formset_class.get_default_prefix()
    data = {f"{prefix}-TOTAL_FORMS": "3", f"{prefix}-INITIAL_FORMS": "2", f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000"}
    rows = [(kept, {"valid_to": "2025-06-30"}), (dropped, {"DELETE": "on"}),
            (None, {"role": Role.VIEWER, "unit": str(kontum.pk)})]
    for index, (assignment, change) in enumerate(rows):
        row = {"id": str(assignment.pk) if assignment else "", "user": str(officer.pk),
               "role": assignment.role if assignment else "", "unit": str(assignment.unit_id) if assignment else "",
               "organisation": "", "valid_from": "", "valid_to": "", "is_active": "on"}
        row.update(change)
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    formset = formset_class(data, instance=officer, prefix=prefix)
    assert formset.is_valid(), formset.errors
    user_admin.save_formset(request, None, formset, change=True)

    kept.refresh_from_db()
    assert kept.valid_to == dt.date(2025, 6, 30) and kept.version == 2
    assert not RoleAssignment.objects.filter(pk=dropped.pk).exists()
    added = RoleAssignment.objects.get(user=officer, unit=kontum)
    audit = {(row.action, row.object_id): row for row in AuditLog.objects.filter(actor=admin, source="admin")}
    assert audit[(AuditAction.UPDATE, str(kept.pk))].changes["valid_to"] == [None, "2025-06-30"]
    assert (AuditAction.DELETE, str(dropped.pk)) in audit
    assert (AuditAction.CREATE, str(added.pk)) in audit
