"""Forms parse input only; the services validate it against the data, the scope and the clock."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vuonlen.core.forms import DateField, ServiceErrorsMixin, StyledFormMixin
from vuonlen.core.pickers import PickerInput

from .models import Kind, LoanStatus, RecipientKind, Source

_MONEY_WIDGET = forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "1.500.000"})


class EntryForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    source = forms.ChoiceField(label=_("Nguồn"), choices=[("", "— Chọn —")] + list(Source.choices), required=False)
    kind = forms.ChoiceField(label=_("Hình thức"), choices=[("", "— Chọn —")] + list(Kind.choices), required=False)
    giver = forms.ModelChoiceField(label=_("Đơn vị hỗ trợ"), queryset=None, required=False,
                                   empty_label=_("— Không ghi —"))
    value_vnd = forms.CharField(label=_("Giá trị (đồng)"), required=False, max_length=30, widget=_MONEY_WIDGET)
    date = DateField(label=_("Ngày hỗ trợ"), required=False)
    recipient_kind = forms.ChoiceField(label=_("Đối tượng nhận"), choices=RecipientKind.choices,
                                       initial=RecipientKind.HOUSEHOLD, widget=forms.RadioSelect)
    unit = forms.ModelChoiceField(label=_("Thôn, xã"), queryset=None, required=False, empty_label=_("— Chọn —"),
                                  help_text=_("Với hộ: để trống, xã lấy theo hộ (chỉ chọn khi hai xã có cùng mã hộ)"))
    household_code = forms.CharField(label=_("Mã hộ nhận"), required=False, max_length=30,
                                     widget=PickerInput("households:suggest", narrow_by="unit"),
                                     help_text=_("Gõ tên chủ hộ hoặc mã hộ để tìm"))
    initiative = forms.IntegerField(label=_("Mã số mô hình nhận"), required=False, min_value=1,
                                    widget=PickerInput("initiatives:suggest"),
                                    help_text=_("Gõ tên mô hình để tìm"))
    description = forms.CharField(label=_("Nội dung"), required=False, max_length=500)
    quantity = forms.CharField(label=_("Số lượng"), required=False, max_length=100,
                               help_text=_("Ví dụ: 2 con bò, 500 cây cà phê"))
    loan_term_months = forms.IntegerField(label=_("Thời hạn vay (tháng)"), required=False)
    loan_interest = forms.CharField(label=_("Lãi suất"), required=False, max_length=100,
                                    help_text=_("Ví dụ: 0,66%/tháng (hộ nghèo)"))

    service_field_map = {"recipient": "household_code"}

    def __init__(self, *args, givers, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["giver"].queryset = givers
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda u: f"{u.name} ({u.parent.name})" if u.parent_id else u.name
        self.fields["recipient_kind"].widget.attrs["class"] = "form-check-input"


class EntryEditForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    """Correct an entry: everything but the recipient (a wrong recipient is voided and recorded
    again). ``version`` carries the version the person started from."""

    source = EntryForm.base_fields["source"]
    kind = EntryForm.base_fields["kind"]
    giver = forms.ModelChoiceField(label=_("Đơn vị hỗ trợ"), queryset=None, required=False,
                                   empty_label=_("— Không ghi —"))
    value_vnd = EntryForm.base_fields["value_vnd"]
    date = EntryForm.base_fields["date"]
    description = EntryForm.base_fields["description"]
    quantity = EntryForm.base_fields["quantity"]
    loan_term_months = EntryForm.base_fields["loan_term_months"]
    loan_interest = EntryForm.base_fields["loan_interest"]
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, givers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["giver"].queryset = givers

    def entry_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name != "version"}


class EntryVoidForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Lý do huỷ"), required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))


class RepaymentForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    date = DateField(label=_("Ngày trả"), required=False)
    amount_vnd = forms.CharField(label=_("Số tiền trả (đồng)"), required=False, max_length=30, widget=_MONEY_WIDGET)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=300)


class LoanStatusForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Tình trạng"), choices=[(LoanStatus.CURRENT, LoanStatus.CURRENT.label),
                                                               (LoanStatus.OVERDUE, LoanStatus.OVERDUE.label)])


class LedgerFilterForm(StyledFormMixin, forms.Form):
    nam = forms.TypedChoiceField(label=_("Năm"), required=False, coerce=int, empty_value=None)
    tu_ngay = DateField(label=_("Từ ngày"), required=False)
    den_ngay = DateField(label=_("Đến ngày"), required=False)
    nguon = forms.ChoiceField(label=_("Nguồn"), required=False, choices=[("", _("Mọi nguồn"))] + list(Source.choices))
    hinh_thuc = forms.ChoiceField(label=_("Hình thức"), required=False,
                                  choices=[("", _("Mọi hình thức"))] + list(Kind.choices))
    dia_ban = forms.ModelChoiceField(label=_("Địa bàn"), required=False, queryset=None,
                                     empty_label=_("Toàn bộ phạm vi"))

    def __init__(self, *args, years, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nam"].choices = [("", _("Mọi năm"))] + [(y, str(y)) for y in years]
        self.fields["dia_ban"].queryset = units
        self.fields["dia_ban"].label_from_instance = lambda u: ("— " * (u.level - 1)) + u.name
