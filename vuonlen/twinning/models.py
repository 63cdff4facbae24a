"""Twinning (kết nghĩa): an agency, unit or enterprise paired with a mountain or border district
or commune, what it did there, and the yearly evaluation that enters emulation and commendation.

Directive 004 (seed ``004_…``) complains that twinning was "chủ yếu thăm hỏi, tặng quà" and
asks for substance: models, mobilised resources, training of local cadres, vocational
training, jobs, social security. The activity kinds follow its item 3 one by one, so a year
whose activities are all visits and gifts can be flagged from the data alone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vuonlen.accounts.models import Organisation, OrgKind
from vuonlen.core.models import TimestampedModel
from vuonlen.core.uploads import StoredFileFields
from vuonlen.geo.models import AdministrativeUnit

# Who may be a partner: the directive names "cơ quan, đơn vị, địa phương, doanh nghiệp".
PARTNER_KINDS = (OrgKind.AGENCY, OrgKind.ENTERPRISE, OrgKind.ARMED_FORCES, OrgKind.PARTY_COMMITTEE,
                 OrgKind.PEOPLES_COMMITTEE, OrgKind.FATHERLAND_FRONT, OrgKind.FARMERS_UNION, OrgKind.WOMENS_UNION,
                 OrgKind.YOUTH_UNION, OrgKind.VETERANS_UNION)


class ActivityKind(models.TextChoices):
    MODEL_SUPPORT = "model_support", _("Hỗ trợ xây dựng, nhân rộng mô hình")
    RESOURCES = "resources", _("Vận động nguồn lực (xã hội hóa)")
    CADRE_TRAINING = "cadre_training", _("Đào tạo, bồi dưỡng cán bộ cơ sở")
    VOCATIONAL_TRAINING = "vocational_training", _("Đào tạo nghề")
    JOBS = "jobs", _("Giải quyết việc làm")
    SOCIAL_SECURITY = "social_security", _("An sinh xã hội")
    VISITS_GIFTS = "visits_gifts", _("Thăm hỏi, tặng quà")


# Everything but visits and gifts is the "substance" the directive asks for.
SUBSTANTIVE_KINDS = frozenset(ActivityKind.values) - {ActivityKind.VISITS_GIFTS}


class TwinningPair(TimestampedModel):
    organisation = models.ForeignKey(Organisation, verbose_name=_("cơ quan, đơn vị, doanh nghiệp"),
                                     on_delete=models.PROTECT, related_name="twinning_pairs")
    # A district or a commune (level 2 or 3); checked by the service.
    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("huyện, xã kết nghĩa"), on_delete=models.PROTECT,
                             related_name="twinning_pairs")
    started_on = models.DateField(_("từ ngày"))
    ended_on = models.DateField(_("đến ngày"), null=True, blank=True)
    agreement_number = models.CharField(_("số văn bản ký kết"), max_length=60, blank=True)
    content = models.TextField(_("nội dung giúp đỡ đã thống nhất"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)

    class Meta:
        verbose_name = _("cặp kết nghĩa")
        verbose_name_plural = _("cặp kết nghĩa")
        ordering = ["organisation__name_sort", "unit__name_sort", "started_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                                   name="twinning_pair_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.unit}"

    def active_in(self, year: int) -> bool:
        return self.started_on.year <= year and (self.ended_on is None or self.ended_on.year >= year)


class AgreementFile(StoredFileFields):
    """The signed agreement (biên bản, chương trình kết nghĩa) and its annexes."""

    pair = models.ForeignKey(TwinningPair, verbose_name=_("cặp kết nghĩa"), on_delete=models.CASCADE,
                             related_name="files")

    class Meta:
        verbose_name = _("văn bản kết nghĩa")
        verbose_name_plural = _("văn bản kết nghĩa")
        ordering = ["uploaded_at", "pk"]


class Activity(TimestampedModel):
    pair = models.ForeignKey(TwinningPair, verbose_name=_("cặp kết nghĩa"), on_delete=models.PROTECT,
                             related_name="activities")
    kind = models.CharField(_("loại hoạt động"), max_length=24, choices=ActivityKind.choices)
    date = models.DateField(_("ngày"), db_index=True)
    value_vnd = models.PositiveBigIntegerField(_("giá trị (đồng)"), default=0)
    beneficiary_count = models.PositiveIntegerField(_("số người, hộ hưởng lợi"), default=0)
    households = models.ManyToManyField("households.Household", verbose_name=_("hộ hưởng lợi"), blank=True,
                                        related_name="twinning_activities")
    initiative = models.ForeignKey("initiatives.Initiative", verbose_name=_("mô hình được hỗ trợ"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="twinning_activities")
    description = models.TextField(_("nội dung"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)

    class Meta:
        verbose_name = _("hoạt động kết nghĩa")
        verbose_name_plural = _("hoạt động kết nghĩa")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["pair", "date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ngày {self.date:%d/%m/%Y}"

    @property
    def is_substantive(self) -> bool:
        return self.kind in SUBSTANTIVE_KINDS


class Criterion(models.TextChoices):
    """The yearly evaluation's criteria, from directive 004 items 3 and 4; each scored 0–10."""

    MODELS = "score_models", _("Hỗ trợ xây dựng, nhân rộng mô hình phát triển kinh tế - xã hội")
    RESOURCES = "score_resources", _("Vận động nguồn lực giúp địa phương")
    TRAINING = "score_training", _("Đào tạo, bồi dưỡng cán bộ; đào tạo nghề")
    JOBS_SOCIAL = "score_jobs_social", _("Giải quyết việc làm, an sinh xã hội")
    REGULARITY = "score_regularity", _("Tính thường xuyên, có kế hoạch, sơ kết, báo cáo")
    RESULTS = "score_results", _("Kết quả thiết thực: hộ thoát nghèo, đời sống, nhận thức thay đổi")


