from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from vuonlen.accounts import roles, scoping


@login_required
def home(request):
    return render(request, "core/home.html", {"scope_roots": scoping.scope_roots(request.user)})


@login_required
def audit_list(request):
    if not scoping.can(request.user, roles.AUDIT_VIEW):
        raise Http404
    return render(request, "core/audit_list.html", {})
