"""Pickers that find things as you type: one widget, one answer shape, an endpoint per entity.

The widget (:class:`PickerInput`) is a plain text input — the household code, the village's or
model's number — so a form works without JavaScript. ``static/js/vl-widgets.js`` turns it into
an ARIA combobox: typing two letters posts the words to the entity's endpoint and lists what
it answers; arrow keys, Enter and Escape work; choosing puts the value in the box (or appends it
to a list of codes) and shows the chosen label under it.

The words are posted, never put in the URL: a head of household's name in a query string would
land in the access logs (see ``core/private_search.py``). Each endpoint reads through its
entity's access function, so a record outside the person's scope is never suggested; the
endpoints log nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.http import HttpRequest, JsonResponse
from django.urls import reverse

from .text import fold, nfc

MIN_CHARS = 2
MAX_RESULTS = 12
MAX_QUERY = 100


@dataclass(frozen=True)
class Suggestion:
    value: str  # what the field receives
    label: str  # what the person reads
    hint: str = ""  # where it is (village, commune)


def words(request: HttpRequest) -> tuple[str, str]:
    """The typed words (NFC, trimmed, bounded) and their folded form for ``*_search`` columns."""
    text = nfc((request.POST.get("q") or "")[:MAX_QUERY]).strip()
    return text, fold(text)


def int_param(request: HttpRequest, name: str) -> int | None:
    try:
        return int(request.POST.get(name) or request.GET.get(name) or "")
    except ValueError:
        return None


def answer(items: Iterable[Suggestion], limit: int = MAX_RESULTS) -> JsonResponse:
    response = JsonResponse({"results": [{"value": s.value, "label": s.label, "hint": s.hint}
                                         for s in list(items)[:limit]]})
    response["Cache-Control"] = "private, no-store"
    return response


class PickerInput(forms.TextInput):
    """A text input that suggests records of one entity.

    ``url_name``: the entity's endpoint. ``multiple``: a chosen value is appended to the codes
    already typed (a textarea of household codes). ``narrow_by``: the name of another field of
    the form whose value is posted with the words (a commune narrowing the villages)."""

    template_name = "core/widgets/picker.html"

    def __init__(self, url_name: str, *, multiple: bool = False, narrow_by: str = "", attrs=None):
        self.url_name, self.multiple, self.narrow_by = url_name, multiple, narrow_by
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})})

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.url_name, copy.multiple, copy.narrow_by = self.url_name, self.multiple, self.narrow_by
        return copy

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-vl-picker"] = reverse(self.url_name)
        if self.multiple:
            widget_attrs["data-vl-picker-multiple"] = ""
        if self.narrow_by:
            widget_attrs["data-vl-picker-narrow"] = self.narrow_by
        context["widget"]["multiline"] = self.multiple
        return context


class PickerTextarea(PickerInput):
    """The same picker on a textarea of codes (several households at once)."""

    def __init__(self, url_name: str, *, narrow_by: str = "", attrs=None):
        super().__init__(url_name, multiple=True, narrow_by=narrow_by, attrs={"rows": 3, **(attrs or {})})

    def format_value(self, value):
        return "" if value is None else str(value)
