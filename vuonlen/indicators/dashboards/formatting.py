"""How a dashboard prints a figure: 81,1% · 1.500.000 · 5,6 điểm %, the targets, the shares,
and the page's fixed choices (the charted indicators, the ranking orders). Pure functions, no
queries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from vuonlen.core.formats import format_date, format_number
from vuonlen.geo.models import Level

from .. import evaluation
from ..models import Direction, Indicator, Measure

# Household indicators drawn as lines on the trend chart (all in per cent of households).
CHART_CODES = ("TUYEN_TRUYEN", "NEP_NGHI", "KHKT", "DOI_SONG", "HTX")
POVERTY_CODES = ("HO_NGHEO", "HO_CAN_NGHEO", "TL_NGHEO_CN")
TREND_SPAN = 5  # years on the trend when the year is outside any phase
DRILL_MIN_LEVEL = Level.COMMUNE  # numbers link to their households from communes down
BEST, WORST = "best", "worst"

TARGET_KIND_LABELS = {
    "year": _("chỉ tiêu năm"),
    "phase": _("chỉ tiêu cuối giai đoạn"),
    "default": _("mức của kế hoạch"),
}
STATUS_CSS = evaluation.STATUS_CSS
STATUS_SIGNS = evaluation.STATUS_SIGNS


# --- formatting -----------------------------------------------------------------------------

def format_value(measure: str, value: float | None) -> str:
    """81,1% · 1.500.000 · 5,6 điểm %; "-" when there is no value."""
    if value is None:
        return "-"
    if measure == Measure.PERCENT:
        return f"{format_number(value, 1)}%"
    if measure == Measure.POINTS_A_YEAR:
        return f"{format_number(value, 1)} {_('điểm %')}"
    return format_number(value, 0)


def rounded(measure: str, value: float | None) -> float | int | None:
    """The value as the page prints it, for the spreadsheet cell."""
    if value is None:
        return None
    if measure in (Measure.PERCENT, Measure.POINTS_A_YEAR):
        return round(value, 1)
    return int(round(value))


def target_text(indicator: Indicator, target: float | None) -> str:
    if target is None:
        return "-"
    sign = "≤" if indicator.direction == Direction.DOWN else "≥"
    return f"{sign} {format_value(indicator.measure, target)}"


def share_text(share: float | None) -> str:
    return "-" if share is None else f"{format_number(share, 1)}%"



def record_date(record) -> str:
    return format_date(getattr(record, "assessed_on", None) or getattr(record, "reviewed_on", None))
