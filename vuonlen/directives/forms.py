"""Forms parse input only; the services validate it against the data, the scope and the clock."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vuonlen.core.forms import DateField, MultipleFileField, ServiceErrorsMixin, StyledFormMixin
from vuonlen.core.periods import Period, PeriodKind

from .models import DeadlineKind, DocumentKind, ExpectedOutput, TaskState

_MONTH = re.compile(r"^\s*(?:tháng\s*)?(\d{1,2})\s*[/.-]\s*(\d{4})\s*$", re.IGNORECASE)


def period_choices(years=range(2021, 2031)) -> list[tuple[str, str]]:
    choices = [("", "—")]
    for year in years:
        for quarter in range(1, 5):
            period = Period(year, PeriodKind.QUARTER, quarter)
            choices.append((period.code(), period.label()))
        choices.append((Period(year, PeriodKind.HALF, 1).code(), Period(year, PeriodKind.HALF, 1).label()))
        choices.append((Period(year, PeriodKind.YEAR).code(), Period(year, PeriodKind.YEAR).label()))
    return choices


class DocumentForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    issuer = forms.ModelChoiceField(label=_("Cơ quan ban hành"), queryset=None, required=False,
                                    empty_label=_("— Chọn cơ quan ban hành —"))
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=80, required=False,
                             help_text=_("Ví dụ: 103-TB/BCĐ, 12/TB-UBND"))
    kind = forms.ChoiceField(label=_("Loại văn bản"), choices=DocumentKind.choices, initial=DocumentKind.NOTICE)
    date = DateField(label=_("Ngày ban hành"), required=False)
    title = forms.CharField(label=_("Trích yếu"), max_length=500, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    place = forms.CharField(label=_("Địa danh"), max_length=100, required=False,
                            help_text=_("Ghi ở dòng ngày tháng; để trống thì lấy tên địa bàn của cơ quan"))
    period = forms.ChoiceField(label=_("Kỳ giao ban"), required=False, choices=period_choices,
                               help_text=_("Kỳ báo cáo định kỳ mà văn bản kết luận"))
    follows = forms.ModelChoiceField(label=_("Tiếp theo văn bản"), queryset=None, required=False,
                                     empty_label=_("— Không —"),
                                     help_text=_("Thông báo kỳ trước: nhiệm vụ chưa xong của nó được chuyển tiếp"))
    party_layout = forms.BooleanField(label=_("Trình bày theo thể thức văn bản của Đảng"), required=False)
    issuer_parent_name = forms.CharField(label=_("Cơ quan cấp trên (in phía trên tên cơ quan)"), max_length=150,
                                         required=False, help_text=_("Ví dụ: HUYỆN ỦY KON RẪY"))
    signer_authority = forms.CharField(label=_("Quyền hạn, chức vụ người ký"), max_length=150, required=False,
                                       help_text=_("Ví dụ: T/M BAN CHỈ ĐẠO"))
    signer_title = forms.CharField(label=_("Chức vụ (dòng dưới)"), max_length=150, required=False)
    signer_name = forms.CharField(label=_("Họ tên người ký"), max_length=120, required=False)
    recipients = forms.CharField(label=_("Nơi nhận (mỗi nơi một dòng)"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("Tệp văn bản (PDF, Word, Excel, ảnh)"))
    # When editing: the version the person loaded (someone else's save in between is refused).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, issuers, previous, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuers
        self.fields["follows"].queryset = previous
        if editing:
            del self.fields["files"]  # files are added on the document's page
            self.fields["version"].required = True


class TaskForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Nội dung nhiệm vụ"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    lead = forms.ModelChoiceField(label=_("Cơ quan, đơn vị chủ trì"), queryset=None, required=False,
                                  empty_label=_("— Chọn đơn vị chủ trì —"))
    coordinating = forms.ModelMultipleChoiceField(
        label=_("Cơ quan, đơn vị phối hợp"), queryset=None, required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Giữ phím Ctrl để chọn nhiều đơn vị"))
    separately = forms.BooleanField(
        label=_("Giao riêng cho từng đơn vị đã chọn (mỗi đơn vị tự thực hiện và báo cáo)"), required=False)
    expected_output = forms.ChoiceField(label=_("Sản phẩm"), choices=ExpectedOutput.choices,
                                        initial=ExpectedOutput.REPORT)
    deadline_kind = forms.ChoiceField(label=_("Loại thời hạn"), choices=DeadlineKind.choices,
                                      initial=DeadlineKind.DATE, widget=forms.RadioSelect)
    deadline_date = DateField(label=_("Hạn (ngày)"), required=False,
                              help_text=_("“Trước ngày 31/7/2023”: tính đến hết ngày đó"))
    deadline_month = forms.CharField(label=_("Hạn (tháng)"), required=False, max_length=20,
                                     widget=forms.TextInput(attrs={"placeholder": "8/2023"}),
                                     help_text=_("“Trong tháng 8/2023”: tính đến hết ngày cuối tháng"))
    period = forms.ChoiceField(label=_("Kỳ (nếu là nghĩa vụ báo cáo định kỳ)"), required=False,
                               choices=period_choices)

    service_field_map = {"deadline": "deadline_date"}

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = organisations
        self.fields["coordinating"].queryset = organisations
        self.fields["deadline_kind"].widget.attrs["class"] = "form-check-input"

    def clean_deadline_month(self):
        value = self.cleaned_data.get("deadline_month", "")
        if not value:
            return None
        match = _MONTH.match(value)
        if not match or not 1 <= int(match[1]) <= 12:
            raise ValidationError(_("Tháng phải có dạng tháng/năm, ví dụ 8/2023"))
        import datetime as dt

        return dt.date(int(match[2]), int(match[1]), 1)

    def deadline(self):
        kind = self.cleaned_data.get("deadline_kind")
        if kind == DeadlineKind.MONTH:
            return self.cleaned_data.get("deadline_month")
        if kind == DeadlineKind.DATE:
            return self.cleaned_data.get("deadline_date")
        return None

    def apply_service_errors(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict") and "deadline" in exc.error_dict:
            target = "deadline_month" if self.cleaned_data.get("deadline_kind") == DeadlineKind.MONTH \
                else "deadline_date"
            self.service_field_map = {"deadline": target}
        super().apply_service_errors(exc)


class TaskUpdateForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    state = forms.ChoiceField(label=_("Tình trạng"), widget=forms.RadioSelect,
                              choices=[(TaskState.IN_PROGRESS, TaskState.IN_PROGRESS.label),
                                       (TaskState.DONE, TaskState.DONE.label)])
    progress = forms.CharField(label=_("Kết quả, tiến độ thực hiện"), required=False,
                               widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("Tệp minh chứng (PDF, Word, Excel, ảnh; tối đa 10 MB mỗi tệp)"))
    # The version the person loaded: a different stored version means someone else updated first.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, done: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].widget.attrs["class"] = "form-check-input"
        if done:  # a finished task takes more results and evidence, never a step back
            self.fields["state"].choices = [(TaskState.DONE, _("Đã hoàn thành (bổ sung kết quả, minh chứng)"))]


class CarryGroupForm(StyledFormMixin, forms.Form):
    """One group of the carry-over panel (a task given to several units is one group): carry it
    or not, and its renewed deadline. Prefixed ``g<n>``."""

    chon = forms.BooleanField(label=_("Chuyển tiếp"), required=False)
    kieu = forms.ChoiceField(label=_("Loại thời hạn mới"), choices=DeadlineKind.choices)
    han = DateField(label=_("Thời hạn mới"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chon"].widget.attrs["class"] = "form-check-input"
