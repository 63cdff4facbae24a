def inbox_badge(request):
    """``inbox_unread``: the number shown on the top bar's inbox badge (one COUNT query), lazily,
    so pages that never render the top bar (htmx fragments) pay nothing."""
    from django.utils.functional import SimpleLazyObject

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"inbox_unread": 0}
    from .inbox import unread_count

    return {"inbox_unread": SimpleLazyObject(lambda: unread_count(user))}
