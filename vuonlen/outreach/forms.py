"""Forms parse input only; the services validate it against the data, the scope and the clock."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vuonlen.core.forms import DateField, ServiceErrorsMixin, StyledFormMixin
from vuonlen.core.pickers import PickerTextarea
from vuonlen.initiatives.pickers import initiative_label

from .models import ActivityKind, Channel


class ActivityForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Loại hoạt động"), choices=ActivityKind.choices)
    date = DateField(label=_("Ngày"))
    unit = forms.ModelChoiceField(label=_("Địa bàn"), queryset=None)
    organisation = forms.ModelChoiceField(label=_("Đơn vị tổ chức"), queryset=None, required=False)
    title = forms.CharField(label=_("Tên hoạt động"), max_length=300)
    channel = forms.ChoiceField(label=_("Hình thức"), choices=[("", "—"), *Channel.choices], required=False)
    topics = forms.ModelMultipleChoiceField(label=_("Nội dung Sổ tay tuyên truyền"), queryset=None, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    participants = forms.IntegerField(label=_("Số người tham dự"), min_value=0, initial=0)
    household_codes = forms.CharField(label=_("Mã hộ nghèo, cận nghèo được tuyên truyền"), required=False,
                                      widget=PickerTextarea("households:suggest", narrow_by="unit"),
                                      help_text=_("Gõ tên chủ hộ hoặc mã hộ để tìm; nhiều mã cách nhau bằng dấu "
                                                  "phẩy hoặc xuống dòng"))
    visited_initiative = forms.ModelChoiceField(label=_("Mô hình đến tham quan"), queryset=None, required=False)
    partner = forms.CharField(label=_("Đơn vị cùng ký kết, khách mời"), required=False, max_length=300)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    service_field_map = {"households": "household_codes"}

    def __init__(self, *args, units, organisations, topics, initiatives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["organisation"].queryset = organisations
        self.fields["topics"].queryset = topics
        self.fields["visited_initiative"].queryset = initiatives.select_related("unit")
        self.fields["visited_initiative"].label_from_instance = initiative_label
        self.fields["topics"].widget.attrs["class"] = "form-check-input"
