"""Forms parse input only; the services validate it against the data, the scope and the clock."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vuonlen.core.forms import DateField, MultipleFileField, ServiceErrorsMixin, StyledFormMixin
from vuonlen.core.pickers import PickerTextarea

from .models import CRITERIA, MAX_SCORE, ActivityKind


class PairForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("Cơ quan, đơn vị, doanh nghiệp"), queryset=None, required=False,
                                          empty_label=_("— Chọn —"))
    unit = forms.ModelChoiceField(label=_("Huyện, xã kết nghĩa"), queryset=None, required=False,
                                  empty_label=_("— Chọn —"))
    started_on = DateField(label=_("Kết nghĩa từ ngày"), required=False)
    ended_on = DateField(label=_("Đến ngày"), required=False,
                         help_text=_("Để trống nếu còn kết nghĩa"))
    agreement_number = forms.CharField(label=_("Số văn bản ký kết"), max_length=60, required=False)
    content = forms.CharField(label=_("Nội dung giúp đỡ đã thống nhất"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("Văn bản ký kết (PDF, Word, ảnh; tối đa 10 MB mỗi tệp)"))

    def __init__(self, *args, organisations, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda u: f"{u.name} ({u.parent.name})" if u.parent_id else u.name


class PairEditForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    """A pair's period and agreement note; ``version`` is the version the person started from."""

    started_on = PairForm.base_fields["started_on"]
    ended_on = PairForm.base_fields["ended_on"]
    agreement_number = PairForm.base_fields["agreement_number"]
    content = PairForm.base_fields["content"]
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class FilesForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    files = MultipleFileField(label=_("Thêm văn bản kết nghĩa"))


class ActivityForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Loại hoạt động"), choices=[("", "— Chọn —")] + list(ActivityKind.choices),
                             required=False)
    date = DateField(label=_("Ngày"), required=False)
    value_vnd = forms.CharField(label=_("Giá trị (đồng)"), required=False, max_length=30,
                                widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "1.500.000"}))
    beneficiary_count = forms.IntegerField(label=_("Số người, hộ hưởng lợi"), required=False)
    household_codes = forms.CharField(label=_("Mã các hộ hưởng lợi (nếu có)"), required=False,
                                      widget=PickerTextarea("households:suggest", attrs={"rows": 2}),
                                      help_text=_("Mã hộ trong sổ hộ nghèo, cách nhau bởi dấu phẩy hoặc xuống dòng"))
    description = forms.CharField(label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    service_field_map = {"households": "household_codes"}

    def codes(self) -> list[str]:
        raw = self.cleaned_data.get("household_codes") or ""
        return [c.strip() for c in raw.replace("\n", ",").replace(";", ",").split(",") if c.strip()]


class ActivityEditForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    kind = ActivityForm.base_fields["kind"]
    date = ActivityForm.base_fields["date"]
    value_vnd = ActivityForm.base_fields["value_vnd"]
    beneficiary_count = ActivityForm.base_fields["beneficiary_count"]
    description = ActivityForm.base_fields["description"]
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EvaluationForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    comment = forms.CharField(label=_("Nhận xét"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    # The version of the year's evaluation when the page was opened (0: none yet).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in CRITERIA:
            self.fields[criterion.value] = forms.CharField(
                label=criterion.label, required=False, max_length=3,
                widget=forms.NumberInput(attrs={"min": 0, "max": MAX_SCORE, "class": "form-control"}),
                help_text=_("Từ 0 đến %(max)s điểm") % {"max": MAX_SCORE})
        # The comment last, after the scores.
        self.order_fields([c.value for c in CRITERIA] + ["comment"])

    def scores(self) -> dict:
        return {c.value: self.cleaned_data.get(c.value) for c in CRITERIA}
