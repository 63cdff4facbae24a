"""The village picker's endpoint (core/pickers.py): villages under the chosen commune (or
district), each with its commune, only those in the person's area."""

from __future__ import annotations

from django.views.decorators.http import require_POST

from vuonlen.accounts import roles, scoping
from vuonlen.core import pickers
from vuonlen.core.access import room_required

from .models import AdministrativeUnit, Level

ALL_UNDER = 500  # without words: every village under the unit (a commune has a few dozen)


@require_POST
@room_required(roles.UNIT_VIEW)
def village_suggest(request):
    text, folded = pickers.words(request)
    visible = scoping.visible_units(request.user, roles.UNIT_VIEW)
    qs = visible.filter(level=Level.VILLAGE, valid_to__isnull=True)
    unit_pk = pickers.int_param(request, "don_vi")
    if unit_pk is not None:
        unit = visible.filter(pk=unit_pk).only("path").first()
        if unit is None:
            return pickers.answer([])
        qs = visible.filter(level=Level.VILLAGE, path__startswith=unit.path)
        limit = ALL_UNDER
    elif len(folded) < pickers.MIN_CHARS:
        return pickers.answer([])
    else:
        limit = pickers.MAX_RESULTS
    if folded:
        qs = qs.filter(name_search__contains=folded)
    villages = qs.select_related("parent").order_by("parent__name_sort", "name_sort")[:limit]
    return pickers.answer((pickers.Suggestion(value=str(v.pk), label=v.name, hint=v.parent.name if v.parent else "")
                           for v in villages), limit=limit)


def village_label(village: AdministrativeUnit) -> str:
    """A village named with its commune, for every list that offers villages of several communes."""
    return f"{village.name} — {village.parent.name}" if village.parent_id else village.name
