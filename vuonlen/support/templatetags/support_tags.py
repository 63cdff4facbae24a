"""The household page's "what it received" block, without touching the households views."""

from django import template

from vuonlen.support.selectors import support_for_household

register = template.Library()


@register.inclusion_tag("support/_household_support.html", takes_context=True)
def household_support(context, household):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or household is None:
        return {"support": None}
    return {"support": support_for_household(user, household), "household": household}
