from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vuonlen.core.spreadsheets import IMPORT_ACCEPT

from .models import Era
from .services import NAME_MAX, village_type_choices


class _BootstrapErrors:
    """Marks a field's widget ``is-invalid`` whenever the field gets an error, so Bootstrap
    colours it and shows the ``invalid-feedback`` next to it."""

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            widget = self.fields[name].widget if name in self.fields else None
            if widget is not None and "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class VillageForm(_BootstrapErrors, forms.Form):
    """Parses the input only; the service checks duplicates, scope and concurrency."""

    name = forms.CharField(label=_("Tên thôn"), max_length=NAME_MAX, required=False,
                           widget=forms.TextInput(attrs={"class": "form-control", "autofocus": True}))
    unit_type = forms.ChoiceField(label=_("Loại"), choices=village_type_choices,
                                  widget=forms.Select(attrs={"class": "form-select"}))
    # The version the editor loaded; a different stored version means someone else saved first.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, needs_version: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = needs_version

    def apply_service_errors(self, exc: ValidationError) -> None:
        """Show a service's ValidationError on the fields it names, the rest above the form."""
        if hasattr(exc, "error_dict"):
            for field_name, errors in exc.error_dict.items():
                self.add_error(field_name if field_name in self.fields else None, errors)
        else:
            self.add_error(None, exc)


class VillageImportForm(_BootstrapErrors, forms.Form):
    file = forms.FileField(label=_("Tệp danh sách thôn (.xlsx, .xls, .ods hoặc .csv)"), allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"class": "form-control",
                                                                  "accept": IMPORT_ACCEPT}))
    era = forms.ChoiceField(label=_("Mã xã theo danh mục"), choices=Era.choices, initial=Era.PRE_2025,
                            widget=forms.Select(attrs={"class": "form-select"}))
