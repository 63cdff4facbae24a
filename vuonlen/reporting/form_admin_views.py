"""Pages of the report-form administration (issue 13 item 5); rules in ``form_admin``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from vuonlen.accounts.models import organisation_valid_on_q
from vuonlen.accounts.selectors import organisations_visible_to
from vuonlen.core.forms import ServiceErrorsMixin, StyledFormMixin
from vuonlen.core.periods import Period, PeriodKind, today_vn

from . import figures
from . import form_admin as svc
from .forms import SubmissionForm
from .models import ReportForm, ReportSchedule, SectionKind, Submission


class ReportFormFields(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    code = forms.CharField(label=gettext_lazy("Mã biểu mẫu"), max_length=60, required=False,
                           help_text=gettext_lazy("Ví dụ bao-cao-quy; không đổi được sau khi tạo."))
    name = forms.CharField(label=gettext_lazy("Tên biểu mẫu"), max_length=200, required=False)
    description = forms.CharField(label=gettext_lazy("Hướng dẫn cho đơn vị"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    allow_attachments = forms.BooleanField(label=gettext_lazy("Cho phép đính kèm tệp"), required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class SectionRow(StyledFormMixin, forms.Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    position = forms.IntegerField(label=gettext_lazy("Thứ tự"), required=False, min_value=1, max_value=99)
    code = forms.CharField(label=gettext_lazy("Mã phần"), max_length=40, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Loại"), choices=[("", "—"), *SectionKind.choices], required=False)
    title = forms.CharField(label=gettext_lazy("Tiêu đề"), max_length=200, required=False,
                            widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Tiêu đề")}))
    help_text = forms.CharField(label=gettext_lazy("Gợi ý"), max_length=500, required=False,
                                widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Gợi ý cho đơn vị")}))
    figure_codes = forms.MultipleChoiceField(label=gettext_lazy("Chỉ tiêu (phần số liệu)"), required=False,
                                             choices=(), widget=forms.SelectMultiple(attrs={"size": 4}))
    required = forms.BooleanField(label=gettext_lazy("Bắt buộc khi gửi"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["figure_codes"].choices = figures.choices()


SectionRows = forms.formset_factory(SectionRow, extra=2, can_delete=True, max_num=40, validate_max=True)


def _rows(formset) -> list[svc.SectionInput]:
    rows = []
    for row in formset.forms:
        data = getattr(row, "cleaned_data", None) or {}
        blank = not (data.get("code") or data.get("title") or data.get("help_text") or data.get("figure_codes"))
        if not data or (not data.get("pk") and (blank or not row.has_changed())):
            continue  # an empty extra row
        rows.append(svc.SectionInput(
            pk=data.get("pk"), position=data.get("position"), code=data.get("code") or "",
            kind=data.get("kind") or "", title=data.get("title") or "", help_text=data.get("help_text") or "",
            figure_codes=list(data.get("figure_codes") or []), required=bool(data.get("required")),
            delete=bool(data.get("DELETE"))))
    return rows


def form_list(request):
    svc.require_forms_room(request.user)
    return render(request, "reporting/forms_admin/list.html", {"report_forms": svc.forms_for_management()})


def _initial_rows(form: ReportForm) -> list[dict]:
    return [{"pk": s.pk, "position": s.position, "code": s.code, "kind": s.kind, "title": s.title,
             "help_text": s.help_text, "figure_codes": s.figure_codes, "required": s.required}
            for s in form.sections.all()]


@require_http_methods(["GET", "POST"])
def form_edit(request, pk: int | None = None):
    svc.require_forms_room(request.user)
    report_form = get_object_or_404(ReportForm, pk=pk) if pk else None
    if request.method == "POST":
        fields = ReportFormFields(request.POST)
        formset = SectionRows(request.POST, prefix="s")
        fields_ok, rows_ok = fields.is_valid(), formset.is_valid()
        if fields_ok and rows_ok:
            data = fields.cleaned_data
            try:
                if report_form is None:
                    report_form = svc.report_form_create(
                        actor=request.user, code=data["code"], name=data["name"], description=data["description"],
                        allow_attachments=data["allow_attachments"], sections=_rows(formset))
                    messages.success(request, _("Đã tạo biểu mẫu."))
                else:
                    changed = svc.report_form_update(
                        actor=request.user, form=report_form, version=data["version"], name=data["name"],
                        description=data["description"], allow_attachments=data["allow_attachments"],
                        sections=_rows(formset))
                    messages.success(request, _("Đã lưu biểu mẫu.") if changed else _("Không có gì thay đổi."))
                return redirect("reporting:form_edit", pk=report_form.pk)
            except ValidationError as exc:
                fields.apply_service_errors(exc)
    else:
        initial = ({"name": report_form.name, "description": report_form.description,
                    "allow_attachments": report_form.allow_attachments, "version": report_form.version}
                   if report_form else {"allow_attachments": True})
        fields = ReportFormFields(initial=initial)
        formset = SectionRows(initial=_initial_rows(report_form) if report_form else None, prefix="s")
    held = svc.sections_holding_data(report_form) if report_form else {}
    return render(request, "reporting/forms_admin/edit.html", {
        "report_form": report_form, "head_form": fields, "formset": formset, "held": held,
        "section_errors": fields.errors.get("sections", []),
    })


def form_preview(request, pk: int):
    """The form as a reporting unit will fill it; with an organisation chosen, the figures the
    system would fill in for it this quarter."""
    svc.require_forms_room(request.user)
    report_form = get_object_or_404(ReportForm, pk=pk)
    orgs = organisations_visible_to(request.user)
    organisation = None
    if request.GET.get("organisation", "").isdigit():
        organisation = orgs.filter(pk=int(request.GET["organisation"])).first()
    today = today_vn()
    period = Period(today.year, PeriodKind.QUARTER, (today.month - 1) // 3 + 1)
    period_code = period.code
    schedule = ReportSchedule(form=report_form, name=report_form.name)
    submission = Submission(schedule=schedule, organisation=organisation, period_code=period_code)
    if organisation is not None:
        codes = [c for s in report_form.sections.all() if s.kind == SectionKind.FIGURES for c in s.figure_codes]
        submission.values = figures.prefill_all(codes, organisation, period)
    form = SubmissionForm(submission=submission)
    for bound in form.fields.values():
        bound.disabled = True
    return render(request, "reporting/forms_admin/preview.html", {
        "report_form": report_form, "form": form, "organisation": organisation,
        "organisations": orgs.filter(organisation_valid_on_q(today))[:500],
        "period_code": period_code, "period": period,
    })
