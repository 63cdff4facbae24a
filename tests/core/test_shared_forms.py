"""The form pieces every room shares: several files in one input, a service's errors on the form."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from vuonlen.core.forms import ATTACHMENT_ACCEPT, MultipleFileField, ServiceErrorsMixin


class _Form(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(required=False)
    files = MultipleFileField(label="Tệp")
    service_field_map = {"name": "title"}


def test_several_files_in_one_input_all_reach_the_service():
    files = MultiValueDict({"files": [SimpleUploadedFile("a.pdf", b"%PDF-1"), SimpleUploadedFile("b.pdf", b"%PDF-2")]})
    form = _Form(data={}, files=files)
    assert form.is_valid()
    assert [f.name for f in form.cleaned_data["files"]] == ["a.pdf", "b.pdf"]


def test_no_file_is_an_empty_list_and_the_picker_offers_the_attachment_kinds():
    form = _Form(data={})
    assert form.is_valid() and form.cleaned_data["files"] == []
    html = str(form["files"])
    assert f'accept="{ATTACHMENT_ACCEPT}"' in html and "multiple" in html


def test_without_accept_the_picker_offers_every_file():
    html = str(MultipleFileField(accept=None).widget.render("f", None))
    assert "accept" not in html and "multiple" in html


def test_service_errors_land_on_the_named_field_or_above_the_form():
    form = _Form(data={})
    assert form.is_valid()
    form.apply_service_errors(ValidationError({"name": ["Tên trùng"], "code": ["Mã sai"],
                                               NON_FIELD_ERRORS: ["Bản ghi đã bị huỷ"]}))
    assert form.errors["title"] == ["Tên trùng"]
    assert form.non_field_errors() == ["Mã sai", "Bản ghi đã bị huỷ"]


def test_a_plain_service_error_goes_above_the_form():
    form = _Form(data={})
    assert form.is_valid()
    form.apply_service_errors(ValidationError("Không lưu được"))
    assert form.non_field_errors() == ["Không lưu được"]
