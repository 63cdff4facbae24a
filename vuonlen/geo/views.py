from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from vuonlen.accounts import scoping


@login_required
def unit_list(request):
    return render(request, "geo/unit_list.html", {"roots": scoping.scope_roots(request.user)})
