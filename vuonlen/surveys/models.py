"""Village surveys (khảo sát thôn, làng) and the catalogue of causes of poverty.

The district plan (seed ``002_…``, part III.3) asks to survey each village — its situation,
the ways of thinking and working, its economy, the causes of poverty and backwardness, above
all in the especially difficult villages — and to write a plan for each village and household
from it. One survey per village and year; the causes come from one catalogue the
administrator keeps (``PovertyCause``), each with the number of households it applies to.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vuonlen.core.models import TimestampedModel
from vuonlen.core.uploads import StoredFileFields
from vuonlen.geo.models import AdministrativeUnit


class PovertyCause(TimestampedModel):
    """One cause of poverty (thiếu đất, thiếu vốn…): the same list for surveys and household plans."""

    code = models.CharField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("nguyên nhân"), max_length=200)
    description = models.TextField(_("giải thích"), blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("nguyên nhân nghèo")
        verbose_name_plural = _("danh mục nguyên nhân nghèo")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class MarketAccess(models.TextChoices):
    GOOD = "good", _("Thuận lợi")
    FAIR = "fair", _("Trung bình")
    HARD = "hard", _("Khó khăn")
    VERY_HARD = "very_hard", _("Rất khó khăn (xa chợ, đường chưa thông)")


class VillageSurvey(TimestampedModel):
    village = models.ForeignKey(AdministrativeUnit, verbose_name=_("thôn, làng"), on_delete=models.PROTECT,
                                related_name="surveys")
    year = models.PositiveSmallIntegerField(_("năm"), db_index=True)
    households_total = models.PositiveIntegerField(_("tổng số hộ"), null=True, blank=True)
    poor_households = models.PositiveIntegerField(_("số hộ nghèo"), null=True, blank=True)
    near_poor_households = models.PositiveIntegerField(_("số hộ cận nghèo"), null=True, blank=True)
    situation = models.TextField(_("tình hình chung"), blank=True)
    thinking_and_working = models.TextField(_("nếp nghĩ, cách làm của người dân"), blank=True)
    customs_to_drop = models.TextField(_("phong tục, tập quán lạc hậu cần xoá bỏ"), blank=True)
    main_crops = models.CharField(_("cây trồng chính"), max_length=300, blank=True)
    main_livestock = models.CharField(_("vật nuôi chính"), max_length=300, blank=True)
    farmland_ha = models.DecimalField(_("đất sản xuất (ha)"), max_digits=10, decimal_places=2, null=True,
                                      blank=True)
    land_note = models.CharField(_("tình hình đất đai"), max_length=300, blank=True)
    market_access = models.CharField(_("tiếp cận thị trường"), max_length=12, choices=MarketAccess.choices,
                                     blank=True)
    market_note = models.CharField(_("ghi chú về thị trường"), max_length=300, blank=True)
    especially_difficult = models.BooleanField(_("thôn đặc biệt khó khăn"), default=False, db_index=True)
    new_rural_area = models.BooleanField(_("thôn đăng ký xây dựng nông thôn mới"), default=False)
    notes = models.TextField(_("ghi chú"), blank=True)
    surveyed_by = models.CharField(_("người khảo sát"), max_length=200)
    surveyed_on = models.DateField(_("ngày khảo sát"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)

    class Meta:
        verbose_name = _("khảo sát thôn")
        verbose_name_plural = _("khảo sát thôn")
        ordering = ["-year", "village__name_sort"]
        constraints = [models.UniqueConstraint(fields=["village", "year"], name="surveys_one_survey_a_year")]

    def __str__(self) -> str:
        return f"Khảo sát {self.village.name} năm {self.year}"


class SurveyCause(models.Model):
    survey = models.ForeignKey(VillageSurvey, on_delete=models.CASCADE, related_name="cause_counts")
    cause = models.ForeignKey(PovertyCause, verbose_name=_("nguyên nhân"), on_delete=models.PROTECT,
                              related_name="+")
    households = models.PositiveIntegerField(_("số hộ"))

    class Meta:
        verbose_name = _("nguyên nhân nghèo của thôn")
        verbose_name_plural = _("nguyên nhân nghèo của thôn")
        ordering = ["cause__order", "cause__code"]
        constraints = [models.UniqueConstraint(fields=["survey", "cause"], name="surveys_cause_once")]

    def __str__(self) -> str:
        return f"{self.cause}: {self.households}"


class SurveyFile(StoredFileFields):
    survey = models.ForeignKey(VillageSurvey, verbose_name=_("khảo sát"), on_delete=models.CASCADE,
                               related_name="files")

    class Meta:
        verbose_name = _("tệp đính kèm khảo sát")
        verbose_name_plural = _("tệp đính kèm khảo sát")
        ordering = ["uploaded_at", "pk"]