CRITERIA = list(Criterion)
MAX_SCORE = 10
MAX_TOTAL = MAX_SCORE * len(CRITERIA)


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Hoàn thành xuất sắc")
    GOOD = "good", _("Hoàn thành tốt")
    DONE = "done", _("Hoàn thành")
    NOT_DONE = "not_done", _("Không hoàn thành")


def grade_for(total: float, *, visits_only: bool) -> Grade:
    """Thresholds on the 60-point scale (90%, 75%, 50%). A year of only visits and gifts can
    never be "excellent" or "good": the directive asks for substance, not ceremonies."""
    share = total / MAX_TOTAL
    if share >= 0.9 and not visits_only:
        grade = Grade.EXCELLENT
    elif share >= 0.75 and not visits_only:
        grade = Grade.GOOD
    elif share >= 0.5:
        grade = Grade.DONE
    else:
        grade = Grade.NOT_DONE
    return grade


class Evaluation(TimestampedModel):
    pair = models.ForeignKey(TwinningPair, verbose_name=_("cặp kết nghĩa"), on_delete=models.PROTECT,
                             related_name="evaluations")
    year = models.PositiveSmallIntegerField(_("năm"))
    score_models = models.PositiveSmallIntegerField(Criterion.MODELS.label)
    score_resources = models.PositiveSmallIntegerField(Criterion.RESOURCES.label)
    score_training = models.PositiveSmallIntegerField(Criterion.TRAINING.label)
    score_jobs_social = models.PositiveSmallIntegerField(Criterion.JOBS_SOCIAL.label)
    score_regularity = models.PositiveSmallIntegerField(Criterion.REGULARITY.label)
    score_results = models.PositiveSmallIntegerField(Criterion.RESULTS.label)
    # Kept by the service (sum of the scores) so rankings are one aggregate query.
    total = models.PositiveSmallIntegerField(_("tổng điểm"), editable=False)
    # Frozen at evaluation time from the year's activities (see selectors.visits_only_pairs).
    visits_only = models.BooleanField(_("chỉ thăm hỏi, tặng quà"), default=False, editable=False)
    grade = models.CharField(_("xếp loại"), max_length=10, choices=Grade.choices, editable=False)
    comment = models.TextField(_("nhận xét"), blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", editable=False)

    class Meta:
        verbose_name = _("đánh giá kết nghĩa hằng năm")
        verbose_name_plural = _("đánh giá kết nghĩa hằng năm")
        ordering = ["-year", "pair"]
        constraints = [models.UniqueConstraint(fields=["pair", "year"], name="twinning_one_evaluation_a_year")]

    def __str__(self) -> str:
        return f"Đánh giá kết nghĩa năm {self.year}: {self.pair}"

    def scores(self) -> list[tuple[str, int]]:
        return [(c.label, getattr(self, c.value)) for c in CRITERIA]
