"""Propaganda, training, exchange visits, emulation signings and launch ceremonies.

One ``Activity`` model with a ``kind``: they share date, place, organiser, participants and
the households reached; the kind decides which extra fields matter (topics for propaganda, the
visited model for an exchange visit). The handbook's ten contents are rows of ``Topic`` (data,
editable by the administrator) because a province may reword or renumber its handbook.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vuonlen.accounts.models import Organisation
from vuonlen.core.models import TimestampedModel
from vuonlen.geo.models import AdministrativeUnit


class Topic(models.Model):
    """One of the ten contents of the propaganda handbook (Sổ tay tuyên truyền)."""

    number = models.PositiveSmallIntegerField(_("số thứ tự"), unique=True)
    name = models.CharField(_("nội dung"), max_length=300)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("nội dung Sổ tay tuyên truyền")
        verbose_name_plural = _("nội dung Sổ tay tuyên truyền")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class ActivityKind(models.TextChoices):
    PROPAGANDA = "propaganda", _("Tuyên truyền")
    TRAINING = "training", _("Tập huấn, bồi dưỡng")
    EXCHANGE = "exchange", _("Tham quan, giao lưu học tập mô hình")
    EMULATION = "emulation", _("Ký kết giao ước thi đua")
    LAUNCH = "launch", _("Lễ phát động")


class Channel(models.TextChoices):
    MEETING = "meeting", _("Họp thôn, sinh hoạt cộng đồng")
    HOME_VISIT = "home_visit", _("Đến từng hộ gia đình")
    LOUDSPEAKER = "loudspeaker", _("Loa truyền thanh")
    PRESS = "press", _("Báo, đài, chuyên mục")
    SOCIAL = "social", _("Mạng xã hội, Zalo")
    CULTURAL = "cultural", _("Văn nghệ, hội thi")
    LEAFLET = "leaflet", _("Tờ rơi, pa-nô, áp phích")
    OTHER = "other", _("Hình thức khác")


class Activity(TimestampedModel):
    kind = models.CharField(_("loại hoạt động"), max_length=12, choices=ActivityKind.choices, db_index=True)
    date = models.DateField(_("ngày"), db_index=True)
    # The commune (or district, province) where it took place: the unit used for scoping.
    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("địa bàn"), on_delete=models.PROTECT,
                             related_name="outreach_activities")
    organisation = models.ForeignKey(Organisation, verbose_name=_("đơn vị tổ chức"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="outreach_activities")
    title = models.CharField(_("tên hoạt động"), max_length=300)
    channel = models.CharField(_("hình thức"), max_length=12, choices=Channel.choices, blank=True)
    topics = models.ManyToManyField(Topic, verbose_name=_("nội dung Sổ tay"), blank=True, related_name="activities")
    participants = models.PositiveIntegerField(_("số người tham dự"), default=0)
    households = models.ManyToManyField("households.Household", verbose_name=_("hộ được tuyên truyền"),
                                        blank=True, related_name="outreach_activities")
    visited_initiative = models.ForeignKey("initiatives.Initiative", verbose_name=_("mô hình đến thăm"),
                                           null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="exchange_visits")
    partner = models.CharField(_("đơn vị cùng ký kết, khách mời"), max_length=300, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)

    class Meta:
        verbose_name = _("hoạt động tuyên truyền")
        verbose_name_plural = _("hoạt động tuyên truyền")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["unit", "date"])]
        constraints = [
            models.CheckConstraint(condition=Q(kind="exchange") | Q(visited_initiative__isnull=True),
                                   name="outreach_visit_only_for_exchange"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"
