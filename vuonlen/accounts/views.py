from django.contrib.auth.views import LogoutView, PasswordChangeView
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from vuonlen.core.access import room_required
from vuonlen.core.audit import audit_record
from vuonlen.core.models import AuditAction
from vuonlen.core.paging import paginate

from . import roles, scoping, selectors
from .forms import OrganisationFilterForm


def organisation_list(request):
    form = OrganisationFilterForm(request.GET)  # both filters optional
    filters = form.cleaned_data if form.is_valid() else {}
    orgs = selectors.organisations_visible_to(request.user, search=filters.get("q", ""), kind=filters.get("kind", ""))
    return render(request, "accounts/organisation_list.html", {
        "form": form, "page_obj": paginate(request, orgs, 25),
        # The 1 July 2025 switch-over of organisations and accounts is the account managers' page.
        "can_switch_over": scoping.can(request.user, roles.ACCOUNT_MANAGE),
        "can_manage_accounts": scoping.can(request.user, roles.ACCOUNT_MANAGE),
        "can_manage_organisations": scoping.can(request.user, roles.ORG_MANAGE),
    })


class AuditedPasswordChangeView(PasswordChangeView):
    """Password change that leaves an audit row (never the password itself)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(actor=self.request.user, action=AuditAction.UPDATE, instance=self.request.user,
                     note="Đổi mật khẩu", source="web")
        return response


@require_http_methods(["GET", "POST"])
@room_required(roles.ACCOUNT_MANAGE)
def switchover(request):
    """The administrator's switch-over page: every organisation and role assignment on an ended
    unit with the proposed continuing unit; one button applies the choices, audited."""
    from django.contrib import messages
    from django.core.exceptions import ValidationError
    from django.shortcuts import redirect
    from django.utils.translation import gettext as _

    from . import switchover as switch

    if request.method == "POST":
        decisions = {key: value for key, value in request.POST.items() if key.startswith(("org-", "ra-"))}
        try:
            result = switch.switchover_apply(actor=request.user, decisions=decisions)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            if result.changed:
                messages.success(request, _("Đã chuyển đổi: %(r)s.") % {"r": result})
            else:
                messages.info(request, _("Không còn gì để chuyển đổi."))
            return redirect("accounts:switchover")
    proposals = switch.switchover_proposals(actor=request.user)
    return render(request, "accounts/switchover.html", {
        "organisations": [p for p in proposals if p.kind == "organisation"],
        "assignments": [p for p in proposals if p.kind == "assignment"],
    })


class SignOutView(LogoutView):
    """Sign-out that also empties what the browser holds for this site: the offline mentor
    app's households and queue (IndexedDB), its caches and its service worker."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
