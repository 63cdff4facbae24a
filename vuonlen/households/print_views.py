"""Print views (A4): a household's record and the minutes of one review. Read through the
registry's access functions; out of scope is 404 as everywhere."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from vuonlen.core.periods import today_vn

from . import selectors


@require_GET
def household_print(request, pk: int):
    detail = selectors.household_detail_for(request.user, pk)
    return render(request, "households/print_record.html", {
        "detail": detail, "household": detail.household, "today": today_vn()})


@require_GET
def review_print(request, pk: int):
    review = selectors.get_review_for_user_or_404(request.user, pk)
    detail = selectors.household_detail_for(request.user, review.household_id)
    review = next((r for r in detail.reviews if r.pk == review.pk), review)  # with its explanation
    return render(request, "households/print_review.html", {
        "review": review, "household": detail.household, "members": detail.current_members, "today": today_vn()})
