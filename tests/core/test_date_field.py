"""Issue 13, item 8: every date field uses the one dd/mm/yyyy widget (a native date input shows
12/02/2026 for 2 December in an English browser), with its errors in Vietnamese."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings

from vuonlen.core.forms import DateField, DateInput

ROOMS = ["accounts", "campaign", "core", "directives", "geo", "households", "indicators", "initiatives",
         "outreach", "reporting", "support", "twinning"]


def _form_classes():
    for room in ROOMS:
        try:
            module = importlib.import_module(f"vuonlen.{room}.forms")
        except ModuleNotFoundError:
            continue
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_every_date_field_of_every_form_is_the_core_one():
    checked, offenders = 0, []
    for cls in _form_classes():
        for name, field in cls.base_fields.items():
            if isinstance(field, forms.DateField):
                checked += 1
                if not isinstance(field, DateField) or not isinstance(field.widget, DateInput):
                    offenders.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert offenders == []
    assert checked >= 25  # the rooms' forms were really inspected


def test_no_template_or_script_uses_a_native_date_input():
    pattern = re.compile(r"""type\s*=\s*["']?date\b|\.type\s*=\s*["']date|"type":\s*"date\"""")
    offenders = [str(path.relative_to(settings.BASE_DIR))
                 for suffix in ("*.html", "*.js", "*.py")
                 for path in (Path(settings.BASE_DIR) / "vuonlen").rglob(suffix)
                 if "vendor" not in path.parts and pattern.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


class _Form(forms.Form):
    day = DateField(label="Ngày")


def test_the_widget_shows_day_month_year_in_a_text_box():
    html = str(_Form(initial={"day": dt.date(2026, 12, 2)})["day"])
    assert 'type="text"' in html and 'value="02/12/2026"' in html and 'placeholder="dd/mm/yyyy"' in html
    assert 'inputmode="numeric"' in html


@pytest.mark.parametrize("typed", ["02/12/2026", "2/12/2026", "02-12-2026", "02.12.2026", "2026-12-02", " 2/12/2026 "])
def test_the_field_reads_the_ways_officers_type_a_date(typed):
    form = _Form({"day": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == dt.date(2026, 12, 2)


@pytest.mark.parametrize(("typed", "message"), [
    ("12/2026", "không phải ngày: hãy nhập theo dạng ngày/tháng/năm, ví dụ 07/06/2023"),
    ("hôm qua", "không phải ngày"),
    ("31/02/2026", "Ngày “31/02/2026” không có trên lịch."),
    ("01/01/0026", "phải trong khoảng 1900–2100"),
])
def test_a_wrong_date_is_explained_in_vietnamese(typed, message):
    form = _Form({"day": typed})
    assert not form.is_valid()
    assert message in form.errors["day"][0]
