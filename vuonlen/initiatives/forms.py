"""Forms parse input only; the services validate it against the data, the scope and the clock."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vuonlen.core.forms import DateField, MultipleFileField, ServiceErrorsMixin, StyledFormMixin
from vuonlen.core.pickers import PickerInput, PickerTextarea
from vuonlen.geo.pickers import village_label

from .models import FundSource, Kind, Status


class InitiativeForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Tên mô hình"), max_length=200)
    kind = forms.ChoiceField(label=_("Loại mô hình"), choices=Kind.choices)
    organisation = forms.ModelChoiceField(label=_("Đơn vị xây dựng"), queryset=None, empty_label=_("— Chọn —"))
    unit = forms.ModelChoiceField(label=_("Địa bàn (xã)"), queryset=None, empty_label=_("— Chọn —"))
    villages = forms.ModelMultipleChoiceField(label=_("Thôn, làng"), queryset=None, required=False)
    start_year = forms.IntegerField(label=_("Năm bắt đầu"), min_value=2000, max_value=2100)
    is_pilot = forms.BooleanField(label=_("Đăng ký làm mô hình điểm của đơn vị"), required=False)
    description = forms.CharField(label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    # When editing: the version the page was opened with (someone else's save in between is refused).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, organisations, units, villages, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["unit"].queryset = units
        self.fields["villages"].queryset = villages
        # Each village with its commune; with JS only those of the chosen commune are offered.
        self.fields["villages"].label_from_instance = village_label
        self.fields["villages"].widget.attrs.update({"data-vl-narrow-url": reverse("geo:village_suggest"),
                                                     "data-vl-narrow-by": "unit", "size": 8})
        if editing:
            del self.fields["organisation"]
            del self.fields["unit"]
        else:
            del self.fields["version"]


class MoveForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    to_status = forms.ChoiceField(label=_("Chuyển sang"), choices=Status.choices)
    comment = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    conversion_direction = forms.CharField(label=_("Hướng chuyển đổi (nếu chưa hiệu quả)"), required=False,
                                           widget=forms.Textarea(attrs={"rows": 2}))
    conversion_deadline = DateField(label=_("Thời hạn chuyển đổi"), required=False)


class ParticipantsForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    codes = forms.CharField(label=_("Mã hộ tham gia"), widget=PickerTextarea("households:suggest"),
                            help_text=_("Gõ tên chủ hộ hoặc mã hộ để tìm; nhiều mã cách nhau bằng dấu phẩy "
                                        "hoặc xuống dòng"))
    started_on = DateField(label=_("Tham gia từ ngày"))
    service_field_map = {"households": "codes"}


class ParticipantEndForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    ended_on = DateField(label=_("Thôi tham gia từ ngày"), required=False)


class FundForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    source = forms.ChoiceField(label=_("Nguồn vốn"), choices=FundSource.choices)
    amount = forms.CharField(label=_("Số tiền (đồng)"), max_length=20)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=300)


class ReviewForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    reviewed_on = DateField(label=_("Ngày đánh giá"))
    income_change_pct = forms.CharField(label=_("Thay đổi thu nhập (%)"), required=False, max_length=10)
    assessment = forms.CharField(label=_("Nhận xét, đánh giá"), widget=forms.Textarea(attrs={"rows": 3}))


class FilesForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    files = MultipleFileField(label=_("Ảnh, tài liệu"))
    caption = forms.CharField(label=_("Chú thích"), required=False, max_length=300)
    public = forms.BooleanField(label=_("Ảnh được phép công khai (không có mặt người nhận ra được)"), required=False)


class ShowcaseForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    summary = forms.CharField(label=_("Mô tả ngắn công khai"), widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Không nêu tên, số định danh, dân tộc của người hay hộ nào"))


class ExemplarForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    household_code = forms.CharField(label=_("Hộ trong sổ hộ (nếu có)"), required=False, max_length=30,
                                     widget=PickerInput("households:suggest", narrow_by="commune"),
                                     help_text=_("Gõ tên chủ hộ hoặc mã hộ; xã lấy theo hộ đã chọn"))
    commune = forms.ModelChoiceField(label=_("Xã"), queryset=None, required=False,
                                     help_text=_("Chỉ chọn khi không có hộ trong sổ hộ"))
    display_name = forms.CharField(label=_("Tên người, hộ điển hình"), required=False, max_length=150)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    story = forms.CharField(label=_("Câu chuyện"), widget=forms.Textarea(attrs={"rows": 5}))
    consent_to_publish = forms.BooleanField(label=_("Gia đình đồng ý công khai câu chuyện"), required=False)
    publish_name = forms.BooleanField(label=_("Gia đình đồng ý nêu tên"), required=False)
    photo = forms.FileField(label=_("Ảnh"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png"}))
    service_field_map = {"household": "household_code"}

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
