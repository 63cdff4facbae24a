"""The dashboard's ranking table, row by row, in Python: up to a hundred rows of eight cells,
links and labels, which the template engine drew at about a tenth of a millisecond a row
(issue 17: the reader's own dashboard is the most opened page). The markup is the one the
template wrote (``indicators/dashboard/page.html`` keeps the table around it)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from vuonlen.core.formats import format_number

register = template.Library()

_PLACEHOLDER = 987654321


def _number(value) -> str:
    return "-" if value in (None, "") else format_number(value, 0)


def status_badge(f) -> str:
    """``indicators/dashboard/_status.html``."""
    label = escape(f.status_label)
    return (f'<span class="badge vl-status {escape(f.status_css)}" title="{label}"><span aria-hidden="true" '
            f'class="vl-status-sign">{escape(f.status_sign)}</span> <span class="vl-status-word">{label}</span>'
            "</span>\n")


@register.simple_tag
def ranking_rows(ranking, keep: str) -> SafeString:
    dashboard = reverse("indicators:dashboard", args=[_PLACEHOLDER]).replace(str(_PLACEHOLDER), "{}")
    behind = reverse("indicators:dashboard_households", args=[_PLACEHOLDER]).replace(str(_PLACEHOLDER), "{}")
    keep = escape(keep)
    out = []
    for r in ranking:
        f = r.figure
        name = escape(f.unit_name)
        numerator, denominator = _number(f.row.numerator), _number(f.row.denominator)
        if f.drill_numerator:
            label = gettext("%(n)s hộ đạt tiêu chí ở %(name)s") % {"n": escape(numerator), "name": name}
            numerator_cell = (f'<a href="{behind.format(f.unit_id)}?indicator={escape(f.indicator.code)}&amp;{keep}'
                              f'&amp;meets=1" aria-label="{label}">{numerator}</a>')
        else:
            numerator_cell = numerator
        if not f.has_ratio:
            denominator_cell = "-"
        elif f.drill_denominator:
            label = gettext("%(n)s hộ trong mẫu số ở %(name)s") % {"n": escape(denominator), "name": name}
            denominator_cell = (f'<a href="{behind.format(f.unit_id)}?indicator={escape(f.indicator.code)}&amp;{keep}"'
                                f' aria-label="{label}">{denominator}</a>')
        else:
            denominator_cell = denominator
        rank = f"{r.rank:d}" if r.rank else "–"
        out.append(
            "<tr>"
            f'<td class="text-end d-none d-sm-table-cell">{rank}</td>'
            f'<th scope="row" class="fw-normal"><a href="{dashboard.format(f.unit_id)}?{keep}">{name}</a></th>'
            f'<td class="text-end">{numerator_cell}</td>'
            f'<td class="text-end">{denominator_cell}</td>'
            f'<td class="text-end fw-semibold">{escape(f.value_text)}</td>'
            f'<td class="text-end d-none d-md-table-cell">{escape(f.target_text)}</td>'
            f'<td class="text-end d-none d-md-table-cell">{escape(f.share_text)}</td>'
            f'<td class="text-nowrap">{status_badge(f)}</td>'
            "</tr>\n"
        )
    return mark_safe("".join(out))

