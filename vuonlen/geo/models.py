"""Administrative units in two eras, with the 1 July 2025 lineage between them.

A unit's ``code`` is only meaningful together with its ``era`` and ``level``: the statistics
office reused codes after the reform, so the same number may name different places.
``path`` is a materialised path of primary keys ("/12/57/903/") so a sub-tree is one
``path LIKE '/12/57/%'`` query on any database.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vuonlen.core.models import NamedModel, TimestampedModel

REFORM_DATE = dt.date(2025, 7, 1)


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Tỉnh")
    DISTRICT = 2, _("Huyện")
    COMMUNE = 3, _("Xã")
    VILLAGE = 4, _("Thôn")


class Era(models.TextChoices):
    PRE_2025 = "pre2025", _("Trước 01/7/2025 (3 cấp)")
    POST_2025 = "post2025", _("Từ 01/7/2025 (2 cấp)")


class UnitType(models.TextChoices):
    TINH = "tinh", _("Tỉnh")
    THANH_PHO_TW = "thanh_pho_tw", _("Thành phố trực thuộc trung ương")
    THANH_PHO = "thanh_pho", _("Thành phố")
    HUYEN = "huyen", _("Huyện")
    THI_XA = "thi_xa", _("Thị xã")
    QUAN = "quan", _("Quận")
    XA = "xa", _("Xã")
    PHUONG = "phuong", _("Phường")
    THI_TRAN = "thi_tran", _("Thị trấn")
    DAC_KHU = "dac_khu", _("Đặc khu")
    THON = "thon", _("Thôn")
    LANG = "lang", _("Làng")
    TO_DAN_PHO = "to_dan_pho", _("Tổ dân phố")


VILLAGE_TYPES = {UnitType.THON, UnitType.LANG, UnitType.TO_DAN_PHO}
URBAN_TYPES = {UnitType.PHUONG, UnitType.THI_TRAN, UnitType.TO_DAN_PHO}


class AdministrativeUnit(NamedModel, TimestampedModel):
    level = models.PositiveSmallIntegerField(_("cấp"), choices=Level.choices)
    code = models.CharField(_("mã"), max_length=20)
    unit_type = models.CharField(_("loại"), max_length=16, choices=UnitType.choices)
    era = models.CharField(_("thời kỳ"), max_length=10, choices=Era.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("đơn vị cấp trên"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    source = models.CharField(_("nguồn dữ liệu"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["level", "name_sort"]
        constraints = [
            models.UniqueConstraint(fields=["era", "level", "code"], name="geo_unit_code_unique_per_era_level"),
        ]
        indexes = [models.Index(fields=["parent", "name_sort"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_village(self) -> bool:
        return self.level == Level.VILLAGE

    @property
    def is_urban(self) -> bool:
        return self.unit_type in URBAN_TYPES

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.pk}/"

    def subtree_q(self, prefix: str = "") -> Q:
        """A Q selecting this unit and everything below it (``prefix`` for related lookups)."""
        return Q(**{f"{prefix}path__startswith": self.path})

    def ancestors(self) -> list[AdministrativeUnit]:
        ids = [int(part) for part in self.path.strip("/").split("/") if part][:-1]
        by_id = AdministrativeUnit.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def full_name(self) -> str:
        return ", ".join(u.name for u in [self, *reversed(self.ancestors())])


def fill_paths(queryset) -> int:
    """Set ``path`` = parent's path + own id + "/" for freshly bulk-created units, in one UPDATE."""
    from django.db.models import CharField, OuterRef, Subquery, Value
    from django.db.models.functions import Cast, Concat

    from .versions import units_changed

    parent_path = AdministrativeUnit.objects.filter(pk=OuterRef("parent_id")).values("path")[:1]
    changed = queryset.update(path=Concat(Subquery(parent_path), Cast("id", CharField()), Value("/"),
                                          output_field=CharField()))
    units_changed()  # bulk_create and update send no signal: the scope panel's cache must know
    return changed


class UnitLineage(models.Model):
    """An old unit's place in the new order (sắp xếp đơn vị hành chính 2025)."""

    old_unit = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="successor_links",
                                 verbose_name=_("đơn vị cũ"))
    new_unit = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="predecessor_links",
                                 verbose_name=_("đơn vị mới"))
    effective_date = models.DateField(_("ngày hiệu lực"), default=REFORM_DATE)
    partly_merged = models.BooleanField(
        _("sáp nhập một phần"), default=False,
        help_text=_("Chỉ một phần đơn vị cũ nhập vào đơn vị mới"),
    )
    source = models.CharField(_("nguồn dữ liệu"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("quan hệ kế thừa đơn vị")
        verbose_name_plural = _("quan hệ kế thừa đơn vị")
        constraints = [models.UniqueConstraint(fields=["old_unit", "new_unit"], name="geo_lineage_unique")]

    def __str__(self) -> str:
        return f"{self.old_unit} → {self.new_unit}"
