"""The reporting room's tabs, shown on each of its pages according to what the person may do."""

from django import template

from vuonlen.accounts import roles, scoping

register = template.Library()


@register.inclusion_tag("reporting/_tabs.html", takes_context=True)
def reporting_tabs(context, active: str = ""):
    user = context.get("user")
    from vuonlen.reporting import form_admin, selectors

    return {
        "active": active,
        "can_submit": bool(selectors.acting_organisation_ids(user)),
        "can_view": scoping.can(user, roles.REPORT_VIEW),
        "can_manage_forms": form_admin.can_manage_forms(user),
    }


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if mapping else ""
