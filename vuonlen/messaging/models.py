"""The inbox (what each person has to act on) and the outbox (messages leaving the system).

An inbox item is one event for one person ("the quarterly report is due", "task 3 is overdue"),
identified by ``key``: the collector (``vuonlen messages collect``) writes each event once, so
running it again, or after a crash, never makes a second item. An outbound message carries an
idempotency ``key`` as well, unique in the table: the same event never leaves twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InboxKind(models.TextChoices):
    REPORT_DUE = "report_due", _("Báo cáo sắp đến hạn")
    REPORT_OVERDUE = "report_overdue", _("Báo cáo quá hạn")
    REPORT_RETURNED = "report_returned", _("Báo cáo bị trả lại")
    EXPLANATION = "explanation", _("Yêu cầu giải trình")
    TASK_DUE = "task_due", _("Nhiệm vụ sắp đến hạn")
    TASK_OVERDUE = "task_overdue", _("Nhiệm vụ quá hạn")
    NOT_VISITED = "not_visited", _("Hộ chưa được thăm trong 90 ngày")


class InboxItem(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người nhận"), on_delete=models.CASCADE,
                             related_name="inbox_items")
    kind = models.CharField(_("loại"), max_length=20, choices=InboxKind.choices)
    # The event's identity for this person: the collector writes each key once.
    key = models.CharField(_("mã sự việc"), max_length=200)
    # The record the item points at, re-checked through its access function on every read.
    ref_id = models.BigIntegerField()
    title = models.CharField(_("nội dung"), max_length=400)
    url = models.CharField(_("đường dẫn"), max_length=300)
    due_date = models.DateField(_("hạn"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    # Set when the event no longer holds (the report was sent, the household visited).
    resolved_at = models.DateTimeField(_("đã xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("việc trong hộp thư")
        verbose_name_plural = _("việc trong hộp thư")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="messaging_one_item_per_event")]
        indexes = [models.Index(fields=["user", "resolved_at", "read_at"])]

    def __str__(self) -> str:
        return f"Việc #{self.pk} ({self.kind})"


class Channel(models.TextChoices):
    NONE = "none", _("Không nhận tin ngoài hệ thống")
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")
    ZALO = "zalo", _("Zalo")


class ContactPreference(models.Model):
    """How a person wants to hear about new items outside the system; edited by themselves."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="contact_preference")
    channel = models.CharField(_("nhận tin qua"), max_length=10, choices=Channel.choices, default=Channel.NONE)
    phone = models.CharField(_("số điện thoại nhận SMS"), max_length=15, blank=True)
    zalo_user_id = models.CharField(_("mã người dùng Zalo"), max_length=40, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cách nhận tin")
        verbose_name_plural = _("cách nhận tin")

    def __str__(self) -> str:
        return f"Cách nhận tin #{self.pk}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi không được")
    # The worker stopped mid-send on a channel that cannot tell a repeat: a person checks.
    UNCERTAIN = "uncertain", _("Không rõ đã gửi chưa")


class OutboundMessage(models.Model):
    key = models.CharField(_("mã chống gửi trùng"), max_length=200, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("địa chỉ nhận"), max_length=254)
    subject = models.CharField(_("tiêu đề"), max_length=200, blank=True)
    body = models.TextField(_("nội dung"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=OutboxStatus.choices,
                              default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    provider_id = models.CharField(_("mã bên gửi"), max_length=100, blank=True)
    # A code ("HTTP 503", "zalo -216", "URLError"), never the message or the address.
    last_error = models.CharField(_("lỗi gần nhất"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tin nhắn gửi đi")
        verbose_name_plural = _("tin nhắn gửi đi")
        ordering = ["pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"Tin #{self.pk} ({self.channel}, {self.status})"
