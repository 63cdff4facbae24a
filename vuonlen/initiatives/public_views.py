"""The public showcase (/trien-lam/): approved models and consented stories, no login.

The page reads only ``selectors.showcase_items``/``showcase_stories``, which hand the template
strings and suppressed counts — never a household — and it renders without the session or
the CSRF token, so a proxy may cache it for everyone.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from vuonlen.core import uploads

from . import selectors

PUBLIC_CACHE = {"public": True, "max_age": 300}


@login_not_required
@require_GET
@cache_control(**PUBLIC_CACHE)
def showcase(request):
    return render(request, "initiatives/public/showcase.html", {
        "items": selectors.showcase_items(), "stories": selectors.showcase_stories(),
        "small": selectors.SMALL_COUNT,
    })


def _public_image(stored_name, original_name, content_type):
    response = uploads.stored_file_response(stored_name, original_name, content_type, inline=True)
    # An approved photo is public: cacheable, unlike every other stored file.
    response["Cache-Control"] = "public, max-age=3600"
    return response


@login_not_required
@require_GET
def photo(request, pk: int):
    item = selectors.public_photo_or_404(pk)
    return _public_image(item.stored_name, f"anh-{item.pk}{'.png' if 'png' in item.content_type else '.jpg'}",
                         item.content_type)


@login_not_required
@require_GET
def story_photo(request, pk: int):
    story = selectors.public_story_photo_or_404(pk)
    return _public_image(story.photo_name, f"guong-{story.pk}.jpg", story.photo_type)
