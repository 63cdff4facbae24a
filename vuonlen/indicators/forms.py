"""Forms of the targets, evaluation, entered-figures and catalogue pages. They parse input only;
the services (``targets``, ``entries``, ``definitions``) check it against the data and the
scope and report every problem at once."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from vuonlen.accounts import roles
from vuonlen.campaign.models import Phase
from vuonlen.core.formats import parse_number
from vuonlen.core.forms import DateField, ServiceErrorsMixin, StyledFormMixin
from vuonlen.core.spreadsheets import IMPORT_ACCEPT
from vuonlen.geo.models import Era, Level
from vuonlen.households.selectors import unit_options

from .definitions import formulas
from .models import Direction, EntryKind, Indicator, Measure, Source


def unit_choices(user, perm: str = roles.INDICATOR_VIEW, *, max_level: int = Level.COMMUNE) -> list:
    """Province, districts and communes of the reader's area in tree order, indented by level;
    the new (post-2025) units marked."""
    choices = []
    for option in unit_options(user, perm, min_level=Level.PROVINCE, max_level=max_level):
        label = "\u2003" * (option.level - 1) + option.name
        if option.era == Era.POST_2025 and option.level <= Level.PROVINCE:
            label += " (từ 01/7/2025)"
        choices.append((option.pk, label))
    return choices


def year_choices(years) -> list[tuple[int, str]]:
    return [(y, str(y)) for y in sorted(set(years), reverse=True)]


class UnitYearForm(StyledFormMixin, forms.Form):
    """Which unit and year a page shows (GET)."""

    don_vi = forms.TypedChoiceField(label=_("Đơn vị"), coerce=int, required=False, empty_value=None)
    nam = forms.TypedChoiceField(label=_("Năm"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, units, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["don_vi"].choices = units
        self.fields["nam"].choices = year_choices(years)


class TargetGridForm(StyledFormMixin, forms.Form):
    """The fields of the grid that are not cells (the cells are read by name: ``Cell.name``)."""

    document = forms.CharField(label=_("Văn bản giao"), required=False, max_length=120,
                               help_text=_("Số, ký hiệu văn bản giao chỉ tiêu, ví dụ 92-CV/BCĐ; ghi cho các ô "
                                           "được sửa lần này"))
    phase_end = forms.BooleanField(label=_("Đây là chỉ tiêu cuối giai đoạn"), required=False)


class TargetImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Tệp chỉ tiêu (.xlsx, .xls, .ods hoặc .csv)"), allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"accept": IMPORT_ACCEPT}))


class EvaluationForm(StyledFormMixin, forms.Form):
    don_vi = forms.TypedChoiceField(label=_("Đơn vị"), coerce=int, required=False, empty_value=None)
    nam = forms.TypedChoiceField(label=_("Năm"), coerce=int, required=False, empty_value=None,
                                 help_text=_("Không ghi mốc: đến 31/12 (năm nay: đến hôm nay)"))
    ngay = DateField(label=_("Mốc đánh giá"), required=False,
                     help_text=_("dd/mm/yyyy, ví dụ 30/06/2023"))
    bien_do = forms.CharField(label=_("Biên độ (%)"), required=False, max_length=10,
                              widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                              help_text=_("Dưới lộ trình không quá mức này vẫn là đúng tiến độ"))

    def __init__(self, *args, units, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["don_vi"].choices = units
        self.fields["nam"].choices = [("", "—")] + year_choices(years)

    def clean_bien_do(self) -> Decimal | None:
        raw = self.cleaned_data.get("bien_do")
        if not raw:
            return None
        try:
            value = parse_number(raw)
        except ValueError:
            raise forms.ValidationError(_("Biên độ phải là một số phần trăm, ví dụ 15")) from None
        if not value.is_finite() or not 0 <= value <= 100:
            raise forms.ValidationError(_("Biên độ từ 0 đến 100%"))
        return value


class BehindForm(EvaluationForm):
    cap = forms.TypedChoiceField(label=_("Cấp"), coerce=int, required=False, empty_value=None,
                                 choices=[("", _("Mọi cấp")), (Level.DISTRICT, _("Huyện")),
                                          (Level.COMMUNE, _("Xã")), (Level.VILLAGE, _("Thôn"))])


# --- entered figures ---------------------------------------------------------------------------

class EntryForm(StyledFormMixin, forms.Form):
    """A unit's entered figures for a year, one group of fields per indicator."""

    ANSWERS = [("", _("— Chưa nhập —")), ("1", _("Có")), ("0", _("Không"))]

    def __init__(self, *args, indicators, **kwargs):
        self.indicators = list(indicators)
        super().__init__(*args, **kwargs)
        for indicator in self.indicators:
            pk = indicator.pk
            if indicator.entry_kind == EntryKind.YES_NO:
                self.fields[f"a-{pk}"] = forms.ChoiceField(label=indicator.short_name, choices=self.ANSWERS,
                                                           required=False)
            else:
                self.fields[f"n-{pk}"] = forms.CharField(label=indicator.numerator_label or _("Tử số"),
                                                         required=False, max_length=30)
                if indicator.measure == Measure.PERCENT:
                    self.fields[f"d-{pk}"] = forms.CharField(label=indicator.denominator_label or _("Mẫu số"),
                                                             required=False, max_length=30)
            self.fields[f"asof-{pk}"] = DateField(label=_("Số liệu tính đến ngày"), required=False)
            self.fields[f"note-{pk}"] = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)
            self.fields[f"ver-{pk}"] = forms.IntegerField(required=False, widget=forms.HiddenInput)
        for field in self.fields.values():  # added after the mixin styled the (empty) form
            if not isinstance(field.widget, forms.HiddenInput):
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs["class"] = css

    def groups(self):
        """(indicator, [bound fields], version field) for the template."""
        found = []
        for indicator in self.indicators:
            names = [n for n in (f"a-{indicator.pk}", f"n-{indicator.pk}", f"d-{indicator.pk}",
                                 f"asof-{indicator.pk}", f"note-{indicator.pk}") if n in self.fields]
            found.append((indicator, [self[n] for n in names], self[f"ver-{indicator.pk}"]))
        return found


