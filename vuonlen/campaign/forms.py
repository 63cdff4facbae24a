"""Forms parse input only; the services validate it against the data, the scope and the clock,
and report every problem at once."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vuonlen.core.forms import DateField, DateInput, ServiceErrorsMixin, StyledFormMixin
from vuonlen.core.spreadsheets import IMPORT_ACCEPT
from vuonlen.core.years import FIRST_YEAR, YEAR_MAX, YEAR_MIN

from .models import CRITERIA, IMPROVED_LIFE
from .services import VISIT_TOPICS


def _date(label, **kwargs) -> DateField:
    return DateField(label=label, required=False, **kwargs)


class VisitForm(forms.Form):
    visited_on = DateField(label=_("Ngày thăm"), widget=DateInput(attrs={"class": "form-control form-control-lg"}))
    topics = forms.MultipleChoiceField(label=_("Chủ đề"), choices=VISIT_TOPICS, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    discussed = forms.CharField(label=_("Đã trao đổi"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
    advice = forms.CharField(label=_("Tư vấn, hướng dẫn"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    production_model = forms.CharField(label=_("Mô hình sản xuất hộ chọn"), required=False, max_length=300,
                                       widget=forms.TextInput(attrs={"class": "form-control"}))
    next_step = forms.CharField(label=_("Việc tiếp theo"), required=False, max_length=500,
                                widget=forms.TextInput(attrs={"class": "form-control"}))
    photo = forms.ImageField(label=_("Ảnh (không bắt buộc)"), required=False,
                             widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": "image/*"}))


# --- assessments -----------------------------------------------------------------------------

# The criteria as the form shows them: how the household thinks and works, the four that make
# "improved life" together, and the cooperative.
CRITERIA_GROUPS = (
    (_("Nếp nghĩ, cách làm"), tuple(c for c, _l in CRITERIA if c not in IMPROVED_LIFE and c != "in_cooperative")),
    (_("Đời sống được cải thiện (đạt cả bốn)"), IMPROVED_LIFE),
    (_("Liên kết sản xuất"), ("in_cooperative",)),
)


def year_choices(last_year: int) -> list[tuple[str, str]]:
    return [(str(y), str(y)) for y in range(last_year, FIRST_YEAR - 1, -1)]


class AssessmentForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    """A household's assessment for one year. ``year`` is chosen when creating and fixed when
    editing; ``version`` is the version the person opened (the service refuses a stale one)."""

    year = forms.TypedChoiceField(label=_("Năm đánh giá"), coerce=int, required=False, empty_value=None)
    assessed_on = _date(_("Ngày đánh giá"))
    told_topics = forms.TypedMultipleChoiceField(label=_("Nội dung Sổ tay đã được tuyên truyền"), coerce=int,
                                                 required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, years: list[tuple[str, str]], topics: list[tuple[int, str]], fixed_year: bool = False,
                 **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in CRITERIA:
            self.fields[code] = forms.BooleanField(label=label, required=False,
                                                   widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
        self.fields["year"].choices = years
        self.fields["told_topics"].choices = topics
        if fixed_year:
            self.fields["year"].disabled = True
        self.fields["told_topics"].widget.attrs.pop("class", None)

    def criteria_groups(self):
        """(heading, [bound fields]) in the plan's order, for the template."""
        return [(heading, [self[code] for code in codes]) for heading, codes in CRITERIA_GROUPS]

    def service_data(self) -> dict:
        data = {code: self.cleaned_data.get(code, False) for code, _label in CRITERIA}
        data.update(assessed_on=self.cleaned_data.get("assessed_on"),
                    told_topics=self.cleaned_data.get("told_topics") or [], note=self.cleaned_data.get("note", ""))
        return data


# --- mentors ---------------------------------------------------------------------------------

