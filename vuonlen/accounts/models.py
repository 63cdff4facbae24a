from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from vuonlen.core.models import NamedModel, TimestampedModel
from vuonlen.geo.models import AdministrativeUnit

from .roles import Role


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")

    def __str__(self) -> str:
        return self.full_name or self.username


class OrgKind(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", _("Cấp uỷ Đảng")
    PEOPLES_COMMITTEE = "peoples_committee", _("Uỷ ban nhân dân")
    FATHERLAND_FRONT = "fatherland_front", _("Uỷ ban MTTQ Việt Nam")
    STEERING_COMMITTEE = "steering_committee", _("Ban Chỉ đạo Cuộc vận động")
    FARMERS_UNION = "farmers_union", _("Hội Nông dân")
    WOMENS_UNION = "womens_union", _("Hội Liên hiệp Phụ nữ")
    YOUTH_UNION = "youth_union", _("Đoàn Thanh niên")
    VETERANS_UNION = "veterans_union", _("Hội Cựu chiến binh")
    AGENCY = "agency", _("Sở, ban, ngành, cơ quan")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    ARMED_FORCES = "armed_forces", _("Đơn vị lực lượng vũ trang")


class Organisation(NamedModel, TimestampedModel):
    kind = models.CharField(_("loại tổ chức"), max_length=24, choices=OrgKind.choices)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("địa bàn"), on_delete=models.PROTECT,
                             related_name="organisations")
    parent = models.ForeignKey("self", verbose_name=_("tổ chức cấp trên"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="children")
    email = models.EmailField(_("thư điện tử"), blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    # An organisation of the new era starts on the switch date; one of an abolished unit that was
    # not continued ends on its unit's end date (is_active False). Both bound what it owes.
    valid_from = models.DateField(_("hoạt động từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("hoạt động đến ngày"), null=True, blank=True)
    continues = models.ForeignKey("self", verbose_name=_("kế thừa tổ chức"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="continued_by")

    class Meta:
        verbose_name = _("tổ chức")
        verbose_name_plural = _("tổ chức")
        ordering = ["unit__level", "name_sort"]
        constraints = [models.UniqueConstraint(fields=["unit", "name_search"], name="accounts_org_unique_name_in_unit")]

    def __str__(self) -> str:
        return self.name

    @property
    def level(self) -> int:
        return self.unit.level

    def is_valid_on(self, day: dt.date) -> bool:
        """Did the organisation, and its unit, exist on ``day``? (An ended one did until its end.)
        The rule is ``_VALID_SPANS``, the same one ``organisation_valid_on_q`` filters with."""
        if not self.is_active and self.valid_to is None:
            return False
        return all((start is None or start <= day) and (end is None or end >= day)
                   for start, end in ((_attr(self, s), _attr(self, e)) for s, e in _VALID_SPANS))


# When an organisation exists: its own span and its unit's (a deactivated one without an end
# date never did). One rule for ``Organisation.is_valid_on`` and ``organisation_valid_on_q``.
_VALID_SPANS = (("valid_from", "valid_to"), ("unit__valid_from", "unit__valid_to"))


def _attr(obj, path: str):
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj


def organisation_valid_on_q(day: dt.date, prefix: str = "") -> models.Q:
    """The organisations that existed on ``day``: ``Organisation.is_valid_on`` as a filter."""
    Q = models.Q
    p = prefix
    where = Q(**{f"{p}is_active": True}) | Q(**{f"{p}valid_to__isnull": False})
    for start, end in _VALID_SPANS:
        where &= Q(**{f"{p}{start}__isnull": True}) | Q(**{f"{p}{start}__lte": day})
        where &= Q(**{f"{p}{end}__isnull": True}) | Q(**{f"{p}{end}__gte": day})
    return where


class RoleAssignment(TimestampedModel):
    """A person holds a role over a unit's area, or on behalf of an organisation."""

    user = models.ForeignKey(User, verbose_name=_("tài khoản"), on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("địa bàn"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, verbose_name=_("tổ chức"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="assignments")
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    is_active = models.BooleanField(_("còn hiệu lực"), default=True)
    # Ended by a switch-over of units: after ``valid_to`` the person still reads (never changes)
    # the history of the assignment's area (scoping.HISTORY_PERMISSIONS).
    keeps_history = models.BooleanField(_("giữ quyền xem lịch sử"), default=False)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False) | models.Q(organisation__isnull=False),
                name="accounts_assignment_has_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.scope_unit}"

    @property
    def scope_unit(self) -> AdministrativeUnit:
        return self.unit if self.unit_id else self.organisation.unit
