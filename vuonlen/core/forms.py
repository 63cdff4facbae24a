import datetime as dt
import re

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import AuditAction
from .selectors import audited_content_types

# Officers type dates the Vietnamese way; ISO is accepted for links and browser date pickers.
DATE_INPUTS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]

_VN_DATE = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class DateInput(forms.DateInput):
    """The one date widget: a text box showing dd/mm/yyyy whatever the browser's language
    (the browser's own date input shows 12/02/2026 for 2 December in an English browser).
    Digits keyboard on phones; no script needed."""

    input_type = "text"

    def __init__(self, attrs=None, format=None):
        base = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off",
                "data-vl-date": "", "maxlength": "10", "class": "vl-date"}
        super().__init__(attrs={**base, **(attrs or {})}, format=format or "%d/%m/%Y")


class DateField(forms.DateField):
    """The one date field of every form: reads 07/06/2023 (also 7/6/2023, 07-06-2023, 07.06.2023
    and ISO 2023-06-07 from links), says in Vietnamese what is wrong with anything else."""

    widget = DateInput
    default_error_messages = {
        "invalid": _("“%(value)s” không phải ngày: hãy nhập theo dạng ngày/tháng/năm, ví dụ 07/06/2023."),
        "nonexistent": _("Ngày “%(value)s” không có trên lịch."),
        "range": _("Năm của ngày “%(value)s” phải trong khoảng 1900–2100."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        if match := _VN_DATE.match(text):
            day, month, year = (int(g) for g in match.groups())
        elif match := _ISO_DATE.match(text):
            year, month, day = (int(g) for g in match.groups())
        else:
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"value": text[:30]})
        if not 1900 <= year <= 2100:
            raise ValidationError(self.error_messages["range"], code="range", params={"value": text})
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise ValidationError(self.error_messages["nonexistent"], code="nonexistent",
                                  params={"value": text}) from None


class StyledFormMixin:
    """Bootstrap classes on every widget, and ``is-invalid`` on fields that failed, so the
    shared field template (core/_field.html) needs no per-form markup."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


# The kinds of attachment the rooms accept (core.uploads checks the content itself).
ATTACHMENT_ACCEPT = ".pdf,.docx,.xlsx,.doc,.xls,.jpg,.jpeg,.png"


class FileInput(forms.FileInput):
    """The one file input: a "Chọn tệp" button and the chosen names in the page's language
    (the browser's own control speaks the language of the computer: "Choose File / No file
    chosen"). ``static/js/vl-widgets.js`` swaps it in; without JS the native control stays."""

    template_name = "core/widgets/file_input.html"


class MultipleFileInput(FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service (type, content, size).
    ``accept`` hints the browser's file picker; None offers every file."""

    def __init__(self, *args, accept: str | None = ATTACHMENT_ACCEPT, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept} if accept else {"multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class ServiceErrorsMixin:
    """Puts a service's ValidationError on the form: on the fields it names (through
    ``service_field_map`` when the service's name differs), the rest above the form."""

    service_field_map: dict[str, str] = {}

    def apply_service_errors(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                target = self.service_field_map.get(name, name)
                self.add_error(target if target in self.fields else None, errors)
        else:
            self.add_error(None, exc)


class ContentTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ContentType) -> str:
        model = obj.model_class()
        return capfirst(str(model._meta.verbose_name)) if model else obj.model


class AuditFilterForm(StyledFormMixin, forms.Form):
    account = forms.CharField(label=_("Tài khoản"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Thao tác"), required=False,
                               choices=[("", _("Tất cả"))] + list(AuditAction.choices))
    content_type = ContentTypeChoiceField(label=_("Loại dữ liệu"), required=False,
                                          queryset=ContentType.objects.none(), empty_label=_("Tất cả"))
    object_id = forms.CharField(label=_("Mã bản ghi"), required=False, max_length=64)
    text = forms.CharField(label=_("Nội dung"), required=False, max_length=200,
                           help_text=_("Tìm trong tên bản ghi và ghi chú"))
    date_from = DateField(label=_("Từ ngày"), required=False)
    date_to = DateField(label=_("Đến ngày"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["content_type"].queryset = audited_content_types()

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("“Từ ngày” phải trước hoặc bằng “Đến ngày”."))
        return data
