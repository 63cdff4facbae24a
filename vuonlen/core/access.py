"""The one room check for views: a person without the room's permission anywhere gets 404.

Login itself is enforced for every page by Django's ``LoginRequiredMiddleware`` (settings);
public pages say so with ``@login_not_required``. ``accounts`` is imported when called, as in
``core.navigation``, so core does not depend on it at import time.
"""

from __future__ import annotations

from functools import wraps

from django.http import Http404


def require_room(user, permission: str) -> None:
    """404 unless ``user`` holds ``permission`` on some unit: outside the room nothing exists."""
    from vuonlen.accounts import scoping

    if not scoping.can(user, permission):
        raise Http404("Không tìm thấy")


def room_required(permission: str):
    """View decorator: ``require_room(request.user, permission)`` before the view runs."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            require_room(request.user, permission)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
