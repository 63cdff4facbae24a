"""Writes for organisations, accounts and role assignments: validate, scope-check, audit."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from vuonlen.core.audit import audit_record
from vuonlen.core.models import AuditAction
from vuonlen.core.text import fold, nfc
from vuonlen.core.versioning import model_update
from vuonlen.geo.models import AdministrativeUnit

from . import roles, scoping
from .models import Organisation, OrgKind, RoleAssignment, User
from .scoping import SYSTEM


def _require(actor, perm: str, unit: AdministrativeUnit) -> None:
    """Out of scope → 404 (it does not exist for them); in scope without the right → 403."""
    scoping.require(actor, perm, unit)


@transaction.atomic
def organisation_create(*, actor, name: str, kind: str, unit: AdministrativeUnit, short_name: str = "",
                        parent: Organisation | None = None, email: str = "", source: str = "web") -> Organisation:
    _require(actor, roles.ORG_MANAGE, unit)
    errors = {}
    name = nfc(name)
    if not name:
        errors["name"] = gettext("Tên tổ chức không được để trống")
    if kind not in OrgKind.values:
        errors["kind"] = gettext("Loại tổ chức không hợp lệ")
    if name and Organisation.objects.filter(unit=unit, name_search=fold(name)).exists():
        errors["name"] = gettext("Đã có tổ chức “%(name)s” tại %(unit)s") % {"name": name, "unit": unit.name}
    if errors:
        raise ValidationError(errors)
    org = Organisation(kind=kind, unit=unit, short_name=nfc(short_name), parent=parent, email=nfc(email))
    org.set_name(name)
    org.save()
    audit_record(actor=actor, action=AuditAction.CREATE, instance=org, source=source)
    return org


@transaction.atomic
def user_create(*, actor, username: str, password: str, full_name: str = "", email: str = "",
                is_staff: bool = False, source: str = "web") -> User:
    if actor is not SYSTEM and not scoping.can(actor, roles.ACCOUNT_MANAGE):
        raise PermissionDenied(gettext("Bạn không có quyền tạo tài khoản"))
    username = nfc(username)
    errors: dict[str, list[str]] = {}
    if not username:
        errors["username"] = [gettext("Tên đăng nhập không được để trống")]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [gettext("Tên đăng nhập “%(username)s” đã có") % {"username": username}]
    user = User(username=username, full_name=nfc(full_name), email=nfc(email), is_staff=is_staff)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    audit_record(actor=actor, action=AuditAction.CREATE, instance=user, source=source)
    return user


@transaction.atomic
def role_assign(*, actor, user: User, role: str, unit: AdministrativeUnit | None = None,
                organisation: Organisation | None = None, source: str = "web") -> RoleAssignment:
    if role not in roles.Role.values:
        raise ValidationError({"role": gettext("Vai trò không hợp lệ")})
    if unit is None and organisation is None:
        raise ValidationError({"unit": gettext("Cần chọn địa bàn hoặc tổ chức cho vai trò")})
    scope_unit = unit or organisation.unit
    _require(actor, roles.ACCOUNT_MANAGE, scope_unit)
    try:
        with transaction.atomic():
            assignment = RoleAssignment.objects.create(user=user, role=role, unit=unit, organisation=organisation)
    except IntegrityError:
        raise ValidationError(gettext("Không lưu được phân quyền")) from None
    audit_record(actor=actor, action=AuditAction.CREATE, instance=assignment, source=source)
    scoping.forget_scope(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment, source: str = "web") -> None:
    _require(actor, roles.ACCOUNT_MANAGE, assignment.scope_unit)
    model_update(actor=actor, instance=assignment, data={"is_active": False}, source=source)
    scoping.forget_scope(assignment.user)
