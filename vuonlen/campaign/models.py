"""The campaign's work with households: phases, mentors (đảng viên phụ trách hộ, nhóm hộ),
their visits, and each household's yearly assessment against the plan's indicators.

Assessments keep one boolean per criterion, never a score, so that the indicator catalogue
(built later) can count any criterion or combination of them per unit and year; each row
snapshots the household's unit and commune at the time, because years are snapshots.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vuonlen.accounts.models import Organisation
from vuonlen.core.models import NamedModel, TimestampedModel
from vuonlen.core.uploads import StoredFileFields
from vuonlen.geo.models import AdministrativeUnit
from vuonlen.households.models import Household


class Phase(TimestampedModel):
    """A campaign phase: 2021–2025 (seeded), 2026–2030 and later defined by an administrator."""

    code = models.CharField(_("mã giai đoạn"), max_length=20, unique=True)
    name = models.CharField(_("tên giai đoạn"), max_length=300)
    start_year = models.PositiveSmallIntegerField(_("từ năm"))
    end_year = models.PositiveSmallIntegerField(_("đến năm"))
    # Founding documents as [{"number", "date", "title"}]: a short list read together with the
    # phase, never queried on its own.
    documents = models.JSONField(_("văn bản căn cứ"), default=list, blank=True)

    class Meta:
        verbose_name = _("giai đoạn")
        verbose_name_plural = _("giai đoạn")
        ordering = ["start_year"]
        constraints = [models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")),
                                              name="campaign_phase_years_ordered")]

    def __str__(self) -> str:
        return f"Giai đoạn {self.start_year}–{self.end_year}"


class HouseholdGroup(NamedModel, TimestampedModel):
    """A group of households (nhóm hộ) in one commune, assigned to a mentor together."""

    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("địa bàn"), on_delete=models.PROTECT,
                             related_name="+")
    households = models.ManyToManyField(Household, verbose_name=_("hộ"), related_name="campaign_groups")

    class Meta:
        verbose_name = _("nhóm hộ")
        verbose_name_plural = _("nhóm hộ")
        ordering = ["name_sort"]

    def __str__(self) -> str:
        return self.name


class MentorAssignment(TimestampedModel):
    """A mentor given one household, or one group of households, for a period."""

    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người phụ trách"),
                               on_delete=models.PROTECT, related_name="mentor_assignments")
    organisation = models.ForeignKey(Organisation, verbose_name=_("thuộc tổ chức"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, verbose_name=_("hộ"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="mentor_assignments")
    group = models.ForeignKey(HouseholdGroup, verbose_name=_("nhóm hộ"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="mentor_assignments")
    # The household's (or group's) unit: the scope of the assignment, kept for set-wise reads.
    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("địa bàn"), on_delete=models.PROTECT,
                             related_name="+")
    started_on = models.DateField(_("từ ngày"))
    ended_on = models.DateField(_("đến ngày"), null=True, blank=True)
    reason = models.CharField(_("lý do phân công"), max_length=500, blank=True)
    end_reason = models.CharField(_("lý do kết thúc"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)

    class Meta:
        verbose_name = _("phân công phụ trách hộ")
        verbose_name_plural = _("phân công phụ trách hộ")
        ordering = ["-started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(household__isnull=False, group__isnull=True)
                           | Q(household__isnull=True, group__isnull=False)),
                name="campaign_assignment_household_or_group"),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                                   name="campaign_assignment_dates_ordered"),
        ]
        indexes = [models.Index(fields=["mentor", "ended_on"]), models.Index(fields=["household", "ended_on"])]

    def __str__(self) -> str:
        target = f"Hộ {self.household.code}" if self.household_id else f"nhóm hộ #{self.group_id}"
        return f"Phân công #{self.pk}: {target}"


class Visit(TimestampedModel):
    """One visit of a mentor to a household: what was said and what comes next."""

    household = models.ForeignKey(Household, verbose_name=_("hộ"), on_delete=models.PROTECT,
                                  related_name="campaign_visits")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người đến thăm"),
                               on_delete=models.PROTECT, related_name="campaign_visits")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField(_("ngày thăm"), db_index=True)
    topics = models.JSONField(_("chủ đề"), default=list, blank=True)
    discussed = models.TextField(_("nội dung trao đổi"), blank=True)
    advice = models.TextField(_("tư vấn, hướng dẫn"), blank=True)
    production_model = models.CharField(_("mô hình sản xuất hộ chọn"), max_length=300, blank=True)
    initiative = models.ForeignKey("initiatives.Initiative", verbose_name=_("mô hình đã đăng ký"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    next_step = models.CharField(_("việc tiếp theo"), max_length=500, blank=True)
    # The id the offline app gave this visit on the phone: a retried send finds it, never a second visit.
    client_uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("lần thăm hộ")
        verbose_name_plural = _("lần thăm hộ")
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["mentor", "visited_on"]), models.Index(fields=["household", "visited_on"])]

    def __str__(self) -> str:
        return f"Thăm hộ #{self.household_id} ngày {self.visited_on:%d/%m/%Y}"


class VisitPhoto(StoredFileFields):
    visit = models.OneToOneField(Visit, verbose_name=_("lần thăm"), on_delete=models.CASCADE, related_name="photo")

    class Meta:
        verbose_name = _("ảnh lần thăm")
        verbose_name_plural = _("ảnh lần thăm")


# The criteria of an assessment, in the plan's order (DOMAIN.md "Plans and targets", 1–4).
CRITERIA = (
    ("told", _("Được tuyên truyền về Cuộc vận động")),
    ("changed_thinking", _("Thay đổi nếp nghĩ, cách làm")),
    ("dropped_customs", _("Bỏ phong tục, tập quán lạc hậu")),
    ("not_waiting", _("Không còn trông chờ, ỷ lại")),
    ("applies_technology", _("Ứng dụng khoa học, kỹ thuật vào sản xuất")),
    ("saves_to_reinvest", _("Chi tiêu tiết kiệm để tái đầu tư")),
    ("income_above_average", _("Thu nhập trên mức bình quân hộ DTTS của huyện")),
    ("stable_model", _("Có mô hình sản xuất ổn định")),
    ("solid_house", _("Có nhà ở kiên cố")),
    ("has_essentials", _("Có tiện nghi thiết yếu (ti vi, xe máy…)")),
    ("in_cooperative", _("Tham gia tổ hợp tác, hợp tác xã")),
)
CRITERIA_FIELDS = tuple(code for code, _label in CRITERIA)
# "Improved life" in the plan is the four conditions together (income, stable model, house,
# essentials); each is kept on its own so a later catalogue may count them differently.
IMPROVED_LIFE = ("income_above_average", "stable_model", "solid_house", "has_essentials")


class Assessment(TimestampedModel):
    """A household's assessment for one year: which of the plan's criteria it meets."""

    household = models.ForeignKey(Household, verbose_name=_("hộ"), on_delete=models.PROTECT,
                                  related_name="campaign_assessments")
    year = models.PositiveSmallIntegerField(_("năm"), db_index=True)
    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    assessed_on = models.DateField(_("ngày đánh giá"))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người đánh giá"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    told = models.BooleanField(CRITERIA[0][1], default=False)
    # Numbers of the handbook's contents (outreach.Topic.number) the household was told about.
    told_topics = models.JSONField(_("nội dung Sổ tay đã được tuyên truyền"), default=list, blank=True)
    changed_thinking = models.BooleanField(CRITERIA[1][1], default=False)
    dropped_customs = models.BooleanField(CRITERIA[2][1], default=False)
    not_waiting = models.BooleanField(CRITERIA[3][1], default=False)
    applies_technology = models.BooleanField(CRITERIA[4][1], default=False)
    saves_to_reinvest = models.BooleanField(CRITERIA[5][1], default=False)
    income_above_average = models.BooleanField(CRITERIA[6][1], default=False)
    stable_model = models.BooleanField(CRITERIA[7][1], default=False)
    solid_house = models.BooleanField(CRITERIA[8][1], default=False)
    has_essentials = models.BooleanField(CRITERIA[9][1], default=False)
    in_cooperative = models.BooleanField(CRITERIA[10][1], default=False)
    note = models.TextField(_("ghi chú"), blank=True)
    # The id of the offline app's change last applied to this assessment: a retried send is
    # recognised as already saved rather than seen as a stale version.
    client_uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("đánh giá hộ")
        verbose_name_plural = _("đánh giá hộ")
        ordering = ["household_id", "year"]
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="campaign_one_assessment_a_year")]
        indexes = [models.Index(fields=["year", "commune"])]

    def __str__(self) -> str:
        return f"Đánh giá {self.year} của hộ #{self.household_id}"

    @property
    def improved_life(self) -> bool:
        return all(getattr(self, f) for f in IMPROVED_LIFE)
