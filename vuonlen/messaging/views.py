from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vuonlen.core.paging import paginate

from . import services
from .forms import ContactPreferenceForm
from .inbox import PER_PAGE, open_items_query, prepare, unread_count
from .models import Channel


def inbox(request):
    unread_only = request.GET.get("loc") == "chua-doc"
    page_obj = paginate(request, open_items_query(request.user, unread_only=unread_only), PER_PAGE)
    items = prepare(request.user, page_obj.object_list)
    return render(request, "messaging/inbox.html", {"items": items, "page_obj": page_obj, "unread_only": unread_only,
                                                    "inbox_unread": unread_count(request.user),
                                                    "inbox_badge_loaded": True})


def badge(request):
    """The top bar's envelope with the unread count (one COUNT), fetched by htmx after the page."""
    return render(request, "messaging/_badge.html", {"inbox_unread": unread_count(request.user),
                                                     "inbox_badge_loaded": True})


@require_POST
def item_open(request, pk):
    item = services.item_mark_read(actor=request.user, pk=pk)
    target = item.url if url_has_allowed_host_and_scheme(item.url, allowed_hosts=None) else "messaging:inbox"
    return redirect(target)


@require_POST
def mark_all_read(request):
    count = services.items_mark_all_read(actor=request.user)
    messages.success(request, _("Đã đánh dấu %(count)d việc là đã đọc.") % {"count": count})
    return redirect("messaging:inbox")


def contact(request):
    current = services.contact_preference_for(request.user)
    initial = {"channel": current.channel or Channel.NONE, "phone": current.phone,
               "zalo_user_id": current.zalo_user_id, "version": current.version}
    form = ContactPreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.contact_preference_update(actor=request.user, user=request.user, channel=data["channel"],
                                               phone=data["phone"], zalo_user_id=data["zalo_user_id"],
                                               expected_version=data["version"])
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, _("Đã lưu cách nhận tin của bạn."))
            return redirect("messaging:contact")
    return render(request, "messaging/contact.html", {"form": form, "has_email": bool(request.user.email)})
