"""Forms of the account manager's pages: the new-account wizard, a role, an organisation."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vuonlen.core.forms import ServiceErrorsMixin, StyledFormMixin
from vuonlen.core.periods import today_vn
from vuonlen.geo.models import AdministrativeUnit

from . import roles, scoping
from .models import Organisation, OrgKind, organisation_valid_on_q


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit: AdministrativeUnit) -> str:
        parent = f" — {unit.parent.name}" if unit.parent_id else ""
        return f"{unit.name}{parent}"


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, org: Organisation) -> str:
        return f"{org.name} — {org.unit.name}"


def units_in_use(user, perm: str):
    """Units of the person's area with ``perm`` that exist today (the new era since 1/7/2025)."""
    day = today_vn()
    return (scoping.visible_units(user, perm).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
            .select_related("parent").order_by("level", "name_sort"))


def organisations_in_use(user, perm: str):
    day = today_vn()
    return (scoping.scoped(user, Organisation.objects.select_related("unit"), perm)
            .filter(organisation_valid_on_q(day)).order_by("unit__level", "unit__name_sort", "name_sort"))


class PlacementFields(forms.Form):
    """Role, then where it applies: a unit, or an organisation for those acting for one."""

    # Required-ness is the service's to say, with its other checks, all at once.
    role = forms.ChoiceField(label=_("Vai trò"), required=False, choices=[("", "—")] + list(roles.Role.choices))
    unit = UnitChoiceField(label=_("Địa bàn"), required=False, queryset=AdministrativeUnit.objects.none(),
                           empty_label="—", help_text=_("Người dùng thấy địa bàn này và mọi đơn vị trực thuộc."))
    organisation = OrganisationChoiceField(
        label=_("Tổ chức"), required=False, queryset=Organisation.objects.none(), empty_label="—",
        help_text=_("Bắt buộc với “Cơ quan, đơn vị báo cáo”: người dùng gửi báo cáo, nhận nhiệm vụ thay mặt tổ chức."))

    def __init__(self, *args, manager=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_in_use(manager, roles.ACCOUNT_MANAGE)
        self.fields["organisation"].queryset = organisations_in_use(manager, roles.ACCOUNT_MANAGE)


class AccountForm(ServiceErrorsMixin, StyledFormMixin, PlacementFields):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150, required=False,
                               help_text=_("Để trống: hệ thống đặt theo họ tên và địa bàn, ví dụ nguyenvanan.xamoi."))
    email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)
    password = forms.CharField(label=_("Mật khẩu"), required=False, strip=False,
                               widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
                               help_text=_("Để trống: hệ thống tạo mật khẩu tạm thời và chỉ hiện một lần."))

    field_order = ["role", "unit", "organisation", "full_name", "username", "email", "phone", "password"]


class RoleForm(ServiceErrorsMixin, StyledFormMixin, PlacementFields):
    pass


class OrganisationForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Tên tổ chức"), max_length=200, required=False)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=60, required=False)
    kind = forms.ChoiceField(label=_("Loại tổ chức"), required=False, choices=[("", "—")] + list(OrgKind.choices))
    unit = UnitChoiceField(label=_("Địa bàn"), required=False, queryset=AdministrativeUnit.objects.none(),
                           empty_label="—")
    parent = OrganisationChoiceField(label=_("Tổ chức cấp trên"), required=False,
                                     queryset=Organisation.objects.none(), empty_label="—")
    email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False)
    is_active = forms.BooleanField(label=_("Đang hoạt động"), required=False, initial=True)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, manager=None, editing: Organisation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = organisations_in_use(manager, roles.ORG_VIEW)
        if editing is None:
            self.fields["unit"].queryset = units_in_use(manager, roles.ORG_MANAGE)
            del self.fields["is_active"]
        else:
            # The unit stays; moving between units is the switch-over's business.
            del self.fields["unit"]
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(pk=editing.pk)
