from django.core.paginator import Page, Paginator


def paginate(request, items, per_page: int = 50) -> Page:
    """The page asked for in ``?page=``; a bad or too-large number gives the nearest page
    (an old bookmark must not turn into an error page)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
