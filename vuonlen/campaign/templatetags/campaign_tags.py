"""The campaign room's tabs (what the person may use) and small display filters."""

from __future__ import annotations

import datetime as dt

from django import template

from vuonlen.accounts import roles, scoping
from vuonlen.core.formats import format_date

register = template.Library()


@register.inclusion_tag("campaign/_tabs.html", takes_context=True)
def campaign_tabs(context, active: str = ""):
    from vuonlen.campaign import selectors

    user = context.get("user")
    mentor_only = selectors.is_mentor_only(user)
    tabs = []
    if not mentor_only:
        tabs.append(("index", "campaign:index"))
    if mentor_only or selectors.households_for_mentor(user).exists():
        tabs.append(("mine", "campaign:my_households"))
    if not mentor_only and scoping.can(user, roles.HOUSEHOLD_VIEW):
        tabs.append(("households", "campaign:household_list"))
    if not mentor_only and scoping.can(user, roles.MENTOR_ASSIGN):
        tabs.append(("assign", "campaign:assign"))
    if not mentor_only and scoping.can(user, roles.ASSESS):
        tabs.append(("import", "campaign:assessment_import"))
    if not mentor_only:
        tabs.append(("phases", "campaign:phases"))
    # A mentor has one page; a row of one tab would only take room on the phone.
    return {"active": active, "tabs": tabs if len(tabs) > 1 else []}


@register.filter
def iso_date(value) -> str:
    """A founding document's date, stored as ISO text, the Vietnamese way."""
    if not value:
        return ""
    try:
        return format_date(dt.date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


@register.filter
def topic_labels(codes, labels) -> str:
    """A visit's quick-pick topics by name."""
    return ", ".join(str(labels.get(code, code)) for code in codes or [])


@register.filter
def attr_value(obj, name: str):
    """One criterion of an assessment, by its code."""
    return getattr(obj, name, None)
