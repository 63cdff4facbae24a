"""Roles and the permissions each grants: the one map every room consults.

Views never test ``role == ...``; they ask ``scoping.can(user, PERM, unit)``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSADMIN = "sysadmin", _("Quản trị hệ thống")
    SECRETARIAT = "secretariat", _("Thường trực Ban Chỉ đạo")
    REPORTING_UNIT = "reporting_unit", _("Cơ quan, đơn vị báo cáo")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ xã")
    MENTOR = "mentor", _("Cán bộ, đảng viên phụ trách hộ")
    VIEWER = "viewer", _("Lãnh đạo, người xem")


# Permission names: "<room>.<action>".
UNIT_VIEW = "geo.view"
UNIT_MANAGE_VILLAGES = "geo.manage_villages"
ORG_VIEW = "accounts.view_organisation"
ORG_MANAGE = "accounts.manage_organisation"
ACCOUNT_MANAGE = "accounts.manage_accounts"
AUDIT_VIEW = "core.view_audit"
HOUSEHOLD_VIEW = "households.view"
HOUSEHOLD_EDIT = "households.edit"

READ_PERMISSIONS = {UNIT_VIEW, ORG_VIEW, HOUSEHOLD_VIEW}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SYSADMIN: frozenset({UNIT_VIEW, UNIT_MANAGE_VILLAGES, ORG_VIEW, ORG_MANAGE, ACCOUNT_MANAGE,
                              AUDIT_VIEW, HOUSEHOLD_VIEW, HOUSEHOLD_EDIT}),
    Role.SECRETARIAT: frozenset({UNIT_VIEW, ORG_VIEW, ORG_MANAGE, HOUSEHOLD_VIEW}),
    Role.REPORTING_UNIT: frozenset({UNIT_VIEW, ORG_VIEW}),
    Role.COMMUNE_OFFICER: frozenset({UNIT_VIEW, UNIT_MANAGE_VILLAGES, ORG_VIEW, HOUSEHOLD_VIEW, HOUSEHOLD_EDIT}),
    Role.MENTOR: frozenset({UNIT_VIEW, HOUSEHOLD_VIEW}),
    Role.VIEWER: frozenset(READ_PERMISSIONS),
}
