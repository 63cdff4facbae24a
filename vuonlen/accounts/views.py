from django.contrib.auth.views import PasswordChangeView
from django.shortcuts import render

from vuonlen.core.audit import audit_record
from vuonlen.core.models import AuditAction
from vuonlen.core.paging import paginate

from . import selectors
from .forms import OrganisationFilterForm


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
