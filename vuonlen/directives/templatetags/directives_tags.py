"""Status badges of tasks: colour and words together (colour alone says nothing to some readers)."""

from django import template
from django.utils.html import format_html

from vuonlen.directives.models import STATUS_BADGE, TaskStatus

register = template.Library()


@register.filter
def status_badge(status):
    if not status:
        return ""
    status = TaskStatus(status)
    text_class = " text-dark" if STATUS_BADGE[status] in {"warning", "info"} else ""
    return format_html('<span class="badge text-bg-{}{}">{}</span>', STATUS_BADGE[status], text_class, status.label)


@register.filter
def status_label(status):
    return TaskStatus(status).label if status else ""
