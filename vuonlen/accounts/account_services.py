"""The account manager's writes on the application's own pages (issue 13 item 5): open an
account already scoped to its unit and role, add or end a role, lock or unlock, set a new
temporary password, create and edit organisations. Every rule is checked before anything is
written and every problem is reported at once; each write is audited in its transaction.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from vuonlen.core.audit import audit_record
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import today_vn
from vuonlen.core.text import fold, nfc, sort_key
from vuonlen.core.versioning import lock_version, model_update, stale_message
from vuonlen.geo.models import AdministrativeUnit, Level

from . import roles, scoping
from .models import Organisation, OrgKind, RoleAssignment, User

# Roles that act for an organisation (its reports, its tasks) need one; those that work a
# commune's households need a commune.
ORGANISATION_ROLES = {roles.Role.REPORTING_UNIT}
COMMUNE_ROLES = {roles.Role.COMMUNE_OFFICER, roles.Role.MENTOR}
_PHONE = re.compile(r"^(\+84|0)\d{9,10}$")
# Letters people do not confuse when reading a password aloud or off paper.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def temporary_password() -> str:
    """12 characters, read easily off paper, accepted by the password validators."""
    while True:
        word = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(12))
        if any(c.isdigit() for c in word) and any(c.isalpha() for c in word):
            return word


def unit_in_use_today(unit: AdministrativeUnit, day: dt.date | None = None) -> bool:
    day = day or today_vn()
    return (unit.valid_from is None or unit.valid_from <= day) and (unit.valid_to is None or unit.valid_to >= day)


def suggest_username(full_name: str, unit: AdministrativeUnit | None) -> str:
    """"Nguyễn Văn An" at Xã Mới → "nguyenvanan.xamoi" (then …2, …3 while taken)."""
    base = re.sub(r"[^a-z0-9]", "", fold(full_name).replace("đ", "d")) or "taikhoan"
    place = re.sub(r"[^a-z0-9]", "", fold(unit.name).replace("đ", "d")) if unit else ""
    stem = f"{base[:30]}.{place[:20]}" if place else base[:40]
    candidate, n = stem, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{stem}{n}"
    return candidate


@dataclass
class Placement:
    """Where a role applies: a unit, or an organisation (whose unit is the area)."""

    unit: AdministrativeUnit | None
    organisation: Organisation | None

    @property
    def scope_unit(self) -> AdministrativeUnit | None:
        return self.unit or (self.organisation.unit if self.organisation else None)


def _placement_problems(role: str, unit, organisation, day: dt.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if role not in roles.Role.values:
        add("role", _("Chọn một vai trò trong danh sách."))
    if role in ORGANISATION_ROLES and organisation is None:
        add("organisation", _("Vai trò này làm việc thay mặt một tổ chức: hãy chọn tổ chức."))
    if unit is None and organisation is None and role not in ORGANISATION_ROLES:
        add("unit", _("Chọn địa bàn (hoặc tổ chức) mà vai trò áp dụng."))
    if unit is not None and organisation is not None and organisation.unit_id != unit.pk:
        add("organisation", _("Tổ chức “%(org)s” thuộc %(unit)s, không thuộc địa bàn đã chọn.")
            % {"org": organisation.name, "unit": organisation.unit.name})
    scope_unit = unit or (organisation.unit if organisation else None)
    if scope_unit is not None and not unit_in_use_today(scope_unit, day):
        add("unit" if unit else "organisation",
            _("%(unit)s đã kết thúc ngày %(end)s: hãy chọn đơn vị đang hoạt động (sau sắp xếp 2025).")
            % {"unit": scope_unit.name, "end": scope_unit.valid_to.strftime("%d/%m/%Y")})
    if organisation is not None and not organisation.is_valid_on(day):
        add("organisation", _("Tổ chức “%(org)s” không còn hoạt động.") % {"org": organisation.name})
    if role in COMMUNE_ROLES and scope_unit is not None and scope_unit.level != Level.COMMUNE:
        add("unit", _("Vai trò “%(role)s” làm việc ở một xã, phường: hãy chọn xã, phường.")
            % {"role": roles.Role(role).label})
    return errors


def account_problems(*, actor, full_name: str, username: str, email: str, phone: str, password: str,
                     role: str, unit: AdministrativeUnit | None, organisation: Organisation | None,
                     ) -> tuple[dict[str, list[str]], dict]:
    """Every problem of a new account at once, and the cleaned values (the review step shows
    them; ``account_open`` checks them again inside its transaction). Out of the actor's area →
    404, in it without the right → 403, before any other message."""
    day = today_vn()
    placement = Placement(unit, organisation)
    if placement.scope_unit is not None:
        scoping.require(actor, roles.ACCOUNT_MANAGE, placement.scope_unit)
    elif actor is not scoping.SYSTEM and not scoping.can(actor, roles.ACCOUNT_MANAGE):
        raise Http404(_("Không tìm thấy"))
    errors = _placement_problems(role, unit, organisation, day)

    def add(field, message):
        errors.setdefault(field, []).append(message)

    full_name, email, phone, username = nfc(full_name).strip(), nfc(email).strip(), nfc(phone).strip(), nfc(username).strip()
    if not full_name:
        add("full_name", _("Nhập họ và tên người dùng."))
    if not username and full_name:
        username = suggest_username(full_name, placement.scope_unit)
    if username:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            add("username", _("Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _"))
        if len(username) > 150:
            add("username", _("Tên đăng nhập dài quá 150 ký tự."))
        if User.objects.filter(username__iexact=username).exists():
            add("username", _("Tên đăng nhập “%(u)s” đã có người dùng.") % {"u": username})
    if email:
        try:
            validate_email(email)
        except ValidationError:
            add("email", _("Thư điện tử không hợp lệ."))
    phone_digits = re.sub(r"[\s.\-]", "", phone)
    if phone and not _PHONE.match(phone_digits):
        add("phone", _("Số điện thoại gồm 10–11 chữ số, bắt đầu bằng 0 hoặc +84."))
    if password:
        try:
            validate_password(password, User(username=username, full_name=full_name, email=email))
        except ValidationError as exc:
            for message in exc.messages:
                add("password", message)
    cleaned = {"full_name": full_name, "username": username, "email": email, "phone": phone_digits,
               "role": role, "unit": unit, "organisation": organisation}
    return errors, cleaned


@dataclass
class OpenedAccount:
    user: User
    assignment: RoleAssignment
    # Shown once to the account manager when the system chose it; never stored in clear, never logged.
    temporary_password: str | None


@transaction.atomic
def account_open(*, actor, full_name: str, role: str, unit: AdministrativeUnit | None = None,
                 organisation: Organisation | None = None, username: str = "", email: str = "",
                 phone: str = "", password: str = "", source: str = "web") -> OpenedAccount:
    """One account with its first role, scoped to a unit in use today; both audited."""
    errors, data = account_problems(actor=actor, full_name=full_name, username=username, email=email,
                                    phone=phone, password=password, role=role, unit=unit,
                                    organisation=organisation)
    if errors:
        raise ValidationError(errors)
    chosen = None
    if not password:
        password = chosen = temporary_password()
    user = User(username=data["username"], full_name=data["full_name"], email=data["email"], phone=data["phone"])
    user.set_password(password)
    user.save()
    audit_record(actor=actor, action=AuditAction.CREATE, instance=user, source=source,
                 note=_("Mở tài khoản"))
    assignment = RoleAssignment.objects.create(user=user, role=role, unit=unit if not organisation else None,
                                               organisation=organisation, valid_from=today_vn())
    audit_record(actor=actor, action=AuditAction.CREATE, instance=assignment, source=source)
    return OpenedAccount(user=user, assignment=assignment, temporary_password=chosen)


@transaction.atomic
def account_add_role(*, actor, user: User, role: str, unit: AdministrativeUnit | None = None,
                     organisation: Organisation | None = None, source: str = "web") -> RoleAssignment:
    placement = Placement(unit, organisation)
    if placement.scope_unit is not None:
        scoping.require(actor, roles.ACCOUNT_MANAGE, placement.scope_unit)
    errors = _placement_problems(role, unit, organisation, today_vn())
    if not errors and RoleAssignment.objects.filter(
            user=user, role=role, unit=unit if not organisation else None, organisation=organisation,
            is_active=True, valid_to__isnull=True).exists():
        errors["role"] = [_("Người này đã có vai trò này ở đó.")]
    if errors:
        raise ValidationError(errors)
    assignment = RoleAssignment.objects.create(user=user, role=role, unit=unit if not organisation else None,
                                               organisation=organisation, valid_from=today_vn())
    audit_record(actor=actor, action=AuditAction.CREATE, instance=assignment, source=source)
    scoping.forget_scope(user)
    return assignment


@transaction.atomic
def account_end_role(*, actor, assignment: RoleAssignment, version: int | None, source: str = "web") -> None:
    """The role ends today; the record stays (who held what, when) for the audit."""
    scoping.require(actor, roles.ACCOUNT_MANAGE, assignment.scope_unit)
    locked = lock_version(RoleAssignment.objects.all(), assignment.pk, version,
                          message=stale_message(_("Phân quyền này")))
    model_update(actor=actor, instance=locked, data={"is_active": False, "valid_to": today_vn()},
                 source=source, note=_("Kết thúc vai trò"))
    scoping.forget_scope(locked.user)


def _require_manages(actor, user: User) -> None:
    """An account is the manager's when one of its roles lies in the manager's area."""
    from .selectors import accounts_visible_to

    if actor is scoping.SYSTEM:
        return
    if not accounts_visible_to(actor).filter(pk=user.pk).exists():
        raise Http404(_("Không tìm thấy"))


@transaction.atomic
def account_set_active(*, actor, user: User, active: bool, source: str = "web") -> bool:
    _require_manages(actor, user)
    if user.pk == getattr(actor, "pk", None) and not active:
        raise ValidationError(_("Không thể tự khoá tài khoản của mình."))
    if user.is_superuser and not getattr(actor, "is_superuser", False):
        raise ValidationError(_("Chỉ quản trị kỹ thuật được khoá tài khoản quản trị kỹ thuật."))
    from vuonlen.core.audit import snapshot
    before = snapshot(user)
    if user.is_active == active:
        return False
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=user, before=before, source=source,
                 note=_("Mở khoá tài khoản") if active else _("Khoá tài khoản"))
    return True


@transaction.atomic
def account_reset_password(*, actor, user: User, source: str = "web") -> str:
    """A new temporary password, shown once to the manager; the audit row says it changed, never what."""
    _require_manages(actor, user)
    if user.is_superuser and not getattr(actor, "is_superuser", False):
        raise ValidationError(_("Chỉ quản trị kỹ thuật được đặt lại mật khẩu quản trị kỹ thuật."))
    password = temporary_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=user, source=source,
                 note=_("Đặt lại mật khẩu tạm thời"))
    return password


# --- Organisations -------------------------------------------------------------------------

def organisation_problems(*, name: str, kind: str, unit: AdministrativeUnit | None, parent, email: str,
                           exclude_pk=None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if not name:
        add("name", _("Nhập tên tổ chức."))
    if kind not in OrgKind.values:
        add("kind", _("Chọn loại tổ chức trong danh sách."))
    if unit is None:
        add("unit", _("Chọn địa bàn của tổ chức."))
    elif not unit_in_use_today(unit):
        add("unit", _("%(unit)s đã kết thúc ngày %(end)s: tổ chức mới đặt ở đơn vị đang hoạt động.")
            % {"unit": unit.name, "end": unit.valid_to.strftime("%d/%m/%Y")})
    if email:
        try:
            validate_email(email)
        except ValidationError:
            add("email", _("Thư điện tử không hợp lệ."))
    if parent is not None and unit is not None and not unit.path.startswith(parent.unit.path):
        add("parent", _("Tổ chức cấp trên phải ở cùng địa bàn hoặc cấp trên của địa bàn."))
    if parent is not None and exclude_pk is not None and parent.pk == exclude_pk:
        add("parent", _("Tổ chức không thể là cấp trên của chính nó."))
    if name and unit is not None:
        clash = Organisation.objects.filter(unit=unit, name_search=fold(name))
        if exclude_pk is not None:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            add("name", _("Đã có tổ chức “%(name)s” tại %(unit)s.") % {"name": name, "unit": unit.name})
    return errors


@transaction.atomic
def organisation_open(*, actor, name: str, kind: str, unit: AdministrativeUnit | None, short_name: str = "",
                      parent: Organisation | None = None, email: str = "", source: str = "web") -> Organisation:
    if unit is not None:
        scoping.require(actor, roles.ORG_MANAGE, unit)
    name, short_name, email = nfc(name).strip(), nfc(short_name).strip(), nfc(email).strip()
    errors = organisation_problems(name=name, kind=kind, unit=unit, parent=parent, email=email)
    if errors:
        raise ValidationError(errors)
    org = Organisation(kind=kind, unit=unit, short_name=short_name, parent=parent, email=email,
                       valid_from=today_vn())
    org.set_name(name)
    org.save()
    audit_record(actor=actor, action=AuditAction.CREATE, instance=org, source=source)
    return org


@transaction.atomic
def organisation_edit(*, actor, organisation: Organisation, version: int | None, name: str, kind: str,
                      short_name: str = "", parent: Organisation | None = None, email: str = "",
                      is_active: bool = True, source: str = "web") -> bool:
    """Name, kind, short name, parent, e-mail and whether it still works; its unit stays (a move
    between units is the switch-over's business). Version-checked."""
    scoping.require(actor, roles.ORG_MANAGE, organisation.unit)
    org = lock_version(Organisation.objects.select_related("unit"), organisation.pk, version,
                       message=stale_message(_("Tổ chức này")))
    name, short_name, email = nfc(name).strip(), nfc(short_name).strip(), nfc(email).strip()
    errors = organisation_problems(name=name, kind=kind, unit=org.unit, parent=parent, email=email,
                                    exclude_pk=org.pk)
    # An organisation of an ended unit keeps its name for history; only what it did is read.
    errors.pop("unit", None)
    if errors:
        raise ValidationError(errors)
    data = {"name": name, "name_search": fold(name), "name_sort": sort_key(name), "kind": kind,
            "short_name": short_name, "parent": parent, "email": email, "is_active": is_active}
    return model_update(actor=actor, instance=org, data=data, source=source)
