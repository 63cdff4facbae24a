from collections.abc import Callable

from django.core.paginator import Page, Paginator


def paginate(request, items, per_page: int = 50, count: Callable[[], int] | None = None) -> Page:
    """The page asked for in ``?page=``; a bad or too-large number gives the nearest page
    (an old bookmark must not turn into an error page). ``count``: how many items there are,
    when the caller knows it more cheaply than ``items.count()`` (a count kept between requests)."""
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.__dict__["count"] = count()  # Paginator.count is a cached property
    return paginator.get_page(request.GET.get("page"))
