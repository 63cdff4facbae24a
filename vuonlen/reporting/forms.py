"""Forms parse input only; the services validate the report, the pipeline and concurrency."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vuonlen.accounts.models import OrgKind
from vuonlen.core.formats import format_number
from vuonlen.core.forms import DateField, MultipleFileField, ServiceErrorsMixin, StyledFormMixin
from vuonlen.core.periods import Period, PeriodKind
from vuonlen.geo.models import Level

from . import figures
from .models import SectionKind, Submission, SubmissionStatus
from .services import figure_field, narrative_field, note_field


def _number_text(value) -> str:
    """1500 → "1.500", "12.5" → "12,5": as the unit would type it."""
    if value is None:
        return ""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return format_number(number)
    return format_number(number, -number.normalize().as_tuple().exponent)


class SubmissionForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    """Built from the report's form sections: a value and a note per figure, a text per part."""

    doc_number = forms.CharField(label=_("Số văn bản"), max_length=60, required=False,
                                 help_text=_("Ví dụ 45-BC/HND; để trống nếu chưa có số"))
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=150, required=False,
                                   help_text=_("Ví dụ CHỦ TỊCH, PHÓ CHỦ TỊCH"))
    signer_name = forms.CharField(label=_("Họ và tên người ký"), max_length=150, required=False)
    attachments = MultipleFileField(label=_("Tệp đính kèm"), required=False, accept=None)
    # The version the page was loaded with: a different stored version means someone else saved.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, submission: Submission, **kwargs):
        self.submission = submission
        if not args and "data" not in kwargs:
            kwargs.setdefault("initial", self.initial_for(submission))
        super().__init__(*args, **kwargs)
        self.sections = []
        for section in submission.schedule.form.sections.all():
            entry = {"section": section, "figures": [], "field": None}
            if section.kind == SectionKind.FIGURES:
                for code in section.figure_codes:
                    figure = figures.get(code)
                    stored = submission.values.get(code) or {}
                    value_name, note_name = figure_field(code), note_field(code)
                    self.fields[value_name] = forms.CharField(
                        label=figure.label, required=False, max_length=30,
                        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control text-end",
                                                      "data-prefilled": _number_text(stored.get("prefilled"))}))
                    self.fields[note_name] = forms.CharField(
                        label=_("Ghi chú, lý do sửa"), required=False, max_length=500,
                        widget=forms.TextInput(attrs={"class": "form-control"}))
                    entry["figures"].append({"figure": figure, "stored": stored, "value": value_name,
                                             "note": note_name})
            else:
                name = narrative_field(section.code)
                self.fields[name] = forms.CharField(
                    label=section.title, required=False, help_text=section.help_text,
                    widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}))
                entry["field"] = name
            self.sections.append(entry)
        if not submission.schedule.form.allow_attachments:
            del self.fields["attachments"]
        else:
            self.fields["attachments"].widget.attrs.update(
                {"accept": ".pdf,.doc,.docx,.xls,.xlsx,.jpg,.jpeg,.png", "class": "form-control"})
        # Bind the section entries to bound fields, for the template.
        for entry in self.sections:
            for item in entry["figures"]:
                item["value_field"] = self[item["value"]]
                item["note_field"] = self[item["note"]]
            if entry["field"]:
                entry["bound"] = self[entry["field"]]

    @staticmethod
    def initial_for(submission: Submission) -> dict:
        initial = {"doc_number": submission.doc_number, "signer_title": submission.signer_title,
                   "signer_name": submission.signer_name, "version": submission.version}
        for code, stored in submission.values.items():
            initial[figure_field(code)] = _number_text(stored.get("value"))
            initial[note_field(code)] = stored.get("note", "")
        for code, text in submission.narrative.items():
            initial[narrative_field(code)] = text
        return initial

    def figures_input(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {code: (data.get(figure_field(code), ""), data.get(note_field(code), ""))
                for entry in self.sections for code in (i["figure"].code for i in entry["figures"])}

    def narrative_input(self) -> dict[str, str]:
        return {entry["section"].code: self.cleaned_data.get(entry["field"], "")
                for entry in self.sections if entry["field"]}


class ReviewForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    ACCEPT, RETURN = "accept", "return"
    action = forms.ChoiceField(choices=[(ACCEPT, _("Tiếp nhận")), (RETURN, _("Trả lại"))], widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Ý kiến của Thường trực"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Bắt buộc khi trả lại: ghi rõ đơn vị cần sửa gì"))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AttachmentDeleteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


_PERIOD_RE = re.compile(r"^\d{4}(-(Q[1-4]|H[12]))?$")


def period_choices(years) -> list[tuple[str, str]]:
    result = []
    for year in years:
        for index in (4, 3, 2, 1):
            period = Period(year, PeriodKind.QUARTER, index)
            result.append((period.code(), period.label()))
        for index in (2, 1):
            period = Period(year, PeriodKind.HALF, index)
            result.append((period.code(), period.label()))
        result.append((str(year), f"Năm {year}"))
    return result


class PeriodField(forms.CharField):
    def to_python(self, value):
        value = (super().to_python(value) or "").strip().upper()
        if not value:
            return None
        if not _PERIOD_RE.match(value):
            raise ValidationError(_("Kỳ báo cáo không hợp lệ (ví dụ 2023-Q2)"))
        try:
            return Period.parse(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class BoardFilterForm(StyledFormMixin, forms.Form):
    ky = PeriodField(label=_("Kỳ báo cáo"), required=False, widget=forms.Select)
    cap = forms.TypedChoiceField(label=_("Cấp"), required=False, coerce=int, empty_value=None,
                                 choices=[("", _("Mọi cấp"))] + [(v, label) for v, label in Level.choices if v < Level.VILLAGE])
    loai = forms.ChoiceField(label=_("Loại tổ chức"), required=False, choices=[("", _("Mọi loại"))] + list(OrgKind.choices))
    bao_cao = forms.TypedChoiceField(label=_("Báo cáo"), required=False, coerce=int, empty_value=None, choices=[])

    def __init__(self, *args, years=(), schedules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ky"].widget.choices = period_choices(years)
        self.fields["bao_cao"].choices = [("", _("Mọi báo cáo"))] + [(s.pk, s.name) for s in schedules]

    def add_prefix(self, field_name):
        # "bao-cao" in the address reads better than "bao_cao".
        return field_name.replace("_", "-")


class ListFilterForm(StyledFormMixin, forms.Form):
    ky = PeriodField(label=_("Kỳ báo cáo"), required=False, widget=forms.Select)
    trang_thai = forms.ChoiceField(label=_("Trạng thái"), required=False,
                                   choices=[("", _("Mọi trạng thái"))] + list(SubmissionStatus.choices))
    q = forms.CharField(label=_("Tên đơn vị"), required=False, max_length=100)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ky"].widget.choices = [("", _("Mọi kỳ"))] + period_choices(years)

    def add_prefix(self, field_name):
        return field_name.replace("_", "-")


class ExplanationRequestForm(StyledFormMixin, forms.Form):
    schedule = forms.IntegerField(widget=forms.HiddenInput)
    period = PeriodField(widget=forms.HiddenInput)
    due_date = DateField(label=_("Hạn gửi giải trình"))
