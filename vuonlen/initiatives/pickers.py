"""The model picker's endpoint (core/pickers.py): models by name (with or without diacritics),
each with its commune, only those ``initiatives_visible_to`` lets through."""

from __future__ import annotations

from django.db.models import Q
from django.views.decorators.http import require_POST

from vuonlen.accounts import roles
from vuonlen.core import pickers
from vuonlen.core.access import room_required

from .models import Initiative
from .selectors import initiatives_visible_to


def initiative_label(initiative: Initiative) -> str:
    """A model named with the commune where it stands: two communes' "Nuôi bò sinh sản" differ."""
    return f"{initiative.name} — {initiative.unit.name}"


@require_POST
@room_required(roles.INITIATIVE_VIEW)
def initiative_suggest(request):
    text, folded = pickers.words(request)
    if len(folded) < pickers.MIN_CHARS:
        return pickers.answer([])
    where = Q(name_search__contains=folded)
    if text.isdigit():
        where |= Q(pk=int(text))
    qs = (initiatives_visible_to(request.user).filter(where).select_related("unit", "unit__parent")
          .order_by("name_sort", "-start_year")[:pickers.MAX_RESULTS])
    return pickers.answer(pickers.Suggestion(
        value=str(i.pk), label=i.name,
        hint=f"{i.unit.name}{', ' + i.unit.parent.name if i.unit.parent_id else ''} · {i.start_year}") for i in qs)
