from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LogoutView, PasswordChangeView
from django.shortcuts import render

from vuonlen.core.audit import audit_record
from vuonlen.core.models import AuditAction
from vuonlen.core.paging import paginate

from . import selectors
from .forms import OrganisationFilterForm


@login_required
def organisation_list(request):
    form = OrganisationFilterForm(request.GET)  # both filters optional
    filters = form.cleaned_data if form.is_valid() else {}
    orgs = selectors.organisations_visible_to(request.user, search=filters.get("q", ""), kind=filters.get("kind", ""))
    return render(request, "accounts/organisation_list.html", {"form": form, "page_obj": paginate(request, orgs, 25)})


class AuditedPasswordChangeView(PasswordChangeView):
    """Password change that leaves an audit row (never the password itself)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(actor=self.request.user, action=AuditAction.UPDATE, instance=self.request.user,
                     note="Đổi mật khẩu", source="web")
        return response


class SignOutView(LogoutView):
    """Sign-out that also empties what the browser holds for this site: the offline mentor
    app's households and queue (IndexedDB), its caches and its service worker."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
