"""The registry: households, the people in them (with membership periods), the population
base per commune and year, and each household's yearly poverty review.

Nothing here is deleted: a person leaves a household by ending their membership with a
reason; a household that splits or merges ends with a reason and keeps links to where its
people went. A recognised review is frozen; a correction is a new review that supersedes it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vuonlen.core.models import TimestampedModel
from vuonlen.geo.models import AdministrativeUnit

from . import ethnicity


class Area(models.TextChoices):
    RURAL = "rural", _("Nông thôn")
    URBAN = "urban", _("Thành thị")


class Sex(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")


class Relation(models.TextChoices):
    HEAD = "head", _("Chủ hộ")
    SPOUSE = "spouse", _("Vợ/chồng")
    CHILD = "child", _("Con")
    PARENT = "parent", _("Cha/mẹ")
    GRANDPARENT = "grandparent", _("Ông/bà")
    GRANDCHILD = "grandchild", _("Cháu")
    SIBLING = "sibling", _("Anh/chị/em")
    CHILD_IN_LAW = "child_in_law", _("Con dâu/con rể")
    OTHER = "other", _("Khác")


class JoinReason(models.TextChoices):
    FOUNDING = "founding", _("Có từ khi lập sổ")
    BIRTH = "birth", _("Sinh")
    MARRIAGE = "marriage", _("Kết hôn")
    MOVED_IN = "moved_in", _("Chuyển đến")
    SPLIT = "split", _("Tách hộ")
    MERGE = "merge", _("Nhập hộ")


class LeaveReason(models.TextChoices):
    DEATH = "death", _("Chết")
    MARRIAGE = "marriage", _("Kết hôn")
    MOVED_OUT = "moved_out", _("Chuyển đi")
    SPLIT = "split", _("Tách hộ")
    MERGE = "merge", _("Nhập hộ")


class HouseholdEnd(models.TextChoices):
    DIED_OUT = "died_out", _("Không còn người (chết)")
    MOVED_AWAY = "moved_away", _("Chuyển đi nơi khác")
    SPLIT = "split", _("Tách thành hộ mới")
    MERGED = "merged", _("Nhập vào hộ khác")


class SchoolStatus(models.TextChoices):
    NOT_YET = "not_yet", _("Chưa đến tuổi đi học")
    ATTENDING = "attending", _("Đang đi học")
    DROPPED_OUT = "dropped_out", _("Bỏ học")
    NEVER = "never", _("Chưa từng đi học")
    FINISHED = "finished", _("Đã thôi học")


class EducationLevel(models.TextChoices):
    NONE = "none", _("Chưa qua trường lớp")
    PRIMARY = "primary", _("Tiểu học")
    LOWER_SECONDARY = "lower_secondary", _("Trung học cơ sở")
    UPPER_SECONDARY = "upper_secondary", _("Trung học phổ thông")
    VOCATIONAL = "vocational", _("Trung cấp, cao đẳng nghề")
    HIGHER = "higher", _("Cao đẳng, đại học trở lên")


class Household(TimestampedModel):
    # Indexes kept lean: every one is paid by each household an import writes (issue 17, migration
    # 0013). The commune is found through the (commune, code) unique index, whose first column
    # it is; the head's folded name is only ever matched anywhere inside (``__contains``), which
    # a b-tree cannot answer (PostgreSQL has the trigram index of 0010 for it).
    commune = models.ForeignKey(AdministrativeUnit, verbose_name=_("xã"), on_delete=models.PROTECT,
                                related_name="households", db_index=False)
    # The unit used for scoping: the village when known, else the commune.
    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("thôn"), on_delete=models.PROTECT,
                             related_name="+")
    code = models.CharField(_("mã hộ"), max_length=30)
    head_name = models.CharField(_("chủ hộ"), max_length=150)
    head_search = models.CharField(max_length=150, editable=False, default="")
    head_sort = models.CharField(max_length=450, editable=False, db_index=True, default="")
    # The folded names of the head and of everyone who has been a member, one per line: what the
    # list's search matches (households.names; a trigram index on PostgreSQL, migration 0012).
    names_search = models.TextField(editable=False, default="")
    area = models.CharField(_("khu vực"), max_length=5, choices=Area.choices)
    area_overridden = models.BooleanField(_("khu vực nhập tay"), default=False)
    ethnicity = models.CharField(_("dân tộc"), max_length=2, choices=ethnicity.choices())
    is_ethnic_minority = models.BooleanField(_("hộ DTTS"), default=True, db_index=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    # Latest recognised status, kept by the review services for fast lists and filters.
    # Filtered on through the (current_status, commune) index below.
    current_status = models.CharField(_("tình trạng hiện tại"), max_length=16, blank=True)
    current_status_year = models.PositiveSmallIntegerField(_("năm của tình trạng"), null=True, blank=True)
    started_on = models.DateField(_("lập sổ từ"), null=True, blank=True)
    ended_on = models.DateField(_("kết thúc ngày"), null=True, blank=True)
    end_reason = models.CharField(_("lý do kết thúc"), max_length=16, choices=HouseholdEnd.choices, blank=True)
    split_from = models.ForeignKey("self", verbose_name=_("tách từ hộ"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="split_children")
    merged_into = models.ForeignKey("self", verbose_name=_("nhập vào hộ"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged_parents")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)

    class Meta:
        verbose_name = _("hộ gia đình")
        verbose_name_plural = _("hộ gia đình")
        ordering = ["commune_id", "code"]
        constraints = [models.UniqueConstraint(fields=["commune", "code"], name="households_code_unique_in_commune")]
        indexes = [
            models.Index(fields=["commune", "head_sort"]),
            models.Index(fields=["current_status", "commune"]),
            # The list's count and scope filter over households still open (issue 17): an
            # index-only count per in-scope unit instead of a scan of every household.
            models.Index(fields=["unit"], condition=Q(ended_on__isnull=True), name="households_open_unit"),
            # The list's default order over open households: the first page read in order.
            models.Index(fields=["head_sort", "code", "id"], condition=Q(ended_on__isnull=True),
                         name="households_open_head_sort"),
            # A scope's open household ids from the index alone: a commune officer's search
            # starts from them (docs/scale.md).
            models.Index(fields=["unit", "id"], condition=Q(ended_on__isnull=True), name="households_open_unit_ids"),
        ]

    def __str__(self) -> str:
        # No personal name here: str() reaches logs and audit summaries.
        return f"Hộ {self.code}"

    def save(self, *args, **kwargs):
        """A full save of a household already stored writes every field but ``names_search``:
        that column follows the memberships (``households.names.refresh``), and an instance
        loaded before a member joined would put the old names back."""
        if not self._state.adding and self.pk is not None and kwargs.get("update_fields") is None \
                and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [f.attname for f in self._meta.concrete_fields
                                       if not f.primary_key and f.attname != "names_search"]
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class Person(TimestampedModel):
    full_name = models.CharField(_("họ và tên"), max_length=150)
    # No index: the register's search reads the household's ``names_search``; the admin's
    # ``__contains`` cannot use a b-tree (issue 17, migration 0013).
    name_search = models.CharField(max_length=150, editable=False, default="")
    name_sort = models.CharField(max_length=450, editable=False, default="")
    sex = models.CharField(_("giới tính"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    ethnicity = models.CharField(_("dân tộc"), max_length=2, choices=ethnicity.choices())
    citizen_id = models.CharField(_("số định danh cá nhân"), max_length=12, null=True, blank=True, unique=True)
    health_insurance = models.BooleanField(_("có thẻ BHYT"), default=False)
    school_status = models.CharField(_("tình trạng đi học"), max_length=16, choices=SchoolStatus.choices, blank=True)
    education_level = models.CharField(_("trình độ học vấn"), max_length=16, choices=EducationLevel.choices,
                                       blank=True)
    occupation = models.CharField(_("việc làm"), max_length=150, blank=True)
    died_on = models.DateField(_("ngày mất"), null=True, blank=True)

    class Meta:
        verbose_name = _("nhân khẩu")
        verbose_name_plural = _("nhân khẩu")

    def __str__(self) -> str:
        return f"Nhân khẩu #{self.pk}"


class Membership(TimestampedModel):
    """A person's period in a household, with why it started and why it ended."""

    # Both foreign keys are indexed by the two-column indexes below (each first in one).
    household = models.ForeignKey(Household, verbose_name=_("hộ"), on_delete=models.PROTECT,
                                  related_name="memberships", db_index=False)
    person = models.ForeignKey(Person, verbose_name=_("nhân khẩu"), on_delete=models.PROTECT,
                               related_name="memberships", db_index=False)
    relation = models.CharField(_("quan hệ với chủ hộ"), max_length=16, choices=Relation.choices)
    started_on = models.DateField(_("từ ngày"), null=True, blank=True)
    start_reason = models.CharField(_("lý do vào hộ"), max_length=16, choices=JoinReason.choices,
                                    default=JoinReason.FOUNDING)
    ended_on = models.DateField(_("đến ngày"), null=True, blank=True)
    end_reason = models.CharField(_("lý do ra khỏi hộ"), max_length=16, choices=LeaveReason.choices, blank=True)

    class Meta:
        verbose_name = _("thời gian là nhân khẩu")
        verbose_name_plural = _("thời gian là nhân khẩu")
        ordering = ["household_id", "started_on", "id"]
        constraints = [
            # One open membership per person at a time.
            models.UniqueConstraint(fields=["person"], condition=Q(ended_on__isnull=True),
                                    name="households_one_open_membership"),
        ]
        indexes = [
            # In place of the foreign keys' own indexes, each carries the other key: the list's
            # search goes from people to their households, or from the scope's households to
            # their people, by index-only scans instead of a visit to each membership row
            # (issue 17, docs/scale.md).
            models.Index(fields=["person", "household"], name="households_member_person_hh"),
            models.Index(fields=["household", "person"], name="households_member_hh_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person} trong {self.household}"


class PopulationBase(TimestampedModel):
    """Total households and persons of a commune in a year: the denominators of every rate."""

    commune = models.ForeignKey(AdministrativeUnit, verbose_name=_("xã"), on_delete=models.PROTECT,
                                related_name="population_bases")
    year = models.PositiveSmallIntegerField(_("năm"))
    households_total = models.PositiveIntegerField(_("tổng số hộ"))
    persons_total = models.PositiveIntegerField(_("tổng số nhân khẩu"))
    em_households_total = models.PositiveIntegerField(_("số hộ DTTS"), null=True, blank=True)
    em_persons_total = models.PositiveIntegerField(_("số nhân khẩu DTTS"), null=True, blank=True)
    source = models.CharField(_("nguồn"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("dân số nền")
        verbose_name_plural = _("dân số nền")
        constraints = [models.UniqueConstraint(fields=["commune", "year"], name="households_population_unique")]

    def __str__(self) -> str:
        return f"{self.commune} {self.year}"


class ReviewKind(models.TextChoices):
    PERIODIC = "periodic", _("Rà soát định kỳ (01/9–14/12)")
    REGULAR = "regular", _("Rà soát thường xuyên (hằng tháng)")


class Review(TimestampedModel):
    """A household's poverty review for one year, under the standard of that year.

    Snapshots (commune, unit, area, persons, ethnic-minority flag) are copied at review time so
    that past tables never move when the household changes later.
    """

    household = models.ForeignKey(Household, verbose_name=_("hộ"), on_delete=models.PROTECT,
                                  related_name="reviews")
    year = models.PositiveSmallIntegerField(_("năm"), db_index=True)
    standard = models.CharField(_("chuẩn nghèo"), max_length=20)
    kind = models.CharField(_("loại rà soát"), max_length=10, choices=ReviewKind.choices, default=ReviewKind.PERIODIC)
    reviewed_on = models.DateField(_("ngày rà soát"), null=True, blank=True)
    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    area = models.CharField(_("khu vực"), max_length=5, choices=Area.choices)
    is_ethnic_minority = models.BooleanField(_("hộ DTTS"), default=True)
    persons = models.PositiveSmallIntegerField(_("số nhân khẩu"))
    income_per_capita = models.DecimalField(_("thu nhập bình quân (đồng/người/tháng)"), max_digits=14,
                                            decimal_places=0, null=True, blank=True)
    score_a = models.PositiveSmallIntegerField(_("điểm A"), null=True, blank=True)
    lacking = models.JSONField(_("chỉ số thiếu hụt"), default=list, blank=True)
    # Whether the household lives from farming, forestry, fishery or salt-making: official table
    # 01 counts only those among households of average living standard (Quyết định 24/2021/QĐ-TTg
    # sets a separate procedure for them). None: not recorded for this review.
    farming = models.BooleanField(_("hộ làm nông, lâm, ngư, diêm nghiệp"), null=True, blank=True)
    lacking_count = models.PositiveSmallIntegerField(_("số chỉ số thiếu hụt"), default=0)
    score_b = models.PositiveSmallIntegerField(_("điểm B"), default=0)
    status = models.CharField(_("kết quả"), max_length=16, db_index=True)
    explanation = models.JSONField(_("giải thích"), default=dict, blank=True)
    decision_number = models.CharField(_("số quyết định công nhận"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    recognised = models.BooleanField(_("đã công nhận"), default=False)
    is_current = models.BooleanField(_("bản hiện hành"), default=True)
    supersedes = models.OneToOneField("self", verbose_name=_("đính chính cho"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="superseded_by")
    correction_reason = models.CharField(_("lý do đính chính"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("kết quả rà soát")
        verbose_name_plural = _("kết quả rà soát")
        ordering = ["household_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], condition=Q(is_current=True),
                                    name="households_one_current_review_per_year"),
        ]
        indexes = [
            models.Index(fields=["year", "is_current", "status", "commune"]),
            # The years with a recognised review (the dashboards' opening year): a few probes of
            # this index instead of reading every review (docs/scale.md).
            models.Index(fields=["year"], condition=Q(recognised=True), name="households_review_recog_year"),
            # The register's "status in a year" filter (which households were poor in 2024):
            # the year's current reviews of a status, their households read from the index alone.
            models.Index(fields=["year", "status", "household"], condition=Q(is_current=True),
                         name="households_review_cur_status"),
        ]

    def __str__(self) -> str:
        return f"Rà soát {self.year} của hộ #{self.household_id}"


class LineKind(models.TextChoices):
    POVERTY_LINE = "poverty_line", _("Chuẩn nghèo (đồng/người/tháng)")
    NEAR_POOR_LINE = "near_poor_line", _("Chuẩn cận nghèo (đồng/người/tháng)")
    AVERAGE_LINE = "average_line", _("Mức sống trung bình (đồng/người/tháng)")
    SCORE_A_LIMIT = "score_a_limit", _("Ngưỡng điểm A (hộ nghèo)")
    SCORE_A_NEAR_POOR_LIMIT = "score_a_near_poor_limit", _("Ngưỡng điểm A (hộ cận nghèo)")


class PovertyLineSetting(TimestampedModel):
    """A line of a poverty standard that the law's text in our sources does not give.

    Decree 351/2025/NĐ-CP's average-living-standard lines, for one, are not in the documents
    we hold; an administrator types them in with their legal reference instead of the code
    guessing a figure. The review services pass these values to ``poverty.classify(lines=…)``,
    where they override or complete the standard's own lines.
    """

    standard = models.CharField(_("chuẩn nghèo"), max_length=20,
                                help_text=_("Mã chuẩn nghèo, ví dụ “ND351_2025”"))
    area = models.CharField(_("khu vực"), max_length=5, choices=Area.choices)
    kind = models.CharField(_("loại mức"), max_length=30, choices=LineKind.choices)
    value = models.DecimalField(_("giá trị"), max_digits=14, decimal_places=0,
                                help_text=_("Đồng/người/tháng cho các mức thu nhập; số điểm cho ngưỡng điểm A"))
    legal_reference = models.CharField(_("căn cứ pháp lý"), max_length=300)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("mức chuẩn do quản trị nhập")
        verbose_name_plural = _("mức chuẩn do quản trị nhập")
        ordering = ["standard", "area", "kind"]
        constraints = [models.UniqueConstraint(fields=["standard", "area", "kind"],
                                               name="households_line_setting_unique")]

    def __str__(self) -> str:
        return f"{self.standard} {self.get_area_display()} {self.get_kind_display()}"


class PovertyYearStandard(TimestampedModel):
    """An administrator's rule for which standard a review year uses, with the reason.

    The default rule lives in ``vuonlen.poverty`` (``DEFAULT_YEAR_RULES``: a phase's baseline
    review, at the end of the previous phase's last year, uses the new standard). A row here
    replaces it for one year — e.g. if the procedure for the end-2026 review keeps the 2022–2025
    standard — and its reason is quoted in every explanation of that year's classification.
    Existing reviews change only through ``vuonlen poverty reclassify``.
    """

    year = models.PositiveSmallIntegerField(_("năm rà soát"), unique=True)
    standard = models.CharField(_("chuẩn nghèo áp dụng"), max_length=20,
                                help_text=_("Mã chuẩn nghèo, ví dụ “ND07_2021”"))
    reason = models.CharField(_("lý do"), max_length=500,
                              help_text=_("Căn cứ, ví dụ số và ngày văn bản hướng dẫn rà soát; được trích trong "
                                          "mọi giải thích kết quả phân loại của năm này"))

    class Meta:
        verbose_name = _("chuẩn nghèo áp dụng cho năm rà soát")
        verbose_name_plural = _("chuẩn nghèo áp dụng cho năm rà soát")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"Năm {self.year}: {self.standard}"


class PovertyIndicator(TimestampedModel):
    """One indicator of a standard as the province applies it: the list an administrator can edit
    (e.g. enter Decree 351/2025's final list) without a release.

    Seeded from the pure-Python defaults (``vuonlen.poverty.STANDARDS``) by migration; the review
    form, the import template and columns, the classification and tables 04–05 read the active
    rows of a standard (``year_standards.effective_standards``). An indicator is never deleted —
    reviews keep its code — but set inactive.
    """

    standard = models.CharField(_("chuẩn nghèo"), max_length=20)
    code = models.SlugField(_("mã chỉ số"), max_length=40,
                            help_text=_("Mã không dấu, ví dụ “waste_treatment”; giữ nguyên khi chỉ số giống chuẩn trước"))
    dimension = models.SlugField(_("mã chiều thiếu hụt"), max_length=40)
    dimension_name = models.CharField(_("chiều thiếu hụt"), max_length=150)
    name_vi = models.CharField(_("tên chỉ số"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    threshold_vi = models.TextField(_("ngưỡng thiếu hụt"), blank=True)
    legal_reference = models.CharField(_("căn cứ pháp lý"), max_length=300, blank=True)
    verified = models.BooleanField(_("đã đối chiếu văn bản"), default=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("chỉ số thiếu hụt của chuẩn nghèo")
        verbose_name_plural = _("chỉ số thiếu hụt của chuẩn nghèo")
        ordering = ["standard", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["standard", "code"], name="households_indicator_unique")]

    def __str__(self) -> str:
        return f"{self.standard} {self.code}"


class ImportKind(models.TextChoices):
    HOUSEHOLDS = "households", _("Hộ và nhân khẩu")
    REVIEWS = "reviews", _("Kết quả rà soát")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Xong")
    FAILED = "failed", _("Không nhập được")


class ImportJob(TimestampedModel):
    """One Excel import run in the background: who sent which file, how far it has got, and
    what came of it (counts, or every error found).

    The file itself is kept in the database, not on disk, so that a worker on another machine
    can read it; it is emptied when the job ends, since it holds personal data. The error
    report is rebuilt from ``errors`` when downloaded (see ``imports.errors_xlsx``).
    """

    kind = models.CharField(_("loại"), max_length=12, choices=ImportKind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người nhập"), on_delete=models.PROTECT,
                                   related_name="+")
    filename = models.CharField(_("tên tệp"), max_length=255)
    year = models.PositiveSmallIntegerField(_("năm rà soát"), null=True, blank=True)
    era = models.CharField(_("mã xã theo danh mục"), max_length=10, default="pre2025")
    upload = models.BinaryField(_("nội dung tệp"), default=bytes, editable=False)
    status = models.CharField(_("trạng thái"), max_length=8, choices=ImportStatus.choices,
                              default=ImportStatus.QUEUED, db_index=True)
    phase = models.CharField(_("bước"), max_length=12, blank=True)
    done = models.PositiveIntegerField(_("đã xử lý"), default=0)
    total = models.PositiveIntegerField(_("tổng số dòng"), default=0)
    counts = models.JSONField(_("kết quả"), default=dict, blank=True)
    errors = models.JSONField(_("lỗi"), default=list, blank=True)  # [[row, column, message], …]
    error_count = models.PositiveIntegerField(_("số lỗi"), default=0)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    # The worker's lease on a running job: renewed by its heartbeat (see ``jobs``); a running job
    # whose lease has expired lost its worker and is failed by the reaper.
    lease_expires_at = models.DateTimeField(_("hạn giữ việc"), null=True, blank=True, editable=False)
    # A job that failed for the system's sake keeps its file until then, so that it can be retried.
    retry_until = models.DateTimeField(_("được thử lại đến"), null=True, blank=True, editable=False)
    retry_of = models.ForeignKey("self", verbose_name=_("thử lại của"), null=True, blank=True, editable=False,
                                 on_delete=models.SET_NULL, related_name="retries")

    class Meta:
        verbose_name = _("lần nhập tệp")
        verbose_name_plural = _("lần nhập tệp")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "created_at"])]

    def __str__(self) -> str:
        return f"Nhập tệp #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def retryable(self) -> bool:
        from django.utils import timezone

        return (self.status == ImportStatus.FAILED and self.retry_until is not None
                and self.retry_until > timezone.now())

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0
