"""The form renderer (``settings.FORM_RENDERER``): Django's own, except that a drop-down list
(``django/forms/widgets/select.html``) is written in Python — the same markup, character for
character, without an included template and an attributes loop per option.

A unit picker holds the province's 160 units: Django's templates took ≈ 80 µs an option, 13 ms
of the official tables' page and 4 ms of the compliance board's (issue 17). Anything else, and a
drop-down whose options use another template, is rendered by the templates as before; and if a
project template ever overrides Django's select templates, they are used instead.
"""

from __future__ import annotations

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
    parts = ['<select name="', _out(widget["name"]), '"', _attrs(widget["attrs"]), ">"]
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append('\n  <optgroup label="' + _out(group_name) + '">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                return None
            parts.append('\n  <option value="' + _formatted(option["value"]) + '"' + _attrs(option["attrs"]) + ">"
                         + _out(option["label"]) + "</option>\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)