# --- the catalogue -----------------------------------------------------------------------------

class IndicatorForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    code = forms.CharField(label=_("Mã chỉ tiêu"), required=False, max_length=40,
                           help_text=_("Chữ in hoa không dấu, chữ số, dấu gạch dưới; ví dụ HO_THOAT_NGHEO"))
    short_name = forms.CharField(label=_("Tên ngắn"), required=False, max_length=120)
    name = forms.CharField(label=_("Tên đầy đủ"), required=False, max_length=400,
                           widget=forms.Textarea(attrs={"rows": 2}))
    measure = forms.ChoiceField(label=_("Đơn vị tính"), required=False, choices=[("", "—"), *Measure.choices])
    direction = forms.ChoiceField(label=_("Chiều đánh giá"), required=False, choices=Direction.choices,
                                  initial=Direction.UP)
    levels = forms.TypedMultipleChoiceField(label=_("Áp dụng cho cấp"), coerce=int, required=False,
                                            choices=Level.choices, widget=forms.CheckboxSelectMultiple)
    source = forms.ChoiceField(label=_("Nguồn số liệu"), required=False, choices=[("", "—"), *Source.choices])
    formula = forms.ChoiceField(label=_("Cách tính (chỉ tiêu tính từ dữ liệu)"), required=False)
    entry_kind = forms.ChoiceField(label=_("Cách nhập (chỉ tiêu đơn vị nhập)"), required=False,
                                   choices=[("", "—"), *EntryKind.choices])
    numerator_label = forms.CharField(label=_("Tử số là"), required=False, max_length=200)
    denominator_label = forms.CharField(label=_("Mẫu số là"), required=False, max_length=200)
    default_target = forms.CharField(label=_("Chỉ tiêu mặc định"), required=False, max_length=30,
                                     help_text=_("Mức kế hoạch cho đơn vị chưa được giao riêng, ví dụ 75"))
    phases = forms.ModelMultipleChoiceField(label=_("Thuộc giai đoạn"), queryset=Phase.objects.all(),
                                            required=False, widget=forms.CheckboxSelectMultiple)
    order = forms.IntegerField(label=_("Thứ tự"), required=False, initial=200, min_value=0, max_value=32767)
    description = forms.CharField(label=_("Diễn giải"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["formula"].choices = [("", "—")] + [(f.code, f"{f.label} [{f.code}]") for f in formulas()]
        for name in ("levels", "phases"):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.fields if name != "phases"}


class PhaseIndicatorsForm(forms.Form):
    indicators = forms.ModelMultipleChoiceField(queryset=Indicator.objects.all(), required=False,
                                                widget=forms.CheckboxSelectMultiple)


class ActiveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


# --- phases: the final review, a phase's indicator set ------------------------------------------

class FinalReviewForm(StyledFormMixin, forms.Form):
    """Which unit and which ended phase the final review shows (GET)."""

    don_vi = forms.TypedChoiceField(label=_("Đơn vị"), coerce=int, required=False, empty_value=None)
    giai_doan = forms.TypedChoiceField(label=_("Giai đoạn"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, units, phases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["don_vi"].choices = units
        self.fields["giai_doan"].choices = [(p.pk, f"{p.start_year}–{p.end_year}") for p in phases]


class PhaseIndicatorForm(IndicatorForm):
    """A new indicator of one phase, with its plan target over the phase."""

    goal = forms.CharField(label=_("Mục tiêu giai đoạn"), required=False, max_length=30,
                           help_text=_("Mức cả giai đoạn phải đạt (đơn vị chưa được giao riêng), ví dụ 80"))
    goal_document = forms.CharField(label=_("Văn bản"), required=False, max_length=120,
                                    help_text=_("Số hiệu văn bản đặt mục tiêu, ví dụ 15-KH/BCĐ"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["phases"]
        del self.fields["default_target"]

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.fields if name not in ("goal", "goal_document")}
