"""Pages of the Excel import and export: the upload, the job's progress and result, the
templates, the error report and the filtered export.

Thin like the other views: the upload becomes a job (``jobs.import_job_start``), the worker
runs the import, and the job page polls the job row with htmx until it is done.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from vuonlen.accounts import roles, scoping
from vuonlen.core.formats import format_number
from vuonlen.core.periods import today_vn
from vuonlen.core.private_search import private_search
from vuonlen.core.responses import file_response
from vuonlen.core.spreadsheets import IMPORT_ACCEPT, IMPORT_EXTENSIONS
from vuonlen.core.years import FIRST_YEAR
from vuonlen.geo.models import Era

from . import exports, import_templates, jobs, selectors
from .forms import HouseholdFilterForm
from .models import ImportJob, ImportKind, ImportStatus

ERRORS_SHOWN = 200
QUEUED_HINT_SECONDS = 15


def _review_years() -> list[int]:
    from .year_standards import years_with_standard

    return years_with_standard(range(today_vn().year + 1, FIRST_YEAR - 1, -1))


def _default_year() -> int:
    # The periodic review runs in the autumn: until September the list being entered is last year's.
    today = today_vn()
    return today.year if today.month >= 9 else today.year - 1


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại tệp"), choices=ImportKind.choices, initial=ImportKind.HOUSEHOLDS,
                             widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    year = forms.TypedChoiceField(label=_("Năm rà soát (với tệp kết quả rà soát)"), coerce=int, required=False,
                                  empty_value=None, widget=forms.Select(attrs={"class": "form-select"}))
    era = forms.ChoiceField(label=_("Mã xã theo danh mục"), choices=Era.choices, initial=Era.PRE_2025,
                            widget=forms.Select(attrs={"class": "form-select"}))
    file = forms.FileField(label=_("Tệp (.xlsx, .xls, .ods hoặc .csv)"), allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": IMPORT_ACCEPT}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in _review_years()]  # a year, not "2.023"
        self.fields["year"].initial = _default_year()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(IMPORT_EXTENSIONS):
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv"))
        limit = settings.VUONLEN_MAX_IMPORT_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("Tệp quá lớn: mỗi lần chỉ nhập được tệp tối đa %(mb)s MB") % {"mb": format_number(limit / 2**20, 0)})
        return upload

    def clean(self):
        data = super().clean()
        if data.get("kind") == ImportKind.REVIEWS and not data.get("year"):
            self.add_error("year", _("Chọn năm rà soát của tệp"))
        return data


def _require_import_right(user) -> None:
    if not scoping.can(user, roles.HOUSEHOLD_EDIT):
        if scoping.can(user, roles.HOUSEHOLD_VIEW):
            raise PermissionDenied(_("Bạn không có quyền nhập hộ gia đình"))
        raise Http404("Không tìm thấy")


def _job_for_user_or_404(user, pk) -> ImportJob:
    """A job is its sender's own: anyone else (but a system administrator) finds nothing."""
    jobs_qs = ImportJob.objects.defer("upload")
    if not user.is_superuser:
        jobs_qs = jobs_qs.filter(created_by=user)
    try:
        job = jobs_qs.get(pk=pk)
    except ImportJob.DoesNotExist:
        raise Http404("Không tìm thấy") from None
    return jobs.import_job_reap_if_dead(job)  # never "running" for a job whose worker died


@require_http_methods(["GET", "POST"])
def import_start(request):
    _require_import_right(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        kind = form.cleaned_data["kind"]
        job = jobs.import_job_start(actor=request.user, kind=kind, data=upload.read(), filename=upload.name,
                                    year=form.cleaned_data["year"] if kind == ImportKind.REVIEWS else None,
                                    era=form.cleaned_data["era"])
        return redirect("household_imports:job", pk=job.pk)
    recent = [jobs.import_job_reap_if_dead(job)
              for job in ImportJob.objects.filter(created_by=request.user).defer("upload", "errors")[:10]]
    return render(request, "households/import_start.html", {
        "form": form, "recent": recent, "years": _review_years(), "default_year": _default_year(),
    })


def _job_context(job: ImportJob) -> dict:
    waiting = (timezone.now() - job.created_at).total_seconds() if job.status == ImportStatus.QUEUED else 0
    errors = [{"row": e[0], "column": e[1], "message": e[2]} for e in (job.errors or [])[:ERRORS_SHOWN]]
    retried = (job.retries.only("pk").order_by("-pk").first()
               if job.status == ImportStatus.FAILED else None)
    return {
        "job": job, "result": jobs.job_result(job) if job.finished else None, "errors_shown": errors,
        "worker_missing": waiting > QUEUED_HINT_SECONDS, "retried": retried,
    }


def import_job(request, pk: int):
    job = _job_for_user_or_404(request.user, pk)
    return render(request, "households/import_job.html", _job_context(job))


def import_progress(request, pk: int):
    """The progress block alone, for htmx to swap in every second until the job is done."""
    job = _job_for_user_or_404(request.user, pk)
    return render(request, "households/import_progress.html", _job_context(job))


@require_http_methods(["POST"])
def import_retry(request, pk: int):
    """Queue a failed job's kept file again (only its sender, or a system administrator, finds it)."""
    _require_import_right(request.user)
    job = _job_for_user_or_404(request.user, pk)
    try:
        new = jobs.import_job_retry(actor=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("household_imports:job", pk=job.pk)
    return redirect("household_imports:job", pk=new.pk)


def import_errors(request, pk: int):
    job = _job_for_user_or_404(request.user, pk)
    if not job.errors:
        raise Http404("Không có báo lỗi nào để tải")
    return file_response(jobs.job_errors_xlsx(job), f"bao-loi-nhap-{job.pk}.xlsx")


def _era(request) -> str:
    era = request.GET.get("era", Era.PRE_2025)
    if era not in Era.values:
        raise Http404("Không tìm thấy")
    return era


def household_template(request):
    _require_import_right(request.user)
    return file_response(import_templates.household_template_xlsx(request.user, _era(request)),
                         "mau-ho-va-nhan-khau.xlsx")


def review_template(request):
    _require_import_right(request.user)
    try:
        year = int(request.GET.get("nam", _default_year()))
    except ValueError:
        raise Http404("Không tìm thấy") from None
    if year not in _review_years():
        raise Http404("Chưa có chuẩn nghèo cho năm này")
    return file_response(import_templates.review_template_xlsx(request.user, year, _era(request)),
                         f"mau-ket-qua-ra-soat-{year}.xlsx")


@private_search
def household_export(request):
    """The list page's filter (same GET parameters, the search words by token), as .xlsx."""
    if not scoping.can(request.user, roles.HOUSEHOLD_VIEW):
        raise Http404("Không tìm thấy")
    form = HouseholdFilterForm(request.search_params, units=selectors.unit_options(request.user),
                               years=range(today_vn().year, FIRST_YEAR - 1, -1))
    if not form.is_valid():
        # Never the unfiltered list for a filter that does not parse.
        raise Http404("Bộ lọc không hợp lệ")
    data = form.cleaned_data
    filters = selectors.HouseholdFilters(q=data["q"], unit=data["unit"], status=data["status"],
                                         ethnicity=data["ethnicity"], year=data["year"], area=data["area"],
                                         state=data["state"] or "active")
    content, _count = exports.household_export(actor=request.user, filters=filters)
    return file_response(content, f"danh-sach-ho-{today_vn():%Y%m%d}.xlsx")
