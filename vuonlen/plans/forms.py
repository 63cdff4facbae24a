from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vuonlen.accounts.models import Organisation
from vuonlen.core.forms import DATE_INPUTS, ServiceErrorsMixin, StyledFormMixin
from vuonlen.surveys.models import PovertyCause

from .models import Goal, Outcome, Solution

_DATE = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})


class PlanForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    causes = forms.ModelMultipleChoiceField(label=_("Nguyên nhân nghèo"), required=False,
                                            queryset=PovertyCause.objects.filter(is_active=True),
                                            widget=forms.CheckboxSelectMultiple)
    goal = forms.ChoiceField(label=_("Mục tiêu"), choices=[("", "—")] + list(Goal.choices), required=False)
    solutions = forms.MultipleChoiceField(label=_("Giải pháp"), choices=Solution.choices, required=False,
                                          widget=forms.CheckboxSelectMultiple)
    production_model = forms.CharField(label=_("Mô hình sản xuất"), max_length=300, required=False)
    loan_vnd = forms.CharField(label=_("Vốn vay ưu đãi dự kiến (đồng)"), max_length=20, required=False,
                               widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    training = forms.CharField(label=_("Tập huấn, đào tạo nghề"), max_length=300, required=False)
    job = forms.CharField(label=_("Việc làm"), max_length=300, required=False)
    support_organisation = forms.ModelChoiceField(label=_("Tổ chức, đơn vị kết nghĩa giúp đỡ"), required=False,
                                                  queryset=Organisation.objects.none(), empty_label="—")
    notes = forms.CharField(label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    outcome = forms.ChoiceField(label=_("Kết quả cuối năm"), required=False,
                                choices=[("", _("Chưa đánh giá"))] + list(Outcome.choices))
    outcome_reason = forms.CharField(label=_("Lý do, nhận xét"), widget=forms.Textarea(attrs={"rows": 2}),
                                     required=False)
    followed_up_on = forms.DateField(label=_("Ngày đánh giá kết quả"), input_formats=DATE_INPUTS, widget=_DATE,
                                     required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["support_organisation"].queryset = organisations
        for name in ("causes", "solutions"):
            self.fields[name].widget.attrs["class"] = "form-check-input"


class CodesForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    codes = forms.CharField(label=_("Mã hộ (cách nhau bằng dấu phẩy hoặc xuống dòng)"),
                            widget=forms.Textarea(attrs={"rows": 2}), required=False)
    since_year = forms.IntegerField(label=_("Theo dõi từ năm"), required=False)


class GoalForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    target_out = forms.IntegerField(label=_("Số hộ phấn đấu giúp thoát nghèo"), min_value=0, required=False)
    plan_note = forms.CharField(label=_("Cách làm"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in Solution.choices:
            self.fields[f"solution_{value}"] = forms.IntegerField(label=label, min_value=0, required=False)

    def solution_fields(self):
        return [self[f"solution_{v}"] for v in Solution.values]

    def by_solution(self) -> dict[str, int]:
        return {v: self.cleaned_data.get(f"solution_{v}") for v in Solution.values
                if self.cleaned_data.get(f"solution_{v}")}


class ResultForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    result_out = forms.IntegerField(label=_("Số hộ đã thoát nghèo"), min_value=0, required=False)
    result_note = forms.CharField(label=_("Báo cáo kết quả"), widget=forms.Textarea(attrs={"rows": 2}),
                                  required=False)
    reported_on = forms.DateField(label=_("Ngày báo cáo"), input_formats=DATE_INPUTS, widget=_DATE, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MembersImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Tệp danh sách (.xlsx, .csv): cột Mã hộ, Hội viên"))
    since_year = forms.IntegerField(label=_("Theo dõi từ năm"))
