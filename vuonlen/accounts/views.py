from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import roles, scoping
from .models import Organisation


@login_required
def organisation_list(request):
    orgs = scoping.scoped(request.user, Organisation.objects.select_related("unit"), roles.ORG_VIEW)
    return render(request, "accounts/organisation_list.html", {"organisations": orgs})
