"""Drop-down lists are written in Python (``core.form_renderer``, issue 17): the markup must be
Django's own, character for character, whatever the list holds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from vuonlen.core.form_renderer import FormRenderer


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Mọi cấp"), ("a", "Tỉnh <Kon Tum>"), ("b", "Huyện & xã")])
    numbers = forms.TypedChoiceField(coerce=int, choices=[(2024, 2024), (2025, 12345), (3, Decimal("1.5"))],
                                     required=False)
    lazy = forms.ChoiceField(choices=[("vi", _("Tiếng Việt")), ("en", _("English"))])
    groups = forms.ChoiceField(choices=[("Quý", [("2025-Q1", "Quý I/2025"), ("2025-Q2", "Quý II/2025")]),
                                        ("Năm", [("2025", "Năm 2025")]), ("x", "Khác")])
    many = forms.MultipleChoiceField(choices=[(1, "Một"), (2, "Hai \"ba\""), (3, mark_safe("<b>Bốn</b>"))])
    styled = forms.ChoiceField(choices=[(1, "A")], widget=forms.Select(attrs={
        "class": "form-select form-select-sm", "disabled": True, "data-x": False, "data-n": 0,
        "data-none": None, "aria-label": "Chọn \"đơn vị\"", "data-day": dt.date(2025, 7, 1)}))
    safe_value = forms.ChoiceField(choices=[(mark_safe("a&b"), "a&b"), ("c&d", "c&d")])
    empty = forms.ChoiceField(choices=[], required=False)


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("data", [None, {"plain": "a", "numbers": "2025", "lazy": "en", "groups": "2025-Q2",
                                         "many": ["1", "3"], "styled": "1", "safe_value": "a&b"}])
def test_drop_downs_are_djangos_markup_character_for_character(language, data):
    assert FormRenderer()._own_select_templates  # the Python path, not the templates
    with override(language):
        for name in Everything.base_fields:
            ours = Everything(data, renderer=FormRenderer())[name]
            django = Everything(data, renderer=DjangoTemplates())[name]
            assert str(ours) == str(django), name


def test_the_site_uses_it_and_falls_back_for_other_templates(settings):
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FormRenderer)

    class Other(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    field = forms.ChoiceField(choices=[("a", "A")], widget=Other)
    form = type("F", (forms.Form,), {"f": field})(renderer=FormRenderer())
    assert 'type="' in str(form["f"])  # rendered by the templates, with the other option template


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("value", [None, "", "a", "b", 3, "không có"])
def test_the_cached_drop_down_writes_what_the_renderer_writes(language, value):
    # The household list's filters keep their options' markup (a province's 1,700 units): it must
    # be the markup every other drop-down gets, the chosen option marked the same way.
    from vuonlen.core.form_renderer import CachedSelect

    choices = [("", "Tất cả"), ("a", "Tỉnh <Kon Tum>"), ("b", "Huyện & xã \"Đăk\""), (3, _("English"))]
    attrs = {"class": "form-select form-select-sm", "id": "id_unit", "data-day": dt.date(2025, 7, 1)}
    plain = forms.Select(attrs=attrs, choices=choices)
    cached = CachedSelect(attrs=attrs, choices=choices)
    with override(language):
        ours = cached.render("unit", value)
        assert ours == plain.render("unit", value, renderer=FormRenderer())
        assert ours == plain.render("unit", value, renderer=DjangoTemplates())
        assert ours.count(" selected>") == (value != "không có")
        assert ("Tiếng Anh" in ours) == (language == "vi")
