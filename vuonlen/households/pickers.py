"""The household picker's endpoint (core/pickers.py): current households by head's name (with
or without diacritics) or code, only those ``households_visible_to`` lets through."""

from __future__ import annotations

from django.views.decorators.http import require_POST

from vuonlen.accounts import roles, scoping
from vuonlen.core import pickers
from vuonlen.core.access import room_required

from .selectors import households_visible_to, matching_names


@require_POST
@room_required(roles.HOUSEHOLD_VIEW)
def household_suggest(request):
    text, folded = pickers.words(request)
    if len(folded) < pickers.MIN_CHARS:
        return pickers.answer([])
    qs = households_visible_to(request.user).filter(ended_on__isnull=True)
    if (unit_pk := pickers.int_param(request, "don_vi")) is not None:
        unit = scoping.visible_units(request.user, roles.HOUSEHOLD_VIEW).filter(pk=unit_pk).only("path").first()
        if unit is not None:  # a unit outside the scope narrows nothing (and reveals nothing)
            qs = qs.filter(unit__path__startswith=unit.path)
    qs = (matching_names(qs, text)
          .select_related("unit", "commune").order_by("head_sort", "code")[:pickers.MAX_RESULTS])
    return pickers.answer(pickers.Suggestion(value=h.code, label=f"{h.head_name} · {h.code}",
                                             hint=f"{h.unit.name}, {h.commune.name}") for h in qs)
