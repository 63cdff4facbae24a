from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from vuonlen.core.paging import paginate

from . import selectors
from .forms import OrganisationFilterForm


@login_required
def organisation_list(request):
    form = OrganisationFilterForm(request.GET)  # both filters optional
    filters = form.cleaned_data if form.is_valid() else {}
    orgs = selectors.organisations_visible_to(request.user, search=filters.get("q", ""), kind=filters.get("kind", ""))
    return render(request, "accounts/organisation_list.html", {"form": form, "page_obj": paginate(request, orgs, 25)})
