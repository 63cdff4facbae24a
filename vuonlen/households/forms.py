"""Forms of the registry pages. They only parse what was typed; the services validate (the
same rules for a form, an import row and the API) and their errors are put back on the
fields here (``apply_service_errors``)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vuonlen.core.form_renderer import CachedSelect
from vuonlen.core.forms import DateField, StyledFormMixin
from vuonlen.core.years import YEAR_MAX, YEAR_MIN

from . import ethnicity
from .models import (
    Area,
    EducationLevel,
    HouseholdEnd,
    JoinReason,
    LeaveReason,
    Relation,
    ReviewKind,
    SchoolStatus,
    Sex,
)
from .selectors import PAGE_SIZES, STATES

DATE_WIDGET = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}


def _date_field(label, required=True, **kwargs):
    return DateField(label=label, required=required, **kwargs)


def _blank(label=_("—")):
    return [("", label)]


def status_choices():
    from vuonlen.poverty import STATUS_LABELS_VI

    return [(str(code), label) for code, label in STATUS_LABELS_VI.items()]


def apply_service_errors(form: forms.Form, exc: ValidationError, formset=None, prefix: str = "members") -> None:
    """A service's errors on the fields they name: "members.2.sex" goes to the formset's third
    form, unknown fields above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.error_dict.items():
        messages = [m for e in errors for m in e.messages]
        if formset is not None and name.startswith(f"{prefix}."):
            parts = name.split(".", 2)
            index, field = int(parts[1]), parts[2] if len(parts) > 2 else None
            target = formset.forms[index] if index < len(formset.forms) else None
            if target is not None:
                target.add_error(field if field in target.fields else None, messages)
                continue
        if name == prefix and formset is not None:
            form.add_error(None, messages)
            continue
        form.add_error(name if name in form.fields else None, messages)


# --- list filters ----------------------------------------------------------------------------

class HouseholdFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Tìm"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _(
                            "Tên (có dấu hoặc không), mã hộ, số định danh")}),
                        help_text=_("Tìm theo tên chủ hộ hoặc nhân khẩu; số định danh phải đủ 12 số"))
    unit = forms.TypedChoiceField(label=_("Địa bàn"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Tình trạng"), required=False)
    year = forms.TypedChoiceField(label=_("Năm rà soát"), required=False, coerce=int, empty_value=None)
    ethnicity = forms.ChoiceField(label=_("Dân tộc"), required=False,
                                  choices=_blank(_("Tất cả")) + ethnicity.choices())
    area = forms.ChoiceField(label=_("Khu vực"), required=False, choices=_blank(_("Tất cả")) + list(Area.choices))
    state = forms.ChoiceField(label=_("Theo dõi"), required=False, choices=STATES)
    per_page = forms.TypedChoiceField(label=_("Mỗi trang"), required=False, coerce=int, empty_value=None,
                                      choices=[(n, n) for n in PAGE_SIZES])

    def __init__(self, *args, units=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.widget = CachedSelect(attrs=field.widget.attrs, choices=field.choices)
        self.fields["unit"].choices = _blank(_("Tất cả")) + [(u.pk, _unit_label(u)) for u in units]
        self.fields["status"].choices = _blank(_("Tất cả")) + status_choices()
        self.fields["year"].choices = _blank(_("Tất cả")) + [(y, y) for y in years]


def _unit_label(unit) -> str:
    # Indent by level so that villages read under their commune in a plain <select>.
    return "\u2003" * max(unit.level - 2, 0) + unit.name


# --- households and members ------------------------------------------------------------------

class HouseholdForm(StyledFormMixin, forms.Form):
    unit = forms.TypedChoiceField(label=_("Xã hoặc thôn"), coerce=int)
    code = forms.CharField(label=_("Mã hộ"), max_length=30, required=False,
                           help_text=_("Duy nhất trong xã, ví dụ mã trong sổ theo dõi của xã"))
    ethnicity = forms.ChoiceField(label=_("Dân tộc của hộ"), required=False,
                                  choices=_blank() + ethnicity.choices())
    area = forms.ChoiceField(label=_("Khu vực"), required=False,
                             choices=[("", _("Theo loại đơn vị (phường, thị trấn, tổ dân phố là thành thị)"))]
                             + list(Area.choices))
    phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)
    address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)
    started_on = _date_field(_("Lập sổ từ ngày"), required=False)
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, _unit_label(u)) for u in units]

    def household_data(self) -> dict:
        data = self.cleaned_data
        return {k: data.get(k) for k in ("code", "ethnicity", "phone", "address", "notes", "started_on")}


