"""Household plans (kế hoạch giúp hộ) and each mass organisation's own poor households.

- ``HouseholdPlan``: per household and year, the causes that apply (the surveys' catalogue),
  the goal, the solutions chosen, who helps, and at year end the follow-up (achieved or not,
  and why). The district plan (seed ``002_…``, III.3) asks for "giải pháp cụ thể cho từng hộ".
- ``OrganisationHousehold`` and ``OrganisationGoal``: the conclusion notice (seed ``001_…``,
  item 5) asks every mass organisation to list its poor and near-poor ethnic-minority members,
  set the year's goals to help them out of poverty, and report the result.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vuonlen.accounts.models import Organisation, OrgKind
from vuonlen.core.models import TimestampedModel

# The mass organisations (đoàn thể) the notice names, and the Front that leads them.
MASS_ORG_KINDS = (OrgKind.FATHERLAND_FRONT, OrgKind.FARMERS_UNION, OrgKind.WOMENS_UNION, OrgKind.YOUTH_UNION,
                  OrgKind.VETERANS_UNION)
# Registry statuses an organisation may list (current_status of the household).
LISTED_STATUSES = ("poor", "near_poor")


class Goal(models.TextChoices):
    OUT_THIS_YEAR = "out_this_year", _("Thoát nghèo trong năm")
    OUT_NEXT_YEAR = "out_next_year", _("Thoát nghèo năm sau")
    STABLE_INCOME = "stable_income", _("Có thu nhập ổn định")


class Solution(models.TextChoices):
    PRODUCTION_MODEL = "production_model", _("Mô hình sản xuất")
    LOAN = "loan", _("Vay vốn ưu đãi")
    TRAINING = "training", _("Tập huấn, đào tạo nghề")
    JOB = "job", _("Việc làm")
    ORGANISATION = "organisation", _("Tổ chức đoàn thể giúp đỡ")
    TWINNING = "twinning", _("Đơn vị kết nghĩa giúp đỡ")


class Outcome(models.TextChoices):
    ACHIEVED = "achieved", _("Đạt")
    NOT_ACHIEVED = "not_achieved", _("Chưa đạt")


class HouseholdPlan(TimestampedModel):
    household = models.ForeignKey("households.Household", verbose_name=_("hộ"), on_delete=models.PROTECT,
                                  related_name="plans")
    year = models.PositiveSmallIntegerField(_("năm"), db_index=True)
    causes = models.ManyToManyField("surveys.PovertyCause", verbose_name=_("nguyên nhân nghèo"), blank=True,
                                    related_name="plans")
    goal = models.CharField(_("mục tiêu"), max_length=16, choices=Goal.choices)
    solutions = models.JSONField(_("giải pháp"), default=list, blank=True)
    production_model = models.CharField(_("mô hình sản xuất"), max_length=300, blank=True)
    loan_vnd = models.PositiveBigIntegerField(_("vốn vay ưu đãi (đồng)"), default=0)
    training = models.CharField(_("tập huấn, đào tạo nghề"), max_length=300, blank=True)
    job = models.CharField(_("việc làm"), max_length=300, blank=True)
    support_organisation = models.ForeignKey(Organisation, verbose_name=_("tổ chức, đơn vị kết nghĩa giúp đỡ"),
                                             null=True, blank=True, on_delete=models.PROTECT,
                                             related_name="supported_plans")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người phụ trách hộ"), null=True,
                               blank=True, on_delete=models.SET_NULL, related_name="+")
    notes = models.TextField(_("ghi chú"), blank=True)
    outcome = models.CharField(_("kết quả cuối năm"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(_("lý do, nhận xét"), blank=True)
    followed_up_on = models.DateField(_("ngày đánh giá kết quả"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)

    class Meta:
        verbose_name = _("kế hoạch giúp hộ")
        verbose_name_plural = _("kế hoạch giúp hộ")
        ordering = ["-year", "household__head_sort"]
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="plans_one_plan_a_year")]

    def __str__(self) -> str:
        return f"Kế hoạch năm {self.year} của hộ {self.household.code}"

    def solution_labels(self) -> list[str]:
        labels = dict(Solution.choices)
        return [str(labels.get(s, s)) for s in self.solutions]


class OrganisationHousehold(TimestampedModel):
    """A poor or near-poor household one of whose members belongs to ``organisation``."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("tổ chức"), on_delete=models.PROTECT,
                                     related_name="member_households")
    household = models.ForeignKey("households.Household", verbose_name=_("hộ"), on_delete=models.PROTECT,
                                  related_name="organisation_links")
    member_name = models.CharField(_("hội viên, đoàn viên"), max_length=150, blank=True)
    since_year = models.PositiveSmallIntegerField(_("theo dõi từ năm"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)

    class Meta:
        verbose_name = _("hộ hội viên nghèo, cận nghèo")
        verbose_name_plural = _("hộ hội viên nghèo, cận nghèo")
        ordering = ["organisation", "household__head_sort"]
        constraints = [models.UniqueConstraint(fields=["organisation", "household"], name="plans_org_household_once")]

    def __str__(self) -> str:
        return f"{self.organisation}: hộ {self.household.code}"


class OrganisationGoal(TimestampedModel):
    """An organisation's goal for a year (how many households to help out of poverty, by which
    solutions) and, at year end, the result it reports."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("tổ chức"), on_delete=models.PROTECT,
                                     related_name="poverty_goals")
    year = models.PositiveSmallIntegerField(_("năm"))
    target_out = models.PositiveIntegerField(_("số hộ phấn đấu giúp thoát nghèo"))
    target_by_solution = models.JSONField(_("số hộ theo giải pháp"), default=dict, blank=True)
    plan_note = models.TextField(_("cách làm"), blank=True)
    result_out = models.PositiveIntegerField(_("số hộ đã thoát nghèo (báo cáo)"), null=True, blank=True)
    result_note = models.TextField(_("báo cáo kết quả"), blank=True)
    reported_on = models.DateField(_("ngày báo cáo kết quả"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)

    class Meta:
        verbose_name = _("mục tiêu giúp hộ thoát nghèo của tổ chức")
        verbose_name_plural = _("mục tiêu giúp hộ thoát nghèo của tổ chức")
        ordering = ["-year", "organisation__name_sort"]
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="plans_one_goal_a_year")]

    def __str__(self) -> str:
        return f"Mục tiêu năm {self.year} của {self.organisation}"
