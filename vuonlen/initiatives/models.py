"""Demonstration models (mô hình): what they are, who builds them, who takes part, their money,
their lifecycle and their periodic reviews; exemplary households; showcase approvals.

The lifecycle is an explicit pipeline (``TRANSITIONS``): a model is built, runs, is reviewed
effective (and may be replicated) or ineffective (with a conversion plan), then is converted
into another model or closed. Every move is a ``StatusChange`` row, so the history of a model
is never rewritten.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vuonlen.accounts.models import Organisation
from vuonlen.core.models import NamedModel, TimestampedModel
from vuonlen.core.pipeline import Pipeline
from vuonlen.core.uploads import StoredFileFields
from vuonlen.geo.models import AdministrativeUnit


class Kind(models.TextChoices):
    CROPS = "crops", _("Sản xuất — trồng trọt")
    LIVESTOCK = "livestock", _("Sản xuất — chăn nuôi")
    FOREST = "forest", _("Sản xuất — lâm nghiệp, dược liệu dưới tán rừng")
    COOPERATIVE = "cooperative", _("Hợp tác xã, tổ hợp tác")
    MODEL_GARDEN = "model_garden", _("Nhà vườn kiểu mẫu")
    DAN_VAN_KHEO = "dan_van_kheo", _("Dân vận khéo")
    LIVING = "living", _("Nếp sống, thay đổi phong tục tập quán")


class InitiativeLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


class Status(models.TextChoices):
    BEING_BUILT = "being_built", _("Đang xây dựng")
    RUNNING = "running", _("Đang duy trì")
    EFFECTIVE = "reviewed_effective", _("Đánh giá hiệu quả")
    INEFFECTIVE = "reviewed_ineffective", _("Đánh giá chưa hiệu quả")
    CONVERTED = "converted", _("Đã chuyển đổi")
    CLOSED = "closed", _("Đã dừng")


# The allowed moves. An effective model keeps running (it may be reviewed again); an
# ineffective one must first get a conversion plan (checked in the service) before it is
# converted or closed; converted and closed are final.
# Declared once (``core.pipeline``); each move is a ``StatusChange`` row.
INITIATIVE_PIPELINE = Pipeline(
    field="status",
    moves={
        Status.BEING_BUILT: (Status.RUNNING, Status.CLOSED),
        Status.RUNNING: (Status.EFFECTIVE, Status.INEFFECTIVE, Status.CLOSED),
        Status.EFFECTIVE: (Status.RUNNING, Status.INEFFECTIVE, Status.CLOSED),
        Status.INEFFECTIVE: (Status.RUNNING, Status.CONVERTED, Status.CLOSED),
        Status.CONVERTED: (),
        Status.CLOSED: (),
    },
    event="initiatives.StatusChange", event_fk="initiative",
)
TRANSITIONS: dict[str, frozenset[str]] = {
    status: frozenset(INITIATIVE_PIPELINE.allowed(status)) for status in INITIATIVE_PIPELINE.statuses}
# States in which a model counts as "built or kept" for indicator 5 of the plan.
ACTIVE_STATUSES = frozenset({Status.BEING_BUILT, Status.RUNNING, Status.EFFECTIVE, Status.INEFFECTIVE})

STATUS_BADGE = {
    Status.BEING_BUILT: "info",
    Status.RUNNING: "primary",
    Status.EFFECTIVE: "success",
    Status.INEFFECTIVE: "warning",
    Status.CONVERTED: "secondary",
    Status.CLOSED: "dark",
}


class Initiative(NamedModel, TimestampedModel):
    """One model (mô hình). ``unit`` is the commune (or district, province) where it stands and
    the unit used for scoping; ``villages`` are the villages it covers."""

    kind = models.CharField(_("loại mô hình"), max_length=16, choices=Kind.choices)
    level = models.CharField(_("cấp xây dựng"), max_length=10, choices=InitiativeLevel.choices)
    organisation = models.ForeignKey(Organisation, verbose_name=_("đơn vị xây dựng"), on_delete=models.PROTECT,
                                     related_name="initiatives")
    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("địa bàn"), on_delete=models.PROTECT,
                             related_name="initiatives")
    villages = models.ManyToManyField(AdministrativeUnit, verbose_name=_("thôn, làng"), blank=True,
                                      related_name="village_initiatives")
    start_year = models.PositiveSmallIntegerField(_("năm bắt đầu"), db_index=True)
    is_pilot = models.BooleanField(_("mô hình điểm"), default=False,
                                   help_text=_("Mỗi đơn vị đăng ký một mô hình làm điểm mỗi năm"))
    replicated_from = models.ForeignKey("self", verbose_name=_("nhân rộng từ mô hình"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="replicas")
    converted_into = models.ForeignKey("self", verbose_name=_("chuyển đổi thành mô hình"), null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="converted_from")
    description = models.TextField(_("mô tả"), blank=True)
    status = models.CharField(_("tình trạng"), max_length=24, choices=Status.choices, default=Status.BEING_BUILT,
                              db_index=True)
    status_changed_at = models.DateTimeField(_("đổi tình trạng lúc"), null=True, blank=True)
    # Conversion plan of an ineffective model (seed 001: "hướng và kế hoạch chuyển đổi").
    conversion_direction = models.TextField(_("hướng chuyển đổi"), blank=True)
    conversion_deadline = models.DateField(_("thời hạn chuyển đổi"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)

    class Meta:
        verbose_name = _("mô hình")
        verbose_name_plural = _("mô hình")
        ordering = ["-start_year", "name_sort"]
        constraints = [
            # "Mỗi đơn vị đăng ký một mô hình làm điểm": one pilot per organisation per year.
            models.UniqueConstraint(fields=["organisation", "start_year"], condition=Q(is_pilot=True),
                                    name="initiatives_one_pilot_per_org_year"),
        ]
        indexes = [models.Index(fields=["unit", "start_year"]), models.Index(fields=["level", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def status_badge(self) -> str:
        return STATUS_BADGE.get(self.status, "secondary")

    pipeline = INITIATIVE_PIPELINE

    @property
    def allowed_moves(self) -> list[str]:
        # In the pipeline's own order, so the likeliest next step is offered first.
        allowed = self.pipeline.allowed(self.status)
        return [s for s in Status.values if s in allowed]


class StatusChange(models.Model):
    initiative = models.ForeignKey(Initiative, verbose_name=_("mô hình"), on_delete=models.CASCADE,
                                   related_name="status_changes")
    from_status = models.CharField(_("từ"), max_length=24, choices=Status.choices, blank=True)
    to_status = models.CharField(_("sang"), max_length=24, choices=Status.choices)
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người chuyển"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    comment = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("chuyển tình trạng mô hình")
        verbose_name_plural = _("chuyển tình trạng mô hình")
        ordering = ["at", "pk"]


class Participation(models.Model):
    """A registry household taking part in a model for a period."""

    initiative = models.ForeignKey(Initiative, verbose_name=_("mô hình"), on_delete=models.CASCADE,
                                   related_name="participations")
    household = models.ForeignKey("households.Household", verbose_name=_("hộ"), on_delete=models.PROTECT,
                                  related_name="initiative_participations")
    started_on = models.DateField(_("tham gia từ"))
    ended_on = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("hộ tham gia")
        verbose_name_plural = _("hộ tham gia")
        ordering = ["initiative", "started_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "household", "started_on"],
                                    name="initiatives_participation_unique"),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                                   name="initiatives_participation_dates"),
        ]


class FundSource(models.TextChoices):
    NTP_RURAL = "ntp_rural", _("CTMTQG xây dựng nông thôn mới")
    NTP_ETHNIC = "ntp_ethnic", _("CTMTQG phát triển KT-XH vùng đồng bào DTTS và miền núi")
    NTP_POVERTY = "ntp_poverty", _("CTMTQG giảm nghèo bền vững")
    PROVINCIAL = "provincial", _("Ngân sách tỉnh, huyện, xã")
    MOBILISED = "mobilised", _("Vận động xã hội")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    TWINNING = "twinning", _("Đơn vị kết nghĩa")
    LOAN = "loan", _("Vốn vay ưu đãi Ngân hàng CSXH")
    HOUSEHOLDS = "households", _("Người dân đóng góp")


class Fund(models.Model):
    initiative = models.ForeignKey(Initiative, verbose_name=_("mô hình"), on_delete=models.CASCADE,
                                   related_name="funds")
    source = models.CharField(_("nguồn"), max_length=16, choices=FundSource.choices)
    amount = models.DecimalField(_("số tiền (đồng)"), max_digits=16, decimal_places=0)
    year = models.PositiveSmallIntegerField(_("năm"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("nguồn vốn mô hình")
        verbose_name_plural = _("nguồn vốn mô hình")
        ordering = ["initiative", "year", "source"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="initiatives_fund_non_negative")]


class InitiativeReview(models.Model):
    """A periodic review (sơ kết, đánh giá) of a model with its results."""

    initiative = models.ForeignKey(Initiative, verbose_name=_("mô hình"), on_delete=models.CASCADE,
                                   related_name="reviews")
    reviewed_on = models.DateField(_("ngày đánh giá"))
    participants = models.PositiveIntegerField(_("số hộ tham gia"), default=0)
    participants_out_of_poverty = models.PositiveIntegerField(_("số hộ tham gia thoát nghèo"), default=0)
    income_change_pct = models.DecimalField(_("thay đổi thu nhập (%)"), max_digits=6, decimal_places=1,
                                            null=True, blank=True)
    assessment = models.TextField(_("nhận xét, đánh giá"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đánh giá mô hình")
        verbose_name_plural = _("đánh giá mô hình")
        ordering = ["-reviewed_on", "-pk"]


class InitiativeFile(StoredFileFields):
    initiative = models.ForeignKey(Initiative, verbose_name=_("mô hình"), on_delete=models.CASCADE,
                                   related_name="files")
    caption = models.CharField(_("chú thích"), max_length=300, blank=True)
    is_photo = models.BooleanField(_("là ảnh"), default=False)
    # A photo may be shown on the public showcase only when the model is approved AND the
    # uploader marked it public (a photo of a person's face is not for everyone).
    public = models.BooleanField(_("cho phép công khai"), default=False)

    class Meta:
        verbose_name = _("tệp, ảnh mô hình")
        verbose_name_plural = _("tệp, ảnh mô hình")
        ordering = ["uploaded_at", "pk"]


class Showcase(models.Model):
    """The secretariat's approval to publish a model on the public page. Unapproving keeps the
    row (who and when) but takes the model off the page."""

    initiative = models.OneToOneField(Initiative, verbose_name=_("mô hình"), on_delete=models.CASCADE,
                                      related_name="showcase")
    summary = models.TextField(_("mô tả ngắn công khai"), blank=True)
    approved = models.BooleanField(_("đã duyệt công khai"), default=False, db_index=True)
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người duyệt"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    withdrawn_at = models.DateTimeField(_("gỡ lúc"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người gỡ"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("trưng bày công khai")
        verbose_name_plural = _("trưng bày công khai")


class Exemplar(TimestampedModel):
    """An exemplary household or person (gương điển hình), chosen by the commune.

    ``display_name`` is what the commune wrote; it is published only when ``consent_to_publish``
    is set, and the story is published only with consent at all.
    """

    commune = models.ForeignKey(AdministrativeUnit, verbose_name=_("xã"), on_delete=models.PROTECT,
                                related_name="exemplars")
    household = models.ForeignKey("households.Household", verbose_name=_("hộ"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="exemplars")
    display_name = models.CharField(_("tên hiển thị"), max_length=150, blank=True)
    initiative = models.ForeignKey(Initiative, verbose_name=_("mô hình liên quan"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="exemplars")
    year = models.PositiveSmallIntegerField(_("năm"))
    story = models.TextField(_("câu chuyện"))
    consent_to_publish = models.BooleanField(_("đồng ý công khai"), default=False)
    publish_name = models.BooleanField(_("đồng ý nêu tên"), default=False)
    # The photo, stored through core.uploads (re-encoded, EXIF dropped).
    photo_name = models.CharField(max_length=300, blank=True, editable=False)
    photo_original = models.CharField(max_length=255, blank=True, editable=False)
    photo_type = models.CharField(max_length=120, blank=True, editable=False)
    # Like models, a story reaches the public page only after the secretariat approves it.
    approved_at = models.DateTimeField(_("duyệt công khai lúc"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người duyệt"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)

    class Meta:
        verbose_name = _("gương điển hình")
        verbose_name_plural = _("gương điển hình")
        ordering = ["-year", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(household__isnull=False) | ~Q(display_name=""),
                                   name="initiatives_exemplar_has_subject"),
            models.CheckConstraint(condition=Q(publish_name=False) | Q(consent_to_publish=True),
                                   name="initiatives_exemplar_name_needs_consent"),
        ]

    def __str__(self) -> str:
        return f"Gương điển hình #{self.pk} ({self.year})"