class MemberForm(StyledFormMixin, forms.Form):
    """One person. Dates and numbers stay text: the service reads them the way it reads a
    spreadsheet cell, with the same messages."""

    full_name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    sex = forms.ChoiceField(label=_("Giới tính"), required=False, choices=_blank() + list(Sex.choices))
    birth_date = forms.CharField(label=_("Ngày sinh"), required=False, widget=forms.TextInput(attrs=DATE_WIDGET))
    birth_year = forms.CharField(label=_("Năm sinh"), required=False, max_length=4,
                                 widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                                 help_text=_("Nếu không biết ngày sinh"))
    relation = forms.ChoiceField(label=_("Quan hệ với chủ hộ"), required=False,
                                 choices=_blank() + list(Relation.choices))
    ethnicity = forms.ChoiceField(label=_("Dân tộc"), required=False,
                                  choices=[("", _("Như của hộ"))] + ethnicity.choices())
    citizen_id = forms.CharField(label=_("Số định danh cá nhân"), required=False, max_length=20,
                                 widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    health_insurance = forms.BooleanField(label=_("Có thẻ BHYT"), required=False)
    school_status = forms.ChoiceField(label=_("Tình trạng đi học"), required=False,
                                      choices=_blank() + list(SchoolStatus.choices))
    education_level = forms.ChoiceField(label=_("Trình độ học vấn"), required=False,
                                        choices=_blank() + list(EducationLevel.choices))
    occupation = forms.CharField(label=_("Việc làm"), max_length=150, required=False)

    def person_data(self) -> dict:
        return dict(self.cleaned_data)

    def is_blank(self) -> bool:
        return not any(v for k, v in self.cleaned_data.items())


class _MemberFormSet(forms.BaseFormSet):
    def members(self) -> list[dict]:
        return [f.person_data() for f in self.forms if f.cleaned_data and not f.is_blank()]


MemberFormSet = forms.formset_factory(MemberForm, formset=_MemberFormSet, extra=5, max_num=30)


class MemberAddForm(MemberForm):
    reason = forms.ChoiceField(label=_("Lý do vào hộ"), choices=[
        (JoinReason.BIRTH, JoinReason.BIRTH.label), (JoinReason.MARRIAGE, JoinReason.MARRIAGE.label),
        (JoinReason.MOVED_IN, JoinReason.MOVED_IN.label)])
    started_on = _date_field(_("Ngày vào hộ"), required=False)


class MembershipEndForm(StyledFormMixin, forms.Form):
    reason = forms.ChoiceField(label=_("Lý do ra khỏi hộ"), choices=[
        (LeaveReason.DEATH, LeaveReason.DEATH.label), (LeaveReason.MARRIAGE, LeaveReason.MARRIAGE.label),
        (LeaveReason.MOVED_OUT, LeaveReason.MOVED_OUT.label)])
    ended_on = _date_field(_("Ngày ra khỏi hộ"), required=False)
    new_head = forms.TypedChoiceField(label=_("Chủ hộ mới"), required=False, coerce=int, empty_value=None,
                                      help_text=_("Bắt buộc khi chủ hộ ra khỏi hộ mà hộ vẫn còn người"))

    def __init__(self, *args, others=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_head"].choices = _blank() + [(m.pk, m.person.full_name) for m in others]


class SplitForm(StyledFormMixin, forms.Form):
    members = forms.TypedMultipleChoiceField(label=_("Nhân khẩu tách sang hộ mới"), coerce=int, required=False,
                                             widget=forms.CheckboxSelectMultiple)
    new_head = forms.TypedChoiceField(label=_("Chủ hộ của hộ mới"), coerce=int, required=False, empty_value=None)
    remaining_head = forms.TypedChoiceField(label=_("Chủ hộ mới của hộ cũ"), coerce=int, required=False,
                                            empty_value=None,
                                            help_text=_("Chỉ khi chủ hộ hiện tại tách đi"))
    code = forms.CharField(label=_("Mã hộ mới"), max_length=30, required=False)
    unit = forms.TypedChoiceField(label=_("Thôn của hộ mới"), coerce=int, required=False, empty_value=None)
    on = _date_field(_("Ngày tách hộ"), required=False)

    def __init__(self, *args, members=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(m.pk, m.person.full_name) for m in members]
        self.fields["members"].choices = choices
        self.fields["new_head"].choices = _blank() + choices
        self.fields["remaining_head"].choices = _blank() + choices
        self.fields["unit"].choices = [("", _("Cùng thôn với hộ cũ"))] + [(u.pk, _unit_label(u)) for u in units]
        # Checkboxes carry their own Bootstrap class (StyledFormMixin gave the list "form-control").
        self.fields["members"].widget.attrs["class"] = "list-unstyled vl-checks"


class MergeForm(StyledFormMixin, forms.Form):
    into_code = forms.CharField(label=_("Mã hộ nhận (cùng xã)"), max_length=30, required=False)
    on = _date_field(_("Ngày nhập hộ"), required=False)


class HouseholdEndForm(StyledFormMixin, forms.Form):
    reason = forms.ChoiceField(label=_("Lý do"), choices=[
        (HouseholdEnd.MOVED_AWAY, HouseholdEnd.MOVED_AWAY.label), (HouseholdEnd.DIED_OUT, HouseholdEnd.DIED_OUT.label)])
    on = _date_field(_("Ngày"), required=False)


# --- reviews ---------------------------------------------------------------------------------

class ReviewForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Loại rà soát"), choices=ReviewKind.choices)
    reviewed_on = _date_field(_("Ngày rà soát"), required=False)
    income_per_capita = forms.CharField(label=_("Thu nhập bình quân (đồng/người/tháng)"), required=False,
                                        widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                                      "placeholder": "1.500.000"}))
    score_a = forms.CharField(label=_("hoặc điểm A"), required=False, max_length=5,
                              widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    lacking = forms.MultipleChoiceField(label=_("Chỉ số thiếu hụt"), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    farming = forms.ChoiceField(
        label=_("Hộ làm nông, lâm, ngư, diêm nghiệp"), required=False,
        choices=[("", _("Chưa ghi")), ("yes", _("Có")), ("no", _("Không"))],
        help_text=_("Biểu 01 chỉ đếm hộ làm nông, lâm, ngư nghiệp trong số hộ có mức sống trung bình"))

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lacking"].choices = [(i.code, i.name_vi) for i in indicators]
        self.fields["lacking"].widget.attrs["class"] = "list-unstyled vl-checks"

    def review_data(self) -> dict:
        data = self.cleaned_data
        return {"income_per_capita": data["income_per_capita"] or None, "score_a": data["score_a"] or None,
                "lacking": data["lacking"], "kind": data["kind"], "reviewed_on": data["reviewed_on"],
                "farming": FARMING_VALUES.get(data["farming"])}


FARMING_VALUES = {"yes": True, "no": False}
FARMING_CHOICE = {True: "yes", False: "no", None: ""}


class ReviewCorrectForm(ReviewForm):
    reason = forms.CharField(label=_("Lý do đính chính"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class RecogniseForm(StyledFormMixin, forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định công nhận"), max_length=60, required=False,
                                      widget=forms.TextInput(attrs={"placeholder": "123/QĐ-UBND"}))
    decision_date = _date_field(_("Ngày quyết định"), required=False)


class PopulationBaseForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    households_total = forms.CharField(label=_("Tổng số hộ"), required=False,
                                       widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    persons_total = forms.CharField(label=_("Tổng số nhân khẩu"), required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    em_households_total = forms.CharField(label=_("Số hộ DTTS"), required=False,
                                          widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    em_persons_total = forms.CharField(label=_("Số nhân khẩu DTTS"), required=False,
                                       widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    source_note = forms.CharField(label=_("Nguồn số liệu"), max_length=100, required=False)
