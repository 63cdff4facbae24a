"""Template helpers of the registry: status labels and badges."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()

# Bootstrap colours per status: poor red, near-poor amber, the rest calm.
_BADGE = {"poor": "text-bg-danger", "near_poor": "text-bg-warning", "average": "text-bg-info",
          "above_average": "text-bg-success", "not_poor": "text-bg-success"}


@register.filter
def status_label(code) -> str:
    from vuonlen.poverty import STATUS_LABELS_VI

    return next((label for key, label in STATUS_LABELS_VI.items() if str(key) == str(code)), code or "")


@register.simple_tag
def status_badge(code):
    if not code:
        return ""
    return format_html('<span class="badge {}">{}</span>', _BADGE.get(str(code), "text-bg-secondary"),
                       status_label(code))


@register.filter
def indicator_name(code, standard) -> str:
    """An indicator's Vietnamese name under ``standard`` (a code, or the Standard itself)."""
    from vuonlen import poverty

    try:
        std = poverty.STANDARDS[standard] if isinstance(standard, str) else standard
        return std.indicator(code).name_vi
    except (KeyError, ValueError, AttributeError, TypeError):
        return code


@register.filter
def standard_name(code) -> str:
    """"Nghị định 07/2021/NĐ-CP" for "ND07_2021"."""
    from vuonlen import poverty

    standard = poverty.STANDARDS.get(str(code))
    return standard.short_name_vi if standard else code
