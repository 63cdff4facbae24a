"""Writes of the messaging room: read marks (the person's own) and contact preferences."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vuonlen.core.audit import audit_record
from vuonlen.core.models import AuditAction
from vuonlen.core.text import nfc
from vuonlen.core.versioning import check_version, model_update, stale_message

from .inbox import get_item_for_user_or_404, inbox_items_for
from .models import Channel, ContactPreference, InboxItem

# Vietnamese mobile numbers: 0 then 9 digits (03x, 05x, 07x, 08x, 09x), or +84 / 84 instead of 0.
PHONE_RE = re.compile(r"^(?:\+?84|0)([35789]\d{8})$")
ZALO_ID_RE = re.compile(r"^\d{5,30}$")


def normalise_phone(value: str) -> str | None:
    """``0912 345 678`` → ``0912345678``; None when it is not a Vietnamese mobile number."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    match = PHONE_RE.match(digits)
    return f"0{match.group(1)}" if match else None


def item_mark_read(*, actor, pk) -> InboxItem:
    item = get_item_for_user_or_404(actor, pk)
    if item.read_at is None:
        item.read_at = timezone.now()
        item.save(update_fields=["read_at"])
    return item


def items_mark_all_read(*, actor) -> int:
    return inbox_items_for(actor).filter(resolved_at__isnull=True, read_at__isnull=True).update(
        read_at=timezone.now())


def contact_preference_for(user) -> ContactPreference:
    """The person's preference, unsaved (version 0) when they never set one."""
    return ContactPreference.objects.filter(user=user).first() or ContactPreference(user=user, version=0)


def contact_preference_update(*, actor, user, channel: str, phone: str = "", zalo_user_id: str = "",
                              expected_version: int | None) -> ContactPreference:
    """Set how ``user`` hears about new items. Only the person themselves; every error at once."""
    if actor is None or getattr(actor, "pk", None) != user.pk:
        raise PermissionDenied(_("Chỉ chính người dùng được đổi cách nhận tin của mình."))
    phone_raw = nfc(phone or "").strip()
    zalo_raw = nfc(zalo_user_id or "").strip()
    errors: dict[str, list[str]] = {}
    if channel not in Channel.values:
        errors["channel"] = [_("Hãy chọn một cách nhận tin trong danh sách.")]
    phone_value = ""
    if phone_raw:
        phone_value = normalise_phone(phone_raw) or ""
        if not phone_value:
            errors["phone"] = [_("Số điện thoại không hợp lệ: cần số di động Việt Nam 10 chữ số, "
                                 "ví dụ 0912345678.")]
    elif channel == Channel.SMS:
        errors["phone"] = [_("Muốn nhận SMS, hãy nhập số điện thoại di động.")]
    if zalo_raw and not ZALO_ID_RE.match(zalo_raw):
        errors["zalo_user_id"] = [_("Mã người dùng Zalo chỉ gồm chữ số (5 đến 30 chữ số).")]
    elif not zalo_raw and channel == Channel.ZALO:
        errors["zalo_user_id"] = [_("Muốn nhận tin qua Zalo, hãy nhập mã người dùng Zalo của bạn "
                                    "(nhận được khi quan tâm Official Account).")]
    if channel == Channel.EMAIL and not user.email:
        errors["channel"] = [_("Tài khoản của bạn chưa có địa chỉ thư điện tử; hãy chọn cách khác "
                               "hoặc nhờ quản trị viên bổ sung.")]
    if errors:
        raise ValidationError(errors)
    data = {"channel": channel, "phone": phone_value, "zalo_user_id": zalo_raw}
    with transaction.atomic():
        current = ContactPreference.objects.select_for_update().filter(user=user).first()
        if current is None:
            if expected_version not in (0, None):
                raise ValidationError({"__all__": [stale_message(_("Cách nhận tin"))]})
            current = ContactPreference.objects.create(user=user, **data)
            audit_record(actor=actor, action=AuditAction.CREATE, instance=current, after=None, source="web")
            return current
        check_version(current, expected_version, message=stale_message(_("Cách nhận tin")))
        model_update(actor=actor, instance=current, data=data)
    return current
