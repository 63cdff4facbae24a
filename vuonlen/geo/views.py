"""Pages of the geo room: the scope tree, a unit, villages, the village import."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vuonlen.accounts import roles, scoping
from vuonlen.core.responses import file_response

from . import continuation, imports, selectors, services
from .forms import VillageForm, VillageImportForm
from .models import Era

_IMPORT_ERRORS_KEY = "geo_village_import_errors"
ERRORS_SHOWN = 1000


def unit_list(request):
    query = request.GET.get("q", "").strip()
    context = {"query": query}
    if query:
        context["results"] = selectors.unit_search(request.user, query)
    else:
        context["trees"] = selectors.unit_tree_for(request.user)
    context["can_import"] = scoping.can(request.user, roles.UNIT_MANAGE_VILLAGES)
    return render(request, "geo/unit_list.html", context)


def unit_detail(request, pk: int):
    return render(request, "geo/unit_detail.html", {"detail": selectors.unit_detail_for(request.user, pk)})


@require_http_methods(["GET", "POST"])
def village_create(request, commune_pk: int):
    commune = selectors.commune_for_user_or_404(request.user, commune_pk)
    services.check_can_manage_villages(actor=request.user, unit=commune)
    form = VillageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            village = services.village_create(actor=request.user, commune=commune,
                                              name=form.cleaned_data["name"],
                                              unit_type=form.cleaned_data["unit_type"])
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, gettext("Đã thêm %(name)s vào %(name2)s") % {"name": village.name, "name2": commune.name})
            return redirect("geo:unit_detail", pk=commune.pk)
    return render(request, "geo/village_form.html", {"form": form, "commune": commune, "village": None})


@require_http_methods(["GET", "POST"])
def village_update(request, pk: int):
    village = selectors.village_for_user_or_404(request.user, pk)
    services.check_can_manage_villages(actor=request.user, unit=village)
    initial = {"name": village.name, "unit_type": village.unit_type, "version": village.version}
    form = VillageForm(request.POST or None, initial=initial, needs_version=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.village_update(actor=request.user, village=village, name=form.cleaned_data["name"],
                                    unit_type=form.cleaned_data["unit_type"],
                                    expected_version=form.cleaned_data["version"])
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, gettext("Đã lưu thay đổi"))
            return redirect("geo:unit_detail", pk=village.parent_id)
    return render(request, "geo/village_form.html", {"form": form, "commune": village.parent, "village": village})


@require_http_methods(["GET", "POST"])
def village_delete(request, pk: int):
    village = selectors.village_for_user_or_404(request.user, pk)
    services.check_can_manage_villages(actor=request.user, unit=village)
    problems: list[str] = []
    if request.method == "POST":
        try:
            services.village_delete(actor=request.user, village=village)
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, gettext("Đã xoá %(name)s") % {"name": village.name})
            return redirect("geo:unit_detail", pk=village.parent_id)
    return render(request, "geo/village_confirm_delete.html", {"village": village, "problems": problems})


def _require_import_right(user) -> None:
    if not scoping.can(user, roles.UNIT_MANAGE_VILLAGES):
        if scoping.can(user, roles.UNIT_VIEW):
            raise PermissionDenied(gettext("Bạn không có quyền thêm thôn"))
        raise Http404("Không tìm thấy")


@require_http_methods(["GET", "POST"])
def village_import(request):
    _require_import_right(request.user)
    form = VillageImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = imports.village_import(actor=request.user, file=upload, filename=upload.name,
                                        era=form.cleaned_data["era"])
        if result.ok:
            request.session.pop(_IMPORT_ERRORS_KEY, None)
            messages.success(request, gettext("Đã thêm %(created)s thôn từ tệp %(name)s") % {"created": result.created, "name": upload.name})
            return redirect("geo:village_import")
        # Kept for the error-report download that follows.
        request.session[_IMPORT_ERRORS_KEY] = [[e.row, e.column, e.message] for e in result.errors]
    context = {"form": form, "result": result, "errors_shown": result.errors[:ERRORS_SHOWN] if result else []}
    return render(request, "geo/village_import.html", context)


def village_import_template(request):
    _require_import_right(request.user)
    era = request.GET.get("era", Era.PRE_2025)
    if era not in Era.values:
        raise Http404("Không tìm thấy")
    communes = selectors.communes_for_village_import(request.user, era)
    return file_response(imports.template_xlsx(communes), "mau-danh-sach-thon.xlsx")


def village_import_errors(request):
    _require_import_right(request.user)
    stored = request.session.get(_IMPORT_ERRORS_KEY)
    if not stored:
        raise Http404("Không có báo lỗi nào để tải")
    errors = [imports.RowError(row, column, message) for row, column, message in stored]
    return file_response(imports.errors_xlsx(errors), "bao-loi-nhap-thon.xlsx")


# --- villages continue under the new communes (1 July 2025) ---------------------------------

_CONTINUATION_ERRORS_KEY = "geo_village_continuation_errors"
WAITING_SHOWN = 500


@require_http_methods(["GET", "POST"])
def village_continuation(request):
    """The waiting old villages: continue them all where the old commune went into one new
    commune, give each of the others to one of its old commune's new communes, or upload a file."""
    _require_import_right(request.user)
    result = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "all":
                done = continuation.villages_continue_all(actor=request.user)
                messages.success(request, _("Đã chuyển %(n)s thôn sang xã mới; còn %(w)s thôn chờ giao.")
                                 % {"n": done.continued, "w": done.waiting})
                return redirect("geo:village_continuation")
            if action == "one":
                village = selectors.village_for_user_or_404(request.user, request.POST.get("village"))
                commune = selectors.commune_for_user_or_404(request.user, request.POST.get("commune"))
                heir = continuation.village_continue(actor=request.user, village=village, commune=commune)
                messages.success(request, _("Đã giao %(v)s cho %(c)s.") % {"v": village.name, "c": heir.parent.name})
                return redirect("geo:village_continuation")
            if action == "file" and request.FILES.get("file"):
                upload = request.FILES["file"]
                result = continuation.continuation_import(actor=request.user, file=upload, filename=upload.name)
                if result.ok:
                    request.session.pop(_CONTINUATION_ERRORS_KEY, None)
                    messages.success(request, _("Đã giao %(n)s thôn theo tệp %(f)s.") % {"n": result.assigned,
                                                                                     "f": upload.name})
                    return redirect("geo:village_continuation")
                request.session[_CONTINUATION_ERRORS_KEY] = [[e.row, e.column, e.message] for e in result.errors]
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    waiting = list(continuation.villages_waiting(request.user)[:WAITING_SHOWN])
    heirs = continuation.successors_by_commune({village.parent_id for village in waiting})
    for village in waiting:
        village.choices = heirs[village.parent_id]
    context = {"waiting": waiting, "waiting_total": continuation.villages_waiting(request.user).count(),
               "result": result, "errors_shown": result.errors[:ERRORS_SHOWN] if result else []}
    return render(request, "geo/village_continuation.html", context)


def village_continuation_template(request):
    _require_import_right(request.user)
    return file_response(continuation.template_xlsx(continuation.villages_waiting(request.user)),
                          "giao-thon-cho-xa-moi.xlsx")


def village_continuation_errors(request):
    _require_import_right(request.user)
    stored = request.session.get(_CONTINUATION_ERRORS_KEY)
    if not stored:
        raise Http404("Không có báo lỗi nào để tải")
    errors = [imports.RowError(row, column, message) for row, column, message in stored]
    return file_response(imports.errors_xlsx(errors), "bao-loi-giao-thon.xlsx")
