from django.http import Http404
from django.shortcuts import render

from vuonlen.accounts import roles, scoping
from vuonlen.accounts import selectors as account_selectors

from . import history as history_registry
from .audit import history_for
from .forms import AuditFilterForm
from .models import AuditLog
from .navigation import rooms_for
from .paging import paginate
from .selectors import audit_entries, with_change_rows


def home(request):
    user = request.user
    return render(request, "core/home.html", {
        "scope_roots": scoping.scope_roots(user),
        "counts": account_selectors.home_counts(user),
        "rooms": [room for room in rooms_for(user) if room.url_name != "home"],
    })


def audit_list(request):
    # Without the permission the page does not exist, as with any record out of scope.
    if not scoping.can(request.user, roles.AUDIT_VIEW):
        raise Http404
    form = AuditFilterForm(request.GET)  # every field is optional: no filter is a valid search
    # A filter that does not parse shows its error and no rows, never the unfiltered log.
    entries = audit_entries(**form.cleaned_data) if form.is_valid() else AuditLog.objects.none()
    page = paginate(request, entries)
    page.object_list = with_change_rows(list(page.object_list))
    return render(request, "core/audit_list.html", {"form": form, "page_obj": page})


def record_history(request, app_label, model, pk):
    obj = history_registry.get_record_or_404(request.user, app_label, model, pk)
    page = paginate(request, history_for(obj).select_related("content_type").order_by("-at", "-id"))
    page.object_list = with_change_rows(list(page.object_list))
    return render(request, "core/history.html", {
        "object": obj,
        "verbose_name": obj._meta.verbose_name,
        "page_obj": page,
    })