class UnitChoiceForm(StyledFormMixin, forms.Form):
    """The commune or village whose households are assigned or grouped (step one)."""

    don_vi = forms.TypedChoiceField(label=_("Xã, thôn"), coerce=int, required=False, empty_value=None)
    q = forms.CharField(label=_("Tìm hộ (tên người trong hộ, mã hộ)"), required=False, max_length=100)

    def __init__(self, *args, units: list, empty_label=_("— Chọn xã, thôn —"), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["don_vi"].choices = [("", empty_label)] + units


def mentor_label(user) -> str:
    """Two cadres called "Nguyễn Văn Hùng" are told apart by their account and where they work
    (the organisations and units of their current roles)."""
    places: list[str] = []
    for assignment in user.assignments.all():
        if not assignment.is_active:
            continue
        place = assignment.organisation.name if assignment.organisation_id else (
            assignment.unit.name if assignment.unit_id else "")
        if place and place not in places:
            places.append(place)
    name = f"{user.full_name} ({user.username})" if user.full_name else user.username
    return f"{name} — {', '.join(places[:2])}" if places else name


class AssignForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    mentor = forms.ModelChoiceField(label=_("Người phụ trách"), queryset=None, required=False,
                                    empty_label=_("— Chọn cán bộ, đảng viên —"))
    households = forms.TypedMultipleChoiceField(label=_("Hộ"), coerce=int, required=False,
                                                widget=forms.CheckboxSelectMultiple)
    group = forms.ModelChoiceField(label=_("Hoặc cả một nhóm hộ"), queryset=None, required=False,
                                   empty_label=_("— Không chọn nhóm —"))
    started_on = _date(_("Phụ trách từ ngày"))
    ended_on = _date(_("Đến ngày"), help_text=_("Để trống nếu chưa định ngày kết thúc"))
    reason = forms.CharField(label=_("Lý do, căn cứ phân công"), required=False, max_length=500,
                             help_text=_("Ví dụ: Nghị quyết chi bộ thôn số 05-NQ/CB"))

    def __init__(self, *args, mentors, households, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentors.prefetch_related("assignments__organisation", "assignments__unit")
        self.fields["mentor"].label_from_instance = mentor_label
        self.fields["households"].choices = [(h.pk, f"{h.head_name} · {h.code}") for h in households]
        self.fields["households"].widget.attrs.pop("class", None)
        self.fields["group"].queryset = groups

    def clean(self):
        data = super().clean()
        if data.get("households") and data.get("group"):
            self.add_error("group", _("Chọn các hộ hoặc một nhóm hộ, không chọn cả hai"))
        return data


class AssignmentEndForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    ended_on = _date(_("Kết thúc từ ngày"))
    reason = forms.CharField(label=_("Lý do kết thúc"), required=False, max_length=500,
                             help_text=_("Ví dụ: hộ đã thoát nghèo; cán bộ chuyển công tác"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class GroupForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Tên nhóm hộ"), required=False, max_length=200)
    households = forms.TypedMultipleChoiceField(label=_("Các hộ trong nhóm"), coerce=int, required=False,
                                                widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["households"].choices = [(h.pk, f"{h.head_name} · {h.code}") for h in households]
        self.fields["households"].widget.attrs.pop("class", None)


# --- import and phases -----------------------------------------------------------------------

class ImportForm(StyledFormMixin, forms.Form):
    year = forms.TypedChoiceField(label=_("Năm đánh giá"), coerce=int)
    file = forms.FileField(label=_("Tệp đánh giá hộ (.xlsx, .xls, .ods hoặc .csv)"), allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"accept": IMPORT_ACCEPT}))
    era = forms.ChoiceField(label=_("Mã xã theo danh mục"))

    def __init__(self, *args, years, eras, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = years
        self.fields["era"].choices = eras


class PhaseForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    code = forms.CharField(label=_("Mã giai đoạn"), required=False, max_length=20,
                           help_text=_("Ví dụ: 2026-2030"))
    name = forms.CharField(label=_("Tên giai đoạn"), required=False, max_length=300)
    start_year = forms.IntegerField(label=_("Từ năm"), required=False, min_value=YEAR_MIN, max_value=YEAR_MAX)
    end_year = forms.IntegerField(label=_("Đến năm"), required=False, min_value=YEAR_MIN, max_value=YEAR_MAX)


class PhaseDocumentForm(StyledFormMixin, forms.Form):
    """One founding document of a phase; a row left blank is ignored."""

    number = forms.CharField(label=_("Số, ký hiệu"), required=False, max_length=80)
    date = DateField(label=_("Ngày ban hành"), required=False)
    title = forms.CharField(label=_("Trích yếu"), required=False, max_length=500)

    def clean(self):
        data = super().clean()
        if (data.get("date") or data.get("title")) and not data.get("number"):
            self.add_error("number", _("Hãy ghi số, ký hiệu văn bản"))
        return data


PhaseDocumentFormSet = forms.formset_factory(PhaseDocumentForm, extra=3, max_num=20)
