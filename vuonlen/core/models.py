from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .text import fold, nfc, sort_key


class TimestampedModel(models.Model):
    """created/updated stamps plus a version number for optimistic concurrency."""

    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)

    class Meta:
        abstract = True


class NamedModel(models.Model):
    """A Vietnamese name kept NFC, with its diacritic-folded search key and sort key."""

    name = models.CharField(_("tên"), max_length=200)
    name_search = models.CharField(max_length=200, editable=False, db_index=True, default="")
    name_sort = models.CharField(max_length=600, editable=False, db_index=True, default="")

    class Meta:
        abstract = True

    def set_name(self, name: str) -> None:
        self.name = nfc(name)
        self.refresh_name_keys()

    def refresh_name_keys(self) -> None:
        self.name = nfc(self.name)
        self.name_search = fold(self.name)
        self.name_sort = sort_key(self.name)


class AuditAction(models.TextChoices):
    CREATE = "create", _("Tạo mới")
    UPDATE = "update", _("Sửa")
    DELETE = "delete", _("Xoá")
    IMPORT = "import", _("Nhập tệp")
    LOGIN = "login", _("Đăng nhập")
    EXPORT = "export", _("Xuất dữ liệu")


class AuditLog(models.Model):
    """One row per write: who, when, what, and each changed field before/after."""

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    # The log is append-only and names the account in ``actor_name`` too, so its two links are
    # kept without database constraints: a constraint would check every row again at commit
    # (an import of 30,000 households writes 290,000 audit rows: 2 s of the server's CPU, issue
    # 17), and an account deleted later is still set to NULL by Django (``on_delete``).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", db_constraint=False,
    )
    actor_name = models.CharField(_("tài khoản"), max_length=150, blank=True)
    action = models.CharField(_("thao tác"), max_length=16, choices=AuditAction.choices)
    # Indexed by the (content type, record, time) index below, which serves a type alone too.
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL,
                                     verbose_name=_("loại dữ liệu"), db_index=False, db_constraint=False)
    # No index of its own: the (content type, record, time) index below serves the log's filter
    # by record number too, across every type (``core.selectors.log_entries``). A second index
    # cost an import of 290,000 audit rows 0.4 s of the server's time (issue 17).
    object_id = models.CharField(_("mã bản ghi"), max_length=64, blank=True)
    object_repr = models.CharField(_("bản ghi"), max_length=300, blank=True)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    source = models.CharField(_("nguồn"), max_length=32, blank=True)  # web, admin, api, command, import

    class Meta:
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"
