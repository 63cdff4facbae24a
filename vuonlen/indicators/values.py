"""An indicator's value as people type and read it: checking a typed target (a number, in range
for the measure, at most two decimals) and showing one (``81,1%``, ``1.500.000 đồng``).

Shared by the reads (``selectors``), the writes (``services``) and the pages; it reads nothing
from the database.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vuonlen.core.formats import format_number, parse_number
from vuonlen.geo.models import Level

from .models import Indicator, Measure

RATE_MEASURES = {Measure.PERCENT, Measure.POINTS_A_YEAR}
WHOLE_MEASURES = {Measure.COUNT, Measure.VND}
MAX_VALUE = Decimal("1e16")
CENT = Decimal("0.01")
LEVEL_NAMES = {Level.PROVINCE: gettext_lazy("tỉnh"), Level.DISTRICT: gettext_lazy("huyện"),
               Level.COMMUNE: gettext_lazy("xã"), Level.VILLAGE: gettext_lazy("thôn")}
UNIT_SUFFIX = {Measure.PERCENT: "%", Measure.POINTS_A_YEAR: " điểm %", Measure.VND: " đồng", Measure.COUNT: ""}


# --- numbers as people read them ----------------------------------------------------------------

def plain_number(value, max_decimals: int = 2) -> str:
    """75 → '75', 67.5 → '67,5', 1500000 → '1.500.000': as many decimals as the value has."""
    if value is None:
        return ""
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-max_decimals), rounding=ROUND_HALF_UP).normalize()
    decimals = max(0, -number.as_tuple().exponent)
    return format_number(number, decimals)


def show(measure: str, value, decimals: int | None = None) -> str:
    """A value with its unit: 81,1% · 6,0 điểm % · 12 · 1.500.000 đồng; '' for none."""
    if value is None:
        return ""
    if decimals is None:
        text = plain_number(value)
    else:
        text = format_number(Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP),
                             decimals)
    return text + UNIT_SUFFIX.get(measure, "")

# --- checking a typed value ----------------------------------------------------------------------

def parse_value(raw: Any) -> tuple[Decimal | None, str | None]:
    """(value, None) or (None, Vietnamese message)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, _("Chưa nhập mức chỉ tiêu")
    if isinstance(raw, Decimal):
        return raw, None
    try:
        return parse_number(raw), None
    except (ValueError, TypeError):
        return None, _("“%(raw)s” không phải là số") % {"raw": raw}


def clean_value(indicator: Indicator, raw: Any) -> tuple[Decimal | None, list[str]]:
    value, message = parse_value(raw)
    if message:
        return None, [message]
    problems = []
    if not value.is_finite():
        return None, [_("“%(raw)s” không phải là số") % {"raw": raw}]
    if abs(value) >= MAX_VALUE:
        return None, [_("Số quá lớn")]
    if value < 0:
        problems.append(_("Mức chỉ tiêu không được âm"))
    if indicator.measure in RATE_MEASURES and value > 100:
        problems.append(_("Tỷ lệ không quá 100%(unit)s (đã nhập %(value)s)") % {
            "unit": UNIT_SUFFIX[indicator.measure], "value": plain_number(value)})
    if indicator.measure in WHOLE_MEASURES and value != value.to_integral_value():
        problems.append(_("Số lượng phải là số nguyên") if indicator.measure == Measure.COUNT
                        else _("Số tiền phải là số đồng chẵn"))
    elif value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        problems.append(_("Chỉ ghi tối đa 2 chữ số thập phân"))
    return (None if problems else value.quantize(CENT)), problems
