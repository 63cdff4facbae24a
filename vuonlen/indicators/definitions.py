"""The catalogue's rules: the formulas the engine knows, who may change the catalogue, and the
checks of a new indicator (every problem at once). The writes themselves — adding an
indicator, taking one out of use, a phase's set — are in ``services``.

Only an administrator (``roles.INDICATOR_DEFINE``) changes the catalogue. A computed indicator
names one of the computations ``sources`` knows (``formulas()``); an entered one says how units
enter it. A new indicator gets its figures when the transaction commits
(``rollups.recompute_all``), so it appears with numbers on the next page load.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.campaign.models import CRITERIA
from vuonlen.core.text import nfc
from vuonlen.core.versioning import stale_message_lazy

from . import rollups
from .models import Direction, EntryKind, Indicator, Measure, Source
from .values import clean_value

CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9_]{1,39}$")
STALE_MESSAGE = stale_message_lazy(gettext_lazy("Chỉ tiêu này"))


@dataclass(frozen=True)
class Formula:
    code: str
    label: str
    measure: str


def formulas() -> list[Formula]:
    """The computations the engine knows (``sources.compute_direct``), with the measure each gives."""
    found = [Formula(f"assessment:{code}", _("Đánh giá hộ: %(label)s") % {"label": label}, Measure.PERCENT)
             for code, label in CRITERIA]
    found += [
        Formula("assessment:improved_life", _("Đánh giá hộ: đời sống được nâng lên (đủ cả 4 điều kiện)"),
                Measure.PERCENT),
        Formula("reviews:poor_count", _("Rà soát: số hộ nghèo DTTS"), Measure.COUNT),
        Formula("reviews:near_poor_count", _("Rà soát: số hộ cận nghèo DTTS"), Measure.COUNT),
        Formula("reviews:poor_near_rate", _("Rà soát: tỷ lệ hộ nghèo, cận nghèo DTTS trên tổng số hộ DTTS"),
                Measure.PERCENT),
        Formula("outreach:told", _("Tuyên truyền: tỷ lệ hộ nghèo, cận nghèo DTTS được tuyên truyền trong năm"),
                Measure.PERCENT),
        Formula("models:commune_has_model", _("Mô hình: tỷ lệ xã có mô hình của MTTQ xã"), Measure.PERCENT),
        Formula("models:district_count", _("Mô hình: số mô hình của MTTQ huyện"), Measure.COUNT),
    ]
    for indicator in Indicator.objects.filter(is_active=True, measure=Measure.PERCENT).exclude(
            formula__startswith="annual_fall:"):
        found.append(Formula(f"annual_fall:{indicator.code}",
                             _("Giảm bình quân mỗi năm (điểm %%) của “%(name)s”") % {"name": indicator.short_name},
                             Measure.POINTS_A_YEAR))
    return found


def require_define(actor) -> None:
    if actor is not SYSTEM and not scoping.can(actor, roles.INDICATOR_DEFINE):
        if scoping.can(actor, roles.INDICATOR_VIEW):
            raise PermissionDenied(_("Chỉ quản trị hệ thống thay đổi danh mục chỉ tiêu"))
        raise Http404(_("Không tìm thấy"))


def _text(value: Any) -> str:
    return nfc(value or "")


def clean_indicator(data: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Every problem of a new indicator at once, as (field, message)."""
    problems: list[tuple[str, str]] = []
    code = _text(data.get("code")).upper()
    if not code:
        problems.append(("code", _("Hãy nhập mã chỉ tiêu")))
    elif not CODE_PATTERN.match(code):
        problems.append(("code", _("Mã chỉ tiêu gồm chữ in hoa không dấu, chữ số và dấu gạch dưới, bắt đầu bằng chữ "
                                   "(ví dụ HO_THOAT_NGHEO), tối đa 40 ký tự")))
    elif Indicator.objects.filter(code=code).exists():
        problems.append(("code", _("Đã có chỉ tiêu mã %(code)s") % {"code": code}))
    name, short_name = _text(data.get("name")), _text(data.get("short_name"))
    if not name:
        problems.append(("name", _("Hãy nhập tên chỉ tiêu")))
    elif len(name) > 400:
        problems.append(("name", _("Tên chỉ tiêu dài quá 400 ký tự")))
    if not short_name:
        problems.append(("short_name", _("Hãy nhập tên ngắn (hiện trên bảng, biểu đồ)")))
    elif len(short_name) > 120:
        problems.append(("short_name", _("Tên ngắn dài quá 120 ký tự")))
    measure = data.get("measure") or ""
    if measure not in Measure.values:
        problems.append(("measure", _("Hãy chọn đơn vị tính")))
    direction = data.get("direction") or Direction.UP
    if direction not in Direction.values:
        problems.append(("direction", _("Hãy chọn chiều đánh giá")))
    try:
        levels = sorted({int(level) for level in data.get("levels") or []})
    except (TypeError, ValueError):
        levels = [0]
    if not levels:
        problems.append(("levels", _("Hãy chọn ít nhất một cấp áp dụng")))
    elif any(level not in (1, 2, 3, 4) for level in levels):
        problems.append(("levels", _("Cấp không hợp lệ")))
    source = data.get("source") or ""
    formula, entry_kind = _text(data.get("formula")), data.get("entry_kind") or ""
    if source == Source.COMPUTED:
        known = {f.code: f for f in formulas()}
        entry_kind = ""
        if not formula:
            problems.append(("formula", _("Hãy chọn cách tính")))
        elif formula not in known:
            problems.append(("formula", _("Hệ thống chưa biết cách tính “%(formula)s”") % {"formula": formula}))
        elif measure in Measure.values and known[formula].measure != measure:
            problems.append(("measure", _("Cách tính đã chọn cho kết quả là “%(measure)s”; hãy chọn đơn vị tính đó")
                             % {"measure": Measure(known[formula].measure).label}))
    elif source == Source.ENTERED:
        formula = ""
        if entry_kind not in EntryKind.values:
            problems.append(("entry_kind", _("Hãy chọn cách nhập")))
        elif entry_kind == EntryKind.YES_NO and measure in Measure.values and measure != Measure.PERCENT:
            problems.append(("measure", _("Chỉ tiêu có/không của từng xã được tính thành tỷ lệ %: hãy chọn đơn vị "
                                          "tính %")))
        if entry_kind == EntryKind.VALUE and measure == Measure.POINTS_A_YEAR:
            problems.append(("measure", _("Điểm % mỗi năm được tính từ một tỷ lệ, không nhập tay")))
        if 4 in levels:
            problems.append(("levels", _("Số liệu đơn vị nhập chỉ đến cấp xã: bỏ cấp thôn")))
    else:
        problems.append(("source", _("Hãy chọn nguồn số liệu")))
    default_target = data.get("default_target")
    if default_target in (None, ""):
        default_target = None
    elif measure in Measure.values:
        probe = Indicator(measure=measure)
        default_target, messages = clean_value(probe, default_target)
        problems += [("default_target", m) for m in messages]
    try:
        order = int(data.get("order") or 100)
        if not 0 <= order <= 32767:
            raise ValueError
    except (TypeError, ValueError):
        problems.append(("order", _("Thứ tự là số nguyên từ 0 đến 32.767")))
        order = 100
    cleaned = {"code": code, "name": name, "short_name": short_name, "measure": measure, "direction": direction,
               "levels": levels, "source": source, "formula": formula, "entry_kind": entry_kind,
               "numerator_label": _text(data.get("numerator_label"))[:200],
               "denominator_label": _text(data.get("denominator_label"))[:200] if measure == Measure.PERCENT else "",
               "default_target": default_target, "order": order, "description": _text(data.get("description"))}
    return cleaned, problems


def _fail(problems: Iterable[tuple[str, str]]) -> None:
    grouped: dict[str, list[str]] = {}
    for name, message in problems:
        grouped.setdefault(name, []).append(message)
    if grouped:
        raise ValidationError(grouped)


def _recompute_after_commit(indicator: Indicator) -> None:
    # Derived indicators are worked out at read time; everything else needs stored figures
    # (an entered yes/no needs at least the count of communes as its denominator).
    if not indicator.is_derived:
        transaction.on_commit(lambda: rollups.recompute_all())

