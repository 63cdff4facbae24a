"""Template helpers shared by every room: Vietnamese numbers and dates, the scope panel,
links to history pages."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django import template
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language

from vuonlen.core import formats, history, text

register = template.Library()


@register.filter
def vn_number(value, decimals=0):
    """1500000 → 1.500.000 whatever the interface language: official figures are written so."""
    if value in (None, ""):
        return "-"
    try:
        return formats.format_number(value, int(decimals))
    except (ValueError, ArithmeticError):
        return value


@register.filter
def vn_date(value):
    """07/06/2023; an aware datetime is shown as its date in Vietnam."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return formats.format_date(value)
    return value or ""


@register.filter
def vn_datetime(value, arg=""):
    """14:30 07/06/2023 in Vietnam's time — the one way the interface writes a moment;
    ``|vn_datetime:"s"`` adds the seconds (audit trails)."""
    if isinstance(value, dt.datetime):
        return formats.format_datetime(value, seconds=arg == "s")
    return vn_date(value)


@register.filter
def nfc(value):
    """Composed Unicode: Django's own "Tiếng Việt" (LANG_INFO) is decomposed, which screen
    readers, search and tests do not match against the composed text typed everywhere else."""
    return text.nfc(value)


@register.filter
def minutes(value):
    """A timedelta in whole minutes (the lockout page's wait)."""
    if isinstance(value, dt.timedelta):
        return int(value.total_seconds() // 60)
    return value


@register.simple_tag
def history_url(obj=None, entry=None):
    """The history page of ``obj`` (a record) or of an audit ``entry``'s record; '' if none."""
    if entry is not None:
        if not entry.content_type_id:
            return ""
        return history.url_for(entry.content_type.app_label, entry.content_type.model, entry.object_id)
    return history.url_for_object(obj)


@register.filter
def content_type_label(content_type):
    """"Đơn vị hành chính" rather than "administrativeunit"."""
    model = content_type.model_class() if content_type else None
    return capfirst(str(model._meta.verbose_name)) if model else getattr(content_type, "model", "")


@register.simple_tag(takes_context=True)
def nav_rooms_list(context):
    """The top bar's rooms (``core/_rooms.html``) with the current one marked: drawn once per
    process for each set of rooms, current room and language — the same markup the template
    gives, without its three loops over the rooms on every page (issue 17)."""
    rooms = tuple(tuple(room) for room in context.get("nav_rooms") or ())
    return _rooms_markup(rooms, context.get("nav_current") or "", get_language() or "")


@lru_cache(maxsize=512)
def _rooms_markup(rooms: tuple, current: str, _language: str) -> str:
    """``_language`` is part of the key only: the template translates with the active one."""
    return mark_safe(render_to_string("core/_rooms.html", {"nav_rooms": rooms, "nav_current": current}))


@register.simple_tag(takes_context=True)
def scope_tree(context):
    """The person's scope: its top units and one level below, linked to the unit pages. The
    markup is cached between requests (``accounts.selectors.scope_panel_html``)."""
    from vuonlen.accounts.selectors import scope_panel_html  # core sits below accounts

    user = context.get("user")
    if user is None or not user.is_authenticated:
        return _render_scope_tree([])
    return mark_safe(scope_panel_html(user, _render_scope_tree))


def _render_scope_tree(nodes) -> str:
    link = _unit_link()
    items = [
        {
            "unit": node.unit,
            "url": link(node.unit),
            "context": node.context,
            "children": [{"unit": child, "url": link(child)} for child in node.children],
            "more": node.more,
        }
        for node in nodes
    ]
    return render_to_string("core/_scope_tree.html", {"items": items})


def _unit_link():
    """Units link to the geo room's unit page, once that page exists."""
    try:
        reverse("geo:unit_detail", kwargs={"pk": 1})
    except NoReverseMatch:
        return lambda unit: ""
    return lambda unit: reverse("geo:unit_detail", kwargs={"pk": unit.pk})


@register.filter
def width_class(percent) -> str:
    """A bar's width as a class (vl-w-0 … vl-w-100, in css/app.css) rather than a style
    attribute, which the Content-Security-Policy does not allow."""
    try:
        value = int(percent)
    except (TypeError, ValueError):
        value = 0
    return f"vl-w-{max(0, min(100, value))}"
