"""The form renderer (``settings.FORM_RENDERER``): Django's own, except that a drop-down list
(``django/forms/widgets/select.html``) is written in Python — the same markup, character for
character, without an included template and an attributes loop per option.

A unit picker holds the province's 160 units: Django's templates took ≈ 80 µs an option, 13 ms
of the official tables' page and 4 ms of the compliance board's (issue 17). Anything else, and a
drop-down whose options use another template, is rendered by the templates as before; and if a
project template ever overrides Django's select templates, they are used instead.

``CachedSelect`` is for the longest lists (a province's 1,700 units in the household list's
filter): even the options' dicts Django builds for each render cost more than the page's
queries, so its options are written once per list of choices, by the same ``_option``, and the
chosen ones marked in that text.
"""

from __future__ import annotations

from functools import lru_cache

from django import forms
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.utils.functional import cached_property
from django.utils.safestring import SafeData, mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
_OWN = ("django/forms/widgets/select.html", "django/forms/widgets/select_option.html",
        "django/forms/widgets/attrs.html")


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == SELECT and self._own_select_templates:
            html = _select(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request)

    @cached_property
    def _own_select_templates(self) -> bool:
        """Django's own templates are the ones in use (no app overrides them)."""
        from pathlib import Path

        import django.forms

        home = Path(django.forms.__file__).parent / "templates"
        return all(Path(self.engine.get_template(name).origin.name).is_relative_to(home) for name in _OWN)


_CONTEXT = Context()  # autoescape on, localisation as the settings say: the templates' own context


def _out(value) -> str:
    """``{{ value }}`` as the template writes it (localised, escaped unless marked safe)."""
    return render_value_in_context(value, _CONTEXT)


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``: the filter keeps a safe value safe (``is_safe``)."""
    text = stringformat(value, "s")
    if isinstance(value, SafeData):
        text = mark_safe(text)
    return _out(text)


def _attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is not False:
            parts.append(" " + _out(name))
            if value is not True:
                parts.append('="' + _formatted(value) + '"')
    return "".join(parts)


def _select(widget: dict) -> str | None:
    """``select.html`` with its options (``select_option.html``), stripped as the renderer strips
    a template's output; None when an option uses another template."""
    parts = []
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append('\n  <optgroup label="' + _out(group_name) + '">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                return None
            parts.append(_option(option["value"], option["attrs"], option["label"]))
        if group_name:
            parts.append("\n  </optgroup>")
    return _select_tag(widget["name"], widget["attrs"], "".join(parts))


def _select_tag(name, attrs: dict, options: str) -> str:
    return '<select name="' + _out(name) + '"' + _attrs(attrs) + ">" + options + "\n</select>"


def _option(value, attrs: dict, label) -> str:
    """``select_option.html``, as ``select.html`` places it."""
    return _option_tag(value, attrs) + _out(label) + "</option>\n"


def _option_tag(value, attrs: dict) -> str:
    return '\n  <option value="' + _formatted(value) + '"' + _attrs(attrs) + ">"


@lru_cache(maxsize=256)
def _options(choices: tuple[tuple[str, str], ...]) -> str:
    """The options of these (value, label) pairs, none chosen; labels already in the reader's
    language (the key holds them as text)."""
    return "".join(_option(value, {}, label) for value, label in choices)


class CachedSelect(forms.Select):
    """A drop-down of plain (value, label) choices, one of them chosen, whose options' markup is
    kept per list of choices: the same markup as ``FormRenderer`` writes for a ``Select``
    (tested), without a dict per option on every render."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        options = _options(tuple((str(key), str(label)) for key, label in self.choices))
        for chosen in {str(v) for v in self.format_value(value)}:
            options = options.replace(_option_tag(chosen, {}), _option_tag(chosen, {"selected": True}), 1)
        return mark_safe(_select_tag(name, final_attrs, options))
