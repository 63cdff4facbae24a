"""Every write of the outreach room: validate, check scope, write, audit — in one transaction.

Households reached must be registry households the person may see; every one that is not
is named at once and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.models import Organisation
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.audit import audit_record, snapshot
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import today_vn
from vuonlen.core.text import nfc
from vuonlen.geo.models import AdministrativeUnit, Level
from vuonlen.indicators import rollups

from .models import Activity, ActivityKind, Channel, Topic

MAX_HOUSEHOLDS = 5000


def _add(errors: dict, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _require_manage(actor, unit: AdministrativeUnit) -> None:
    scoping.require(actor, roles.OUTREACH_MANAGE, unit, seen_with=roles.OUTREACH_VIEW,
                    message="Bạn không có quyền ghi hoạt động tuyên truyền ở địa bàn này")


def _validate(*, actor, kind, date, unit, title, channel, topics, participants, households, visited_initiative,
              organisation) -> dict:
    from vuonlen.households.selectors import households_visible_to
    from vuonlen.initiatives import selectors as initiative_selectors

    errors: dict[str, list[str]] = {}
    if kind not in ActivityKind.values:
        _add(errors, "kind", gettext("Chưa chọn loại hoạt động"))
    if date is None:
        _add(errors, "date", gettext("Chưa nhập ngày"))
    elif date > today_vn():
        _add(errors, "date", gettext("Ngày ở tương lai: chỉ ghi hoạt động đã diễn ra"))
    if unit is None:
        _add(errors, "unit", gettext("Chưa chọn địa bàn"))
    elif unit.level == Level.VILLAGE:
        _add(errors, "unit", gettext("Địa bàn là xã (hoặc huyện, tỉnh)"))
    if not title:
        _add(errors, "title", gettext("Chưa nhập tên hoạt động"))
    elif len(title) > 300:
        _add(errors, "title", gettext("Tên hoạt động quá dài (tối đa 300 ký tự)"))
    if channel and channel not in Channel.values:
        _add(errors, "channel", gettext("Hình thức không hợp lệ"))
    if kind == ActivityKind.PROPAGANDA:
        if not topics:
            _add(errors, "topics", gettext("Buổi tuyên truyền phải chọn ít nhất một nội dung của Sổ tay"))
        if not channel:
            _add(errors, "channel", gettext("Chưa chọn hình thức tuyên truyền"))
    if any(not t.is_active for t in topics):
        _add(errors, "topics", gettext("Có nội dung Sổ tay đã ngừng dùng"))
    if participants is None or participants < 0:
        _add(errors, "participants", gettext("Số người tham dự không hợp lệ"))
    if kind == ActivityKind.EXCHANGE:
        if visited_initiative is None:
            _add(errors, "visited_initiative", gettext("Chuyến tham quan phải chọn mô hình đến học tập"))
        elif actor is not SYSTEM:
            # A visit often goes to another district; a model on the public page may be chosen too.
            visible = (initiative_selectors.initiatives_visible_to(actor)
                       | initiative_selectors.showcase_initiatives())
            if not visible.filter(pk=visited_initiative.pk).exists():
                _add(errors, "visited_initiative", gettext("Không tìm thấy mô hình này"))
    elif visited_initiative is not None:
        _add(errors, "visited_initiative", gettext("Chỉ chuyến tham quan, giao lưu mới chọn mô hình đến thăm"))
    if len(households) > MAX_HOUSEHOLDS:
        _add(errors, "households", f"Quá nhiều hộ trong một hoạt động (tối đa {MAX_HOUSEHOLDS:,})".replace(",", "."))
    elif households and actor is not SYSTEM:
        visible = set(households_visible_to(actor).filter(pk__in=[h.pk for h in households])
                      .values_list("pk", flat=True))
        for household in households:
            if household.pk not in visible:
                _add(errors, "households", gettext("Không tìm thấy hộ %(code)s trong địa bàn của bạn") % {"code": household.code})
    if unit is not None and unit.level != Level.VILLAGE:
        for household in households:
            if not household.unit.path.startswith(unit.path):
                _add(errors, "households", gettext("Hộ %(code)s không thuộc %(name)s") % {"code": household.code, "name": unit.name})
    if organisation is not None and actor is not SYSTEM and not scoping.can(actor, roles.ORG_VIEW, organisation.unit):
        _add(errors, "organisation", gettext("Không tìm thấy đơn vị tổ chức này"))
    return errors


@transaction.atomic
def activity_record(*, actor, kind: str, date: dt.date | None, unit: AdministrativeUnit | None, title: str,
                    channel: str = "", topics: Iterable[Topic] = (), participants: int | None = 0,
                    households: Sequence = (), visited_initiative=None, organisation: Organisation | None = None,
                    partner: str = "", note: str = "", source: str = "web") -> Activity:
    if unit is not None:
        _require_manage(actor, unit)
    topics, households, title = list(topics), list(households), nfc(title)
    errors = _validate(actor=actor, kind=kind, date=date, unit=unit, title=title, channel=channel, topics=topics,
                       participants=participants, households=households, visited_initiative=visited_initiative,
                       organisation=organisation)
    if errors:
        raise ValidationError(errors)
    activity = Activity.objects.create(
        kind=kind, date=date, unit=unit, organisation=organisation, title=title, channel=channel,
        participants=participants or 0, visited_initiative=visited_initiative, partner=nfc(partner),
        note=nfc(note), created_by=actor if getattr(actor, "pk", None) else None)
    activity.topics.set(topics)
    activity.households.set(households)
    rollups.schedule(rollups.activity_pairs(activity, [h.pk for h in households]))
    audit_record(actor=actor, action=AuditAction.CREATE, instance=activity, source=source,
                 note=f"{len(households)} hộ được tuyên truyền" if households else "")
    return activity


@transaction.atomic
def activity_add_households(*, actor, activity: Activity, households: Sequence, source: str = "web") -> int:
    _require_manage(actor, activity.unit)
    households = list(households)
    errors = _validate(actor=actor, kind=activity.kind, date=activity.date, unit=activity.unit, title=activity.title,
                       channel=activity.channel, topics=list(activity.topics.all()),
                       participants=activity.participants, households=households,
                       visited_initiative=activity.visited_initiative, organisation=None)
    if not households:
        _add(errors, "households", gettext("Chưa chọn hộ nào"))
    if errors:
        raise ValidationError(errors)
    before = snapshot(activity)
    activity.households.add(*households)
    rollups.schedule(rollups.activity_pairs(activity, [h.pk for h in households]))
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=activity, before=before, source=source,
                 note=f"Thêm {len(households)} hộ được tuyên truyền")
    return len(households)
