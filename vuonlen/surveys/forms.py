from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vuonlen.core.forms import DATE_INPUTS, MultipleFileField, ServiceErrorsMixin, StyledFormMixin
from vuonlen.core.periods import today_vn

from .models import MarketAccess

_DATE = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} — {obj.parent.name}" if obj.parent_id else obj.name


class SurveyForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    village = VillageChoiceField(label=_("Thôn, làng"), queryset=None, required=False)
    year = forms.IntegerField(label=_("Năm"), required=False)
    surveyed_by = forms.CharField(label=_("Người khảo sát"), max_length=200, required=False)
    surveyed_on = forms.DateField(label=_("Ngày khảo sát"), input_formats=DATE_INPUTS, widget=_DATE, required=False)
    households_total = forms.IntegerField(label=_("Tổng số hộ"), min_value=0, required=False)
    poor_households = forms.IntegerField(label=_("Số hộ nghèo"), min_value=0, required=False)
    near_poor_households = forms.IntegerField(label=_("Số hộ cận nghèo"), min_value=0, required=False)
    especially_difficult = forms.BooleanField(label=_("Thôn đặc biệt khó khăn"), required=False)
    new_rural_area = forms.BooleanField(label=_("Thôn đăng ký xây dựng nông thôn mới"), required=False)
    situation = forms.CharField(label=_("Tình hình chung"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    thinking_and_working = forms.CharField(label=_("Nếp nghĩ, cách làm của người dân"),
                                           widget=forms.Textarea(attrs={"rows": 3}), required=False)
    customs_to_drop = forms.CharField(label=_("Phong tục, tập quán lạc hậu cần xoá bỏ"),
                                      widget=forms.Textarea(attrs={"rows": 2}), required=False)
    main_crops = forms.CharField(label=_("Cây trồng chính"), max_length=300, required=False)
    main_livestock = forms.CharField(label=_("Vật nuôi chính"), max_length=300, required=False)
    farmland_ha = forms.DecimalField(label=_("Đất sản xuất (ha)"), min_value=0, max_digits=10, decimal_places=2,
                                     required=False, localize=True)
    land_note = forms.CharField(label=_("Tình hình đất đai"), max_length=300, required=False)
    market_access = forms.ChoiceField(label=_("Tiếp cận thị trường"), required=False,
                                      choices=[("", "—")] + list(MarketAccess.choices))
    market_note = forms.CharField(label=_("Ghi chú về thị trường"), max_length=300, required=False)
    notes = forms.CharField(label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    files = MultipleFileField(label=_("Tệp đính kèm (biên bản, ảnh)"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, causes=(), villages=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.causes = list(causes)
        if editing:
            del self.fields["village"]
            del self.fields["year"]
        else:
            self.fields["village"].queryset = villages
            self.fields["year"].initial = today_vn().year
        for cause in self.causes:
            self.fields[f"cause_{cause.pk}"] = forms.IntegerField(
                label=cause.name, min_value=0, required=False,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "inputmode": "numeric"}))

    def cause_fields(self):
        return [self[f"cause_{c.pk}"] for c in self.causes]

    def cause_counts(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data.get(f"cause_{c.pk}") for c in self.causes
                if self.cleaned_data.get(f"cause_{c.pk}")}

    def survey_data(self) -> dict:
        skip = {"village", "year", "files", "version"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip and not k.startswith("cause_")}


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Tệp khảo sát (.xlsx, .xls, .ods, .csv)"))
    era = forms.ChoiceField(label=_("Mã xã theo thời kỳ"), choices=[
        ("post2025", _("Từ 01/07/2025 (xã mới)")), ("pre2025", _("Trước 01/07/2025"))])


class FilesForm(forms.Form):
    files = MultipleFileField(label=_("Thêm tệp"))
