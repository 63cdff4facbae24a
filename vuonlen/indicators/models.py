"""The campaign's indicators, the targets units are handed, the figures units enter, and the
roll-ups every dashboard and evaluation reads.

An indicator is data, not code: the plan's five items are seeded (``catalogue.DEFAULTS``) and an
administrator may add more. A computed indicator names its computation in ``formula``
(``definitions.formulas()`` lists them, ``sources.compute_direct`` computes them); an entered
one is filled by each unit (``EnteredValue``).

Every figure is kept as a numerator and a denominator (a count keeps only the numerator), so a
district's percentage is the sum of its communes' numerators over the sum of their
denominators — never an average of percentages. ``Rollup`` holds those sums for every unit of
both eras and every year; ``rollups`` keeps it fresh when inputs change.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vuonlen.campaign.models import Phase
from vuonlen.core.models import TimestampedModel
from vuonlen.geo.models import AdministrativeUnit


class Measure(models.TextChoices):
    PERCENT = "percent", _("%")
    COUNT = "count", _("số lượng")
    VND = "vnd", _("đồng")
    POINTS_A_YEAR = "pp_year", _("điểm % mỗi năm")


class Direction(models.TextChoices):
    UP = "up", _("Càng cao càng tốt")
    DOWN = "down", _("Càng thấp càng tốt")


class Source(models.TextChoices):
    COMPUTED = "computed", _("Tính từ dữ liệu")
    ENTERED = "entered", _("Đơn vị nhập")


class EntryKind(models.TextChoices):
    # A yes/no every commune answers (e.g. "issued a plan"): each commune counts 1 in the
    # denominator whether it answered or not, so a silent commune lowers the district's rate.
    YES_NO = "yes_no", _("Có/không (mỗi xã)")
    VALUE = "value", _("Tử số và mẫu số")


class Indicator(TimestampedModel):
    code = models.CharField(_("mã chỉ tiêu"), max_length=40, unique=True)
    plan_item = models.PositiveSmallIntegerField(_("mục trong kế hoạch"), null=True, blank=True)
    name = models.CharField(_("tên chỉ tiêu"), max_length=400)
    short_name = models.CharField(_("tên ngắn"), max_length=120)
    measure = models.CharField(_("đơn vị tính"), max_length=10, choices=Measure.choices)
    direction = models.CharField(_("chiều"), max_length=4, choices=Direction.choices, default=Direction.UP)
    # Levels (geo.Level values) the indicator is set and evaluated at.
    levels = models.JSONField(_("áp dụng cho cấp"), default=list)
    source = models.CharField(_("nguồn số liệu"), max_length=10, choices=Source.choices)
    formula = models.CharField(_("cách tính"), max_length=80, blank=True)
    entry_kind = models.CharField(_("cách nhập"), max_length=10, choices=EntryKind.choices, blank=True)
    numerator_label = models.CharField(_("tử số"), max_length=200, blank=True)
    denominator_label = models.CharField(_("mẫu số"), max_length=200, blank=True)
    default_target = models.DecimalField(_("chỉ tiêu mặc định"), max_digits=18, decimal_places=2, null=True,
                                         blank=True)
    phases = models.ManyToManyField(Phase, verbose_name=_("giai đoạn"), related_name="indicators", blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=100)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    description = models.TextField(_("diễn giải"), blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.short_name}"

    @property
    def is_derived(self) -> bool:
        """Worked out at read time from another indicator's stored figures (the 6%-a-year fall)."""
        return self.formula.startswith("annual_fall:")

    @property
    def base_code(self) -> str:
        return self.formula.split(":", 1)[1] if self.is_derived else self.code


class Target(TimestampedModel):
    """What a unit is to reach for an indicator by the end of a year (a phase-end target is the
    target of the phase's last year, marked as such)."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("chỉ tiêu"), on_delete=models.PROTECT,
                                  related_name="targets")
    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT,
                             related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    value = models.DecimalField(_("mức chỉ tiêu"), max_digits=18, decimal_places=2)
    phase_end = models.BooleanField(_("chỉ tiêu cuối giai đoạn"), default=False)
    document = models.CharField(_("văn bản giao"), max_length=120, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", editable=False)

    class Meta:
        verbose_name = _("chỉ tiêu được giao")
        verbose_name_plural = _("chỉ tiêu được giao")
        ordering = ["indicator__order", "unit__path", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "unit", "year"], name="indicators_target_unique")]
        indexes = [models.Index(fields=["year", "unit"])]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.unit} {self.year}: {self.value}"


class EnteredValue(TimestampedModel):
    """A unit's own figure for an entered indicator and year."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("chỉ tiêu"), on_delete=models.PROTECT,
                                  related_name="entered_values")
    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT,
                             related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    numerator = models.BigIntegerField(_("tử số / giá trị"))
    denominator = models.BigIntegerField(_("mẫu số"), default=0)
    as_of = models.DateField(_("số liệu đến ngày"))
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)

    class Meta:
        verbose_name = _("số liệu đơn vị nhập")
        verbose_name_plural = _("số liệu đơn vị nhập")
        constraints = [models.UniqueConstraint(fields=["indicator", "unit", "year"],
                                               name="indicators_entered_unique")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.unit} {self.year}"


class Rollup(models.Model):
    """The summed numerator and denominator of an indicator for a unit (its whole sub-tree, and
    for a post-2025 unit also the old units merged into it) in a year. Derived data: rebuilt
    from the inputs by ``rollups.recompute_all`` and kept fresh by ``rollups.refresh``."""

    # No separate indexes on the keys: the unique (unit, year, indicator) and (year, indicator)
    # serve every read, and each index slows the full rewrite.
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+", db_index=False)
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    numerator = models.BigIntegerField(default=0)
    denominator = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("số liệu tổng hợp")
        verbose_name_plural = _("số liệu tổng hợp")
        constraints = [models.UniqueConstraint(fields=["unit", "year", "indicator"], name="indicators_rollup_unique")]
        indexes = [models.Index(fields=["year", "indicator"])]


class PhaseGoal(TimestampedModel):
    """The plan's target of an indicator for a whole phase ("đến năm 2025 ≥ 75%"): the level
    every unit the indicator applies to is held to when it was handed no target of its own.

    The catalogue's ``Indicator.default_target`` is the plan's target of the indicator's first
    phase (the 2021–2025 plan for the seeded set); any other phase states its own here — the
    province secretariat enters it on the phase set page (``services.phase_goal_set``), since
    the 2026–2030 plan's figures are the province's to decide."""

    phase = models.ForeignKey(Phase, verbose_name=_("giai đoạn"), on_delete=models.CASCADE, related_name="goals")
    indicator = models.ForeignKey(Indicator, verbose_name=_("chỉ tiêu"), on_delete=models.PROTECT,
                                  related_name="goals")
    value = models.DecimalField(_("mục tiêu giai đoạn"), max_digits=18, decimal_places=2)
    document = models.CharField(_("văn bản"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("mục tiêu giai đoạn")
        verbose_name_plural = _("mục tiêu giai đoạn")
        constraints = [models.UniqueConstraint(fields=["phase", "indicator"], name="indicators_phasegoal_unique")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.phase}: {self.value}"
